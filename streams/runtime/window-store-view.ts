/**
 * Interactive queries of window and session stores (Kafka Streams'
 * `CompositeReadOnlyWindowStore`, `CompositeReadOnlySessionStore`): read-only views of one
 * store name over every local instance of it, with the rules of store-view.ts — instances
 * resolved at each call (valid across rebalances), STREAMS_INVALID_STATE_STORE while the
 * application cannot be queried or an instance is closing, only this instance's tasks.
 *
 * - Point reads (`fetch(key, start)`, `fetchSession`) return the first instance's value (a key
 *   lives in one task only); key-scoped ranges return the instance holding the key;
 *   `fetchAll`, key ranges and `all` concatenate the instances, task after task.
 * - DSL window stores (values are `ValueAndTimestamp`s) are unwrapped when `unwrap` is set, as
 *   Kafka's `QueryableStoreTypes.windowStore()` does.
 */
import { StreamsError } from '../errors.ts'
import type { KeyValue, StateStore } from '../state/api.ts'
import type { ReadOnlySessionStore, ReadOnlyWindowStore, Windowed } from '../state/window-api.ts'

function check<S>(name: string, stores: readonly StateStore[], is: (store: StateStore) => boolean, kind: string): S[] {
  for (const store of stores) {
    if (!is(store)) throw new StreamsError('STREAMS_INVALID_STATE_STORE', `Store '${name}' is not a ${kind} store; it cannot be queried as one`)
    if (!store.isOpen) throw new StreamsError('STREAMS_INVALID_STATE_STORE', `Store '${name}' is being closed or migrated; retry the query`)
  }
  return stores as unknown as S[]
}

function concat<T>(iterables: readonly Iterable<T>[]): Iterable<T> {
  if (iterables.length === 1) return iterables[0]!
  return {
    *[Symbol.iterator]() {
      for (const it of iterables) yield* it
    },
  }
}

function* unwrapped<K, V>(entries: Iterable<KeyValue<K, unknown>>): Generator<KeyValue<K, V>, void, undefined> {
  for (const entry of entries) yield { key: entry.key, value: (entry.value as { value: V }).value }
}

export class CompositeWindowView<K, V> implements ReadOnlyWindowStore<K, V> {
  readonly name: string
  readonly #instances: () => readonly StateStore[]
  readonly #unwrap: boolean

  constructor(name: string, instances: () => readonly StateStore[], unwrap = false) {
    this.name = name
    this.#instances = instances
    this.#unwrap = unwrap
  }

  #stores(): ReadOnlyWindowStore<K, unknown>[] {
    return check(this.name, this.#instances(), (s) => typeof (s as Partial<ReadOnlyWindowStore<K, V>>).fetchRange === 'function', 'window')
  }

  #values<KK>(entries: Iterable<KeyValue<KK, unknown>>): Iterable<KeyValue<KK, V>> {
    return this.#unwrap ? unwrapped<KK, V>(entries) : (entries as Iterable<KeyValue<KK, V>>)
  }

  fetch(key: K, windowStartMs: number): V | undefined {
    for (const store of this.#stores()) {
      const value = store.fetch(key, windowStartMs)
      if (value !== undefined) return (this.#unwrap ? (value as { value: V }).value : value) as V
    }
    return undefined
  }

  fetchRange(key: K, timeFromMs: number, timeToMs: number): Iterable<KeyValue<number, V>> {
    return this.#values(concat(this.#stores().map((s) => s.fetchRange(key, timeFromMs, timeToMs))))
  }

  backwardFetchRange(key: K, timeFromMs: number, timeToMs: number): Iterable<KeyValue<number, V>> {
    return this.#values(concat(this.#stores().map((s) => s.backwardFetchRange(key, timeFromMs, timeToMs))))
  }

  fetchKeyRange(keyFrom: K | undefined, keyTo: K | undefined, timeFromMs: number, timeToMs: number): Iterable<KeyValue<Windowed<K>, V>> {
    return this.#values(concat(this.#stores().map((s) => s.fetchKeyRange(keyFrom, keyTo, timeFromMs, timeToMs))))
  }

  backwardFetchKeyRange(keyFrom: K | undefined, keyTo: K | undefined, timeFromMs: number, timeToMs: number): Iterable<KeyValue<Windowed<K>, V>> {
    return this.#values(concat(this.#stores().map((s) => s.backwardFetchKeyRange(keyFrom, keyTo, timeFromMs, timeToMs))))
  }

  fetchAll(timeFromMs: number, timeToMs: number): Iterable<KeyValue<Windowed<K>, V>> {
    return this.#values(concat(this.#stores().map((s) => s.fetchAll(timeFromMs, timeToMs))))
  }

  all(): Iterable<KeyValue<Windowed<K>, V>> {
    return this.#values(concat(this.#stores().map((s) => s.all())))
  }
}

export class CompositeSessionView<K, AGG> implements ReadOnlySessionStore<K, AGG> {
  readonly name: string
  readonly #instances: () => readonly StateStore[]

  constructor(name: string, instances: () => readonly StateStore[]) {
    this.name = name
    this.#instances = instances
  }

  #stores(): ReadOnlySessionStore<K, AGG>[] {
    return check(this.name, this.#instances(), (s) => typeof (s as Partial<ReadOnlySessionStore<K, AGG>>).findSessions === 'function', 'session')
  }

  findSessions(key: K, earliestSessionEndTimeMs: number, latestSessionStartTimeMs: number): Iterable<KeyValue<Windowed<K>, AGG>> {
    return concat(this.#stores().map((s) => s.findSessions(key, earliestSessionEndTimeMs, latestSessionStartTimeMs)))
  }

  backwardFindSessions(key: K, earliestSessionEndTimeMs: number, latestSessionStartTimeMs: number): Iterable<KeyValue<Windowed<K>, AGG>> {
    return concat(this.#stores().map((s) => s.backwardFindSessions(key, earliestSessionEndTimeMs, latestSessionStartTimeMs)))
  }

  fetchSession(key: K, sessionStartMs: number, sessionEndMs: number): AGG | undefined {
    for (const store of this.#stores()) {
      const value = store.fetchSession(key, sessionStartMs, sessionEndMs)
      if (value !== undefined) return value
    }
    return undefined
  }

  fetch(key: K): Iterable<KeyValue<Windowed<K>, AGG>> {
    return concat(this.#stores().map((s) => s.fetch(key)))
  }

  backwardFetch(key: K): Iterable<KeyValue<Windowed<K>, AGG>> {
    return concat(this.#stores().map((s) => s.backwardFetch(key)))
  }
}
