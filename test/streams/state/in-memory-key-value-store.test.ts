import { InMemoryKeyValueStore } from '../../../streams/state/in-memory-key-value-store.ts'
import { keyValueStoreConformance } from './key-value-store-conformance.ts'

keyValueStoreConformance('InMemoryKeyValueStore', {
  persistent: false,
  exactCount: true,
  build: (name) => new InMemoryKeyValueStore(name),
})
