/** The full stack Stores builds (typed + caching + change-logging over each bytes store), through the conformance suite. */
import { bytesSerde } from '../../../serdes/index.ts'
import { Stores } from '../../../streams/state/stores.ts'
import { keyValueStoreConformance } from './key-value-store-conformance.ts'

for (const caching of [true, false]) {
  const layers = caching ? 'typed + caching + logging' : 'typed + logging'
  keyValueStoreConformance(`${layers} over RocksDB`, {
    persistent: true,
    exactCount: false,
    build: (name) => {
      const builder = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), bytesSerde(), bytesSerde())
      return (caching ? builder.withCachingEnabled() : builder).build()
    },
  })
  keyValueStoreConformance(`${layers} over memory`, {
    persistent: false,
    exactCount: !caching,
    build: (name) => {
      const builder = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), bytesSerde(), bytesSerde())
      return (caching ? builder.withCachingEnabled() : builder).build()
    },
  })
}

keyValueStoreConformance('typed + caching with a 600-byte budget (constant eviction) + logging over RocksDB', {
  persistent: true,
  exactCount: false,
  cacheMaxBytes: 600,
  build: (name) => Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), bytesSerde(), bytesSerde()).withCachingEnabled().build(),
})
