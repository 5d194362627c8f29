/**
 * Creek core: the public API of the log, protocol and (as they land) broker, server and clients.
 * Other layers and entry points import only from here.
 */
export { CoreError, CreekError, CORE_ERROR_CODES, isRetriable } from './errors.ts'
export type { CoreErrorCode, CreekErrorOptions } from './errors.ts'
export { consoleLogger, silentLogger } from './logger.ts'
export type { Logger, LogLevel } from './logger.ts'

// Protocol: record batches v2 and compression.
export { crc32c } from './protocol/crc32c.ts'
export { CompressionType, compressionTypeName, parseCompressionType } from './protocol/compression/codecs.ts'
export {
  decodeRecordBatch,
  decodeRecordBatches,
  decodeRecordBatchSync,
  encodeRecordBatch,
  encodeRecordBatchSync,
} from './protocol/record-batch.ts'
export type {
  DecodedRecord,
  DecodedRecordBatch,
  EncodeRecordBatchOptions,
  ProducerRecord,
  RecordHeader,
} from './protocol/record-batch.ts'
export { TimestampType, validateBatch } from './protocol/record-batch-header.ts'

// Protocol: wire primitives, the schema DSL, headers, error codes and the APIs.
export { Reader } from './protocol/reader.ts'
export { Writer, ZERO_UUID } from './protocol/writer.ts'
export { createDefault, message, t } from './protocol/schema.ts'
export type { FieldDef, Fields, MessageSchema, MessageType, SchemaType, StructType } from './protocol/schema.ts'
export { compileCodec, decodeMessage, encodeMessage } from './protocol/schema-codec.ts'
export type { MessageCodec, VersionCodec } from './protocol/schema-codec.ts'
export { parseVersionRange } from './protocol/version-range.ts'
export type { VersionRange } from './protocol/version-range.ts'
export { ApiKey, apiName } from './protocol/api-keys.ts'
export { defineApi } from './protocol/api-descriptor.ts'
export type { ApiDescriptor } from './protocol/api-descriptor.ts'
export {
  decodeRequestBody, decodeRequestHeader, decodeResponse, decodeResponseHeader, encodeRequest, encodeResponse,
  requestHeaderVersion, responseHeaderVersion,
} from './protocol/headers.ts'
export type { DecodedResponse, RequestHeader, ResponseHeader } from './protocol/headers.ts'
export { ErrorCode, KafkaApiError, errorName, isRetriableErrorCode, toKafkaErrorCode } from './protocol/error-codes.ts'
export { ApiVersions, decodeApiVersionsResponse } from './protocol/apis/api-versions.ts'
export type { ApiVersionsRequest, ApiVersionsResponse } from './protocol/apis/api-versions.ts'
export { Metadata } from './protocol/apis/metadata.ts'
export type { MetadataRequest, MetadataResponse } from './protocol/apis/metadata.ts'
export { DescribeCluster, EndpointType } from './protocol/apis/describe-cluster.ts'
export type { DescribeClusterRequest, DescribeClusterResponse } from './protocol/apis/describe-cluster.ts'
export { Produce } from './protocol/apis/produce.ts'
export type { ProduceRequest, ProduceResponse } from './protocol/apis/produce.ts'
export { Fetch, IsolationLevel } from './protocol/apis/fetch.ts'
export type { FetchRequest, FetchResponse } from './protocol/apis/fetch.ts'
export { ListOffsets, ListOffsetsTimestamp } from './protocol/apis/list-offsets.ts'
export type { ListOffsetsRequest, ListOffsetsResponse } from './protocol/apis/list-offsets.ts'
export { FindCoordinator } from './protocol/apis/find-coordinator.ts'
export type { FindCoordinatorRequest, FindCoordinatorResponse } from './protocol/apis/find-coordinator.ts'
export { JoinGroup } from './protocol/apis/join-group.ts'
export type { JoinGroupRequest, JoinGroupResponse } from './protocol/apis/join-group.ts'
export { SyncGroup } from './protocol/apis/sync-group.ts'
export type { SyncGroupRequest, SyncGroupResponse } from './protocol/apis/sync-group.ts'
export { Heartbeat } from './protocol/apis/heartbeat.ts'
export type { HeartbeatRequest, HeartbeatResponse } from './protocol/apis/heartbeat.ts'
export { LeaveGroup } from './protocol/apis/leave-group.ts'
export type { LeaveGroupRequest, LeaveGroupResponse } from './protocol/apis/leave-group.ts'
export { OffsetCommit } from './protocol/apis/offset-commit.ts'
export type { OffsetCommitRequest, OffsetCommitResponse } from './protocol/apis/offset-commit.ts'
export { OffsetFetch } from './protocol/apis/offset-fetch.ts'
export type { OffsetFetchRequest, OffsetFetchResponse } from './protocol/apis/offset-fetch.ts'
export { DescribeGroups } from './protocol/apis/describe-groups.ts'
export type { DescribeGroupsRequest, DescribeGroupsResponse } from './protocol/apis/describe-groups.ts'
export { ListGroups } from './protocol/apis/list-groups.ts'
export type { ListGroupsRequest, ListGroupsResponse } from './protocol/apis/list-groups.ts'
export { DeleteGroups } from './protocol/apis/delete-groups.ts'
export type { DeleteGroupsRequest, DeleteGroupsResponse } from './protocol/apis/delete-groups.ts'
export { CreateTopics } from './protocol/apis/create-topics.ts'
export type { CreateTopicsRequest, CreateTopicsResponse } from './protocol/apis/create-topics.ts'
export { DeleteTopics } from './protocol/apis/delete-topics.ts'
export type { DeleteTopicsRequest, DeleteTopicsResponse } from './protocol/apis/delete-topics.ts'
export { CreatePartitions } from './protocol/apis/create-partitions.ts'
export type { CreatePartitionsRequest, CreatePartitionsResponse } from './protocol/apis/create-partitions.ts'
export { DescribeConfigs } from './protocol/apis/describe-configs.ts'
export type { DescribeConfigsRequest, DescribeConfigsResponse } from './protocol/apis/describe-configs.ts'
export { AlterConfigs } from './protocol/apis/alter-configs.ts'
export type { AlterConfigsRequest, AlterConfigsResponse } from './protocol/apis/alter-configs.ts'
export { IncrementalAlterConfigs } from './protocol/apis/incremental-alter-configs.ts'
export type { IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from './protocol/apis/incremental-alter-configs.ts'
export { DeleteRecords } from './protocol/apis/delete-records.ts'
export type { DeleteRecordsRequest, DeleteRecordsResponse } from './protocol/apis/delete-records.ts'
export {
  CONSUMER_PROTOCOL_TYPE, CONSUMER_PROTOCOL_VERSION, decodeConsumerAssignment, decodeConsumerSubscription,
  encodeConsumerAssignment, encodeConsumerSubscription,
} from './protocol/consumer-protocol.ts'
export type {
  ConsumerAssignmentInput, ConsumerProtocolAssignment, ConsumerProtocolSubscription, ConsumerSubscriptionInput,
  DecodedConsumerAssignment, DecodedConsumerSubscription,
} from './protocol/consumer-protocol.ts'

// Storage: the partition log and the data directory.
export { PartitionLog } from './storage/partition-log.ts'
export type { LogAppendInfo, LogReadInfo, PartitionLogOptions, ReadOptions, TimestampOffset } from './storage/partition-log.ts'
export { LogManager } from './storage/log-manager.ts'
export type { CreateTopicOptions, LogManagerOptions, TopicMetadata } from './storage/log-manager.ts'
export { DEFAULT_LOG_CONFIG, resolveLogConfig } from './storage/log-config.ts'
export type { LogConfig } from './storage/log-config.ts'
export { validateTopicName } from './storage/topic-name.ts'
export { DataDirLock } from './storage/data-dir-lock.ts'
export type { DataDirLockHolder } from './storage/data-dir-lock.ts'
export { readFileIfExists, readFileIfExistsSync, writeFileAtomic, writeFileAtomicSync } from './storage/atomic-file.ts'

// Clients: the facade, the admin and the transports.
export { Creek } from './creek.ts'
export type { CreekAdminOptions, CreekOpenOptions, TypedProducerOptions } from './creek.ts'
export { Producer } from './client/producer.ts'
export type { Acks, ProducerOptions } from './client/producer-config.ts'
export type { HeaderValue, MessageHeaders, ProducerMessage, ProducerSend, ProducerSendBatch, TopicMessages } from './client/producer-message.ts'
export type { RecordMetadata } from './client/producer-batch.ts'
export { PRODUCER_DEFAULTS } from './client/producer-config.ts'
export type { CompressionName, ProducerConfig } from './client/producer-config.ts'
export type { SendOverrides, SendResults } from './client/producer-message.ts'
export { TypedProducer } from './client/typed-producer.ts'
export type { Serializers, TypedProducerMessage } from './client/typed-producer.ts'
export { TopicPartitionError } from './client/topic-partition-error.ts'
export { defaultPartitioner, murmur2, partitionForKey, roundRobinPartitioner } from './client/partitioners.ts'
export type { DefaultPartitionerOptions, Partitioner, PartitionerRecord } from './client/partitioners.ts'
export { ClusterMetadata } from './client/cluster-metadata.ts'
export type { BrokerNode, ClusterMetadataOptions, PartitionInfo, TopicInfo } from './client/cluster-metadata.ts'
export { backoffDelay, retry, sleep } from './client/retry.ts'
export type { BackoffOptions, RetryInfo, RetryOptions } from './client/retry.ts'
export { SerialQueue } from './serial-queue.ts'
export type { Deserializer, RecordHeaders, Serializer } from './client/serialization.ts'
export { Consumer } from './client/consumer.ts'
export type { CommittedOffset, ConsumerClientOptions, ConsumerMetrics, SubscribeOptions, TopicPartitionOffset } from './client/consumer.ts'
export type {
  AssignorName, AutoOffsetReset, ConsumerOptions, DeserializationErrorDecision, DeserializationErrorHandler,
} from './client/consumer-config.ts'
export { RecordDeserializationError } from './client/record-deserialization-error.ts'
export type { RecordDeserializationContext } from './client/record-deserialization-error.ts'
export { DEAD_LETTER_HEADERS } from './client/dead-letter-message.ts'
export type { Batch, ConsumerMessage, EachBatchPayload, EachMessagePayload, RunOptions } from './client/consumer-runner.ts'
export type { TopicPartition } from './client/partition-map.ts'
export type { MemberAssignment, MemberSubscription, PartitionAssignor, RebalanceProtocol } from './client/assignors/assignor.ts'
export { Admin } from './client/admin.ts'
export type { AdminOptions } from './client/admin.ts'
export type {
  AlterConfigOp, AlterConfigsOptions, ConfigEntry, ConfigResource, ConfigSource, CreatedTopic, CreateTopicsOptions,
  DeletedRecords, DescribeConfigsOptions, GroupDescription, GroupListing, GroupPartitionOffset, ListGroupOffsetsOptions,
  ListTopicsOptions, MemberDescription, NewTopic, OffsetAtTimestamp, PartitionDescription, PartitionOffsets,
  ResetGroupOffsetsOptions, ResetOffset, ResetTarget, TopicDescription, AssignedPartitions,
} from './client/admin-types.ts'
export { GROUP_MEMBER_DEFAULTS, GroupMember } from './client/group-member.ts'
export type { GroupGeneration, GroupMemberHandler, GroupMemberOptions } from './client/group-member.ts'
export { InProcessTransport } from './client/in-process-transport.ts'
export type { InProcessTransportOptions } from './client/in-process-transport.ts'
export type { SendOptions, Transport } from './client/transport.ts'
