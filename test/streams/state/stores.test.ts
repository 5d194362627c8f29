import { describe, expect, it } from 'vitest'
import { stringSerde } from '../../../serdes/index.ts'
import { CachingKeyValueStore } from '../../../streams/state/caching-key-value-store.ts'
import { changelogTopicName, relativeChangelogTopicName } from '../../../streams/state/changelog-topic.ts'
import { InMemoryKeyValueStore } from '../../../streams/state/in-memory-key-value-store.ts'
import { MeteredKeyValueStore } from '../../../streams/state/metered-key-value-store.ts'
import { RocksDBKeyValueStore } from '../../../streams/state/rocksdb-key-value-store.ts'
import { Stores } from '../../../streams/state/stores.ts'

describe('Stores', () => {
  it('makes bytes store suppliers', () => {
    const persistent = Stores.persistentKeyValueStore('counts')
    expect(persistent).toMatchObject({ name: 'counts', kind: 'rocksdb' })
    expect(persistent.get()).toBeInstanceOf(RocksDBKeyValueStore)
    expect(persistent.get()).not.toBe(persistent.get())
    const memory = Stores.inMemoryKeyValueStore('cache')
    expect(memory.get()).toBeInstanceOf(InMemoryKeyValueStore)
    expect(memory.get().persistent).toBe(false)
  })

  it('rejects store names that cannot name a topic or a directory', () => {
    for (const name of ['', 'a b', 'a/b', '../x', 'x'.repeat(201), 7 as unknown as string]) {
      expect(() => Stores.inMemoryKeyValueStore(name)).toThrow(expect.objectContaining({ code: 'STREAMS_INVALID_CONFIG' }))
    }
    expect(() => Stores.persistentKeyValueStore('ok', { writeBufferBytes: 1.5 })).toThrow(expect.objectContaining({ code: 'STREAMS_INVALID_CONFIG' }))
  })

  it('builds with logging on and caching off by default, as Kafka Streams', () => {
    const builder = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('counts'), stringSerde(), stringSerde())
    expect(builder.name).toBe('counts')
    expect(builder.loggingEnabled).toBe(true)
    expect(builder.cachingEnabled).toBe(false)
    expect(builder.logConfig).toEqual({ 'cleanup.policy': 'compact' })
    expect(builder.changelogTopic).toBe('counts-changelog')
    const store = builder.build()
    expect(store).toBeInstanceOf(MeteredKeyValueStore)
    expect(store.name).toBe('counts')
    expect(store.persistent).toBe(true)
    expect(builder.build()).not.toBe(store)
  })

  it('configures caching and the changelog', () => {
    const builder = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('s'), stringSerde(), stringSerde())
      .withCachingEnabled()
      .withLoggingEnabled({ 'segment.bytes': '1048576', 'cleanup.policy': 'delete' })
    expect(builder.cachingEnabled).toBe(true)
    expect(builder.logConfig).toEqual({ 'segment.bytes': '1048576', 'cleanup.policy': 'compact' })
    builder.withLoggingDisabled().withCachingDisabled()
    expect(builder.loggingEnabled).toBe(false)
    expect(builder.changelogTopic).toBeNull()
    expect(builder.cachingEnabled).toBe(false)
    expect(() => builder.withLoggingEnabled({ retention: 5 } as unknown as Record<string, string>)).toThrow(expect.objectContaining({ code: 'STREAMS_INVALID_CONFIG' }))
    expect(CachingKeyValueStore).toBeDefined()
  })

  it('names changelog topics as Kafka Streams does', () => {
    expect(changelogTopicName('wordcount', 'counts')).toBe('wordcount-counts-changelog')
    expect(relativeChangelogTopicName('counts')).toBe('counts-changelog')
  })
})
