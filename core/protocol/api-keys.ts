/**
 * Kafka's API keys, and for the APIs whose message definitions Creek keeps
 * (`shared/kafka-protocol/message/`, apache/kafka 1eb7644349cb) their valid and flexible versions,
 * which decide the request and response header versions (see `headers.ts`).
 */
import { CoreError } from '../errors.ts'
import { parseVersionRange } from './version-range.ts'

/** Every API key Kafka has assigned, by Kafka's name for the API. */
export const ApiKey = Object.freeze({
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  LeaderAndIsr: 4,
  StopReplica: 5,
  UpdateMetadata: 6,
  ControlledShutdown: 7,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  InitProducerId: 22,
  OffsetForLeaderEpoch: 23,
  AddPartitionsToTxn: 24,
  AddOffsetsToTxn: 25,
  EndTxn: 26,
  WriteTxnMarkers: 27,
  TxnOffsetCommit: 28,
  DescribeAcls: 29,
  CreateAcls: 30,
  DeleteAcls: 31,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  AlterReplicaLogDirs: 34,
  DescribeLogDirs: 35,
  SaslAuthenticate: 36,
  CreatePartitions: 37,
  CreateDelegationToken: 38,
  RenewDelegationToken: 39,
  ExpireDelegationToken: 40,
  DescribeDelegationToken: 41,
  DeleteGroups: 42,
  ElectLeaders: 43,
  IncrementalAlterConfigs: 44,
  AlterPartitionReassignments: 45,
  ListPartitionReassignments: 46,
  OffsetDelete: 47,
  DescribeClientQuotas: 48,
  AlterClientQuotas: 49,
  DescribeUserScramCredentials: 50,
  AlterUserScramCredentials: 51,
  Vote: 52,
  BeginQuorumEpoch: 53,
  EndQuorumEpoch: 54,
  DescribeQuorum: 55,
  AlterPartition: 56,
  UpdateFeatures: 57,
  Envelope: 58,
  FetchSnapshot: 59,
  DescribeCluster: 60,
  DescribeProducers: 61,
  BrokerRegistration: 62,
  BrokerHeartbeat: 63,
  UnregisterBroker: 64,
  DescribeTransactions: 65,
  ListTransactions: 66,
  AllocateProducerIds: 67,
  ConsumerGroupHeartbeat: 68,
  ConsumerGroupDescribe: 69,
  ControllerRegistration: 70,
  GetTelemetrySubscriptions: 71,
  PushTelemetry: 72,
  AssignReplicasToDirs: 73,
  /** Renamed ListConfigResources in Kafka 4.1. */
  ListClientMetricsResources: 74,
  DescribeTopicPartitions: 75,
  ShareGroupHeartbeat: 76,
  ShareGroupDescribe: 77,
  ShareFetch: 78,
  ShareAcknowledge: 79,
  AddRaftVoter: 80,
  RemoveRaftVoter: 81,
  UpdateRaftVoter: 82,
  InitializeShareGroupState: 83,
  ReadShareGroupState: 84,
  WriteShareGroupState: 85,
  DeleteShareGroupState: 86,
  ReadShareGroupStateSummary: 87,
  StreamsGroupHeartbeat: 88,
  StreamsGroupDescribe: 89,
  DescribeShareGroupOffsets: 90,
  AlterShareGroupOffsets: 91,
  DeleteShareGroupOffsets: 92,
})

export type ApiName = keyof typeof ApiKey
export type ApiKeyValue = (typeof ApiKey)[ApiName]

const NAMES: ReadonlyMap<number, ApiName> = new Map(
  (Object.entries(ApiKey) as [ApiName, number][]).map(([name, key]) => [key, name]),
)

/** Kafka's name of an API key, or `Unknown(<key>)`. */
export function apiName(apiKey: number): string {
  return NAMES.get(apiKey) ?? `Unknown(${apiKey})`
}

export interface ApiVersionInfo {
  /** Versions Kafka defines (at the snapshot above). */
  readonly validVersions: string
  /** Versions that use compact encodings, tag buffers and the flexible headers. */
  readonly flexibleVersions: string
}

/** Valid and flexible versions of the APIs whose definitions are in `shared/kafka-protocol/message/`. */
export const KNOWN_API_VERSIONS: ReadonlyMap<number, ApiVersionInfo> = new Map(
  ([
    [ApiKey.Produce, '0-11', '9+'],
    [ApiKey.Fetch, '0-17', '12+'],
    [ApiKey.ListOffsets, '0-10', '6+'],
    [ApiKey.Metadata, '0-12', '9+'],
    [ApiKey.OffsetCommit, '0-9', '8+'],
    [ApiKey.OffsetFetch, '0-9', '6+'],
    [ApiKey.FindCoordinator, '0-6', '3+'],
    [ApiKey.JoinGroup, '0-9', '6+'],
    [ApiKey.Heartbeat, '0-4', '4+'],
    [ApiKey.LeaveGroup, '0-5', '4+'],
    [ApiKey.SyncGroup, '0-5', '4+'],
    [ApiKey.DescribeGroups, '0-5', '5+'],
    [ApiKey.ListGroups, '0-5', '3+'],
    [ApiKey.SaslHandshake, '0-1', 'none'],
    [ApiKey.ApiVersions, '0-4', '3+'],
    [ApiKey.CreateTopics, '0-7', '5+'],
    [ApiKey.DeleteTopics, '0-6', '4+'],
    [ApiKey.DeleteRecords, '0-2', '2+'],
    [ApiKey.InitProducerId, '0-5', '2+'],
    [ApiKey.OffsetForLeaderEpoch, '0-4', '4+'],
    [ApiKey.AddPartitionsToTxn, '0-5', '3+'],
    [ApiKey.AddOffsetsToTxn, '0-4', '3+'],
    [ApiKey.EndTxn, '0-5', '3+'],
    [ApiKey.TxnOffsetCommit, '0-4', '3+'],
    [ApiKey.DescribeConfigs, '0-4', '4+'],
    [ApiKey.AlterConfigs, '0-2', '2+'],
    [ApiKey.SaslAuthenticate, '0-2', '2+'],
    [ApiKey.CreatePartitions, '0-3', '2+'],
    [ApiKey.DeleteGroups, '0-2', '2+'],
    [ApiKey.IncrementalAlterConfigs, '0-1', '1+'],
    [ApiKey.OffsetDelete, '0', 'none'],
    [ApiKey.DescribeCluster, '0-1', '0+'],
    [ApiKey.ConsumerGroupHeartbeat, '0-1', '0+'],
    [ApiKey.ConsumerGroupDescribe, '0', '0+'],
    [ApiKey.GetTelemetrySubscriptions, '0', '0+'],
    [ApiKey.PushTelemetry, '0', '0+'],
  ] as const).map(([key, validVersions, flexibleVersions]) => [key, Object.freeze({ validVersions, flexibleVersions })]),
)

/**
 * Whether `apiVersion` of `apiKey` is a flexible version. Throws `CORE_INVALID_ARGUMENT` for an
 * API whose versions Creek does not know (see `KNOWN_API_VERSIONS`).
 */
export function isFlexibleVersion(apiKey: number, apiVersion: number): boolean {
  const info = KNOWN_API_VERSIONS.get(apiKey)
  if (info === undefined) {
    throw new CoreError('CORE_INVALID_ARGUMENT', `The flexible versions of API ${apiName(apiKey)} (key ${apiKey}) are not known to Creek`)
  }
  const { min, max } = parseVersionRange(info.flexibleVersions)
  return apiVersion >= min && apiVersion <= max
}
