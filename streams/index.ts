/**
 * Creek streams: the public API of the streams layer (DSL, processor API, state stores,
 * runtime, test driver). Other layers and entry points import only from here.
 */
export { StreamsError, STREAMS_ERROR_CODES } from './errors.ts'
export type { StreamsErrorCode } from './errors.ts'

// Processor API.
export { formatTaskId } from './processor/api.ts'
export type { Processor, ProcessorContext, ProcessorSupplier, RecordMetadata, StreamRecord, TaskId } from './processor/api.ts'

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

// Topology, DSL, operators (streams/topology/, streams/dsl/, streams/operators/).
export type { InputRecord, TaskRuntime } from './topology/task-runtime.ts'
// -- DSL exports below (owned by the DSL work) --

// Test driver (streams/testing/).
// -- testing exports below (owned by the DSL work) --

// Runtime (streams/runtime/).
export { resolveStreamsConfig, STREAMS_DEFAULTS } from './runtime/config.ts'
export type { ExceptionHandler, FailedRecordContext, HandlerResponse, StreamsConfig, StreamsOptions } from './runtime/config.ts'
// -- runtime exports below (owned by the runtime work) --
