/**
 * Creek streams: the public API of the streams layer (DSL, processor API, state stores,
 * runtime, test driver). Other layers and entry points import only from here.
 */
export { StreamsError, STREAMS_ERROR_CODES } from './errors.ts'
export type { StreamsErrorCode } from './errors.ts'

// Processor API.
export { formatTaskId, PunctuationType } from './processor/api.ts'
export type { Cancellable, Processor, ProcessorContext, ProcessorSupplier, Punctuator, RecordMetadata, StreamRecord, TaskId, TaskMetrics } from './processor/api.ts'
// Event time (streams/processor/timestamp-extractor.ts).
export {
  ExtractRecordMetadataTimestamp, FailOnInvalidTimestamp, LogAndSkipOnInvalidTimestamp, UsePartitionTimeOnInvalidTimestamp, WallclockTimestampExtractor,
} from './processor/timestamp-extractor.ts'
export type { TimestampExtractorObject } from './processor/timestamp-extractor.ts'

// State stores (streams/state/).
export type {
  CachedStateStore, FlushedEntry, KeyValue, KeyValueBytesStore, KeyValueStore, ReadOnlyKeyValueStore, StateStore,
  StateStoreContext, StoreBuilder,
} from './state/api.ts'
// -- state exports below (owned by the state-store work) --
export { Stores, KeyValueStoreBuilder } from './state/stores.ts'
export type { KeyValueBytesStoreSupplier } from './state/stores.ts'
export { MeteredKeyValueStore } from './state/metered-key-value-store.ts'
export { InMemoryKeyValueStore } from './state/in-memory-key-value-store.ts'
export { RocksDBKeyValueStore, ROCKSDB_STORE_DEFAULTS } from './state/rocksdb-key-value-store.ts'
export type { RocksDBKeyValueStoreOptions } from './state/rocksdb-key-value-store.ts'
export { changelogTopicName, relativeChangelogTopicName } from './state/changelog-topic.ts'
// -- window and session stores (owned by the windows work) --
export type {
  ReadOnlySessionStore, ReadOnlyWindowStore, SessionBytesStore, SessionStore, Window, Windowed, WindowBytesStore, WindowStore,
} from './state/window-api.ts'
export { SessionStoreBuilder, WindowStoreBuilder } from './state/window-stores.ts'
export type { SessionBytesStoreSupplier, WindowBytesStoreSupplier } from './state/window-stores.ts'
export { MeteredSessionStore } from './state/metered-session-store.ts'
export { MeteredWindowStore } from './state/metered-window-store.ts'
export { SegmentedBytesStore } from './state/segmented-bytes-store.ts'

// Topology, DSL, operators (streams/topology/, streams/dsl/, streams/operators/).
export type { InputRecord, TaskRuntime } from './topology/task-runtime.ts'
// -- DSL exports below (owned by the DSL work) --
export { StreamsBuilder } from './dsl/streams-builder.ts'
export { Consumed } from './dsl/consumed.ts'
export { Produced } from './dsl/produced.ts'
export { Grouped } from './dsl/grouped.ts'
export { Materialized } from './dsl/materialized.ts'
export { Repartitioned } from './dsl/repartitioned.ts'
export { Named } from './dsl/named.ts'
export { Branched } from './dsl/branched.ts'
export { ValueAndTimestamp } from './dsl/value-and-timestamp.ts'
export { countSerde } from './dsl/count-serde.ts'
export { TimestampedKeyValueStoreFacade } from './dsl/timestamped-store-facade.ts'
// -- windows and suppression (owned by the windows work) --
export { TimeWindows } from './dsl/windows/time-windows.ts'
export { SlidingWindows } from './dsl/windows/sliding-windows.ts'
export { SessionWindows } from './dsl/windows/session-windows.ts'
export { EmitStrategy } from './dsl/windows/emit-strategy.ts'
export { SessionWindowedSerde, TimeWindowedSerde, WindowedSerdes } from './dsl/windows/windowed-serdes.ts'
export { BufferConfig, EagerBufferConfig, StrictBufferConfig, Suppressed } from './dsl/suppress/suppressed.ts'
export type { BufferConfigType } from './dsl/suppress/suppressed.ts'
export { SuppressionBufferFullError } from './dsl/suppress/suppression-buffer-full-error.ts'
export type { Merger, SessionWindowedKStream, TimeWindowedKStream } from './dsl/api.ts'
export { Joined } from './dsl/joins/joined.ts'
export { JoinWindows } from './dsl/joins/join-windows.ts'
export { StreamJoined } from './dsl/joins/stream-joined.ts'
export { TableJoined } from './dsl/joins/table-joined.ts'
export type { ValueJoiner } from './dsl/api.ts'
export type {
  Aggregator, BranchedKStream, BranchedOptions, ForeachAction, GlobalKTable, Initializer, KGroupedStream, KGroupedTable, KStream, KTable,
  KeyValueMapper, PipedRecord, Predicate, Reducer, ValueMapper,
} from './dsl/api.ts'
export { Topology } from './topology/topology.ts'
export type { InternalTopicOptions } from './topology/topology.ts'
export { TaskPipeline } from './topology/task-pipeline.ts'
export { DEAD_LETTER_HEADERS } from './topology/exception-handling.ts'
export type {
  AutoOffsetReset, ConsumedRecord, GlobalStoreSourceOptions, SinkOptions, SourceOptions, StreamPartitioner, TimestampExtractor, TopicNameExtractor,
} from './topology/node-options.ts'
export type {
  GlobalStoreDescription, NodeDescription, ProcessorDescription, SinkDescription, SourceDescription, SubtopologyDescription, TopologyDescription,
} from './topology/topology-description.ts'
export type { GlobalStoreInfo, InternalTopic, StoreInfo, SubtopologyInfo } from './topology/subtopology.ts'
export { createRecord, withKey, withKeyValue, withTimestamp, withValue } from './processor/records.ts'
export type { Change } from './processor/change.ts'

// Test driver (streams/testing/).
// -- testing exports below (owned by the DSL work) --
export { TopologyTestDriver } from './testing/topology-test-driver.ts'
export type { TopologyTestDriverOptions } from './testing/topology-test-driver.ts'
export { TestInputTopic } from './testing/test-input-topic.ts'
export type { TestInputTopicOptions } from './testing/test-input-topic.ts'
export { TestOutputTopic } from './testing/test-output-topic.ts'
export type { OutputRecord } from './testing/test-output-topic.ts'
export type { TestRecord } from './testing/test-record.ts'

// Runtime (streams/runtime/).
export { resolveStreamsConfig, STREAMS_DEFAULTS } from './runtime/config.ts'
export type { ExceptionHandler, FailedRecordContext, HandlerResponse, StreamsConfig, StreamsOptions } from './runtime/config.ts'
// -- runtime exports below (owned by the runtime work) --
export type { StreamsConsumerOptions, StreamsProducerOptions } from './runtime/config.ts'
export type { StreamsMetric } from './runtime/streams-metrics.ts'
export { CreekStreams } from './runtime/creek-streams.ts'
export type {
  CloseOptions, CreekStreamsOptions, LocalMetadata, StreamThreadExceptionResponse, StreamsStateListener, UncaughtExceptionHandler,
} from './runtime/creek-streams.ts'
export { StreamsState } from './runtime/streams-state.ts'
export { TaskState } from './runtime/task-state.ts'
export { ThreadState } from './runtime/thread-state.ts'
export type { TaskMetadata, ThreadMetadata } from './runtime/stream-thread.ts'

