/**
 * Checks every schema the broker implements against Kafka's own message definitions
 * (shared/kafka-protocol/message, read as reference data): same fields in the same order, same
 * types, versions, nullable and tagged versions, tags, defaults and ignorable flags. Skipped
 * when the definitions are absent.
 */
import { describe, expect, it } from 'vitest'
import { HANDLERS } from '../../../../core/broker/handlers.ts'
import { KNOWN_API_VERSIONS } from '../../../../core/protocol/api-keys.ts'
import { expectMatchesKafkaDefinition, hasKafkaDefinitions, loadKafkaDefinition } from '../../../helpers/kafka-message-definitions.ts'

describe.skipIf(!hasKafkaDefinitions)("schemas match Kafka's message definitions", () => {
  for (const { api } of HANDLERS) {
    it(`${api.name} request and response`, () => {
      expectMatchesKafkaDefinition(api.request, `${api.name}Request`)
      expectMatchesKafkaDefinition(api.response, `${api.name}Response`)
    })
  }

  it('KNOWN_API_VERSIONS lists every API in the definitions with its versions', () => {
    const files = ['Produce', 'Fetch', 'ListOffsets', 'Metadata', 'OffsetCommit', 'OffsetFetch', 'FindCoordinator', 'JoinGroup',
      'Heartbeat', 'LeaveGroup', 'SyncGroup', 'DescribeGroups', 'ListGroups', 'SaslHandshake', 'ApiVersions', 'CreateTopics',
      'DeleteTopics', 'DeleteRecords', 'InitProducerId', 'OffsetForLeaderEpoch', 'AddPartitionsToTxn', 'AddOffsetsToTxn', 'EndTxn',
      'TxnOffsetCommit', 'DescribeConfigs', 'AlterConfigs', 'SaslAuthenticate', 'CreatePartitions', 'DeleteGroups',
      'IncrementalAlterConfigs', 'OffsetDelete', 'DescribeCluster', 'ConsumerGroupHeartbeat', 'ConsumerGroupDescribe',
      'GetTelemetrySubscriptions', 'PushTelemetry']
    expect(KNOWN_API_VERSIONS.size).toBe(files.length)
    for (const file of files) {
      const json = loadKafkaDefinition(`${file}Request`)
      expect(KNOWN_API_VERSIONS.get(json.apiKey!), file).toEqual({ validVersions: json.validVersions, flexibleVersions: json.flexibleVersions })
    }
  })
})
