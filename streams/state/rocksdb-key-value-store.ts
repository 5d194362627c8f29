/**
 * `RocksDBKeyValueStore`: the persistent bytes store (Kafka Streams' `RocksDBStore`), and the
 * only module of Creek that loads `@nxtedition/rocksdb`.
 *
 * On disk: one RocksDB database per task and store, in `<taskDir>/rocksdb/<storeName>`
 * (RocksDB's own files: `CURRENT`, `MANIFEST-*`, `*.log` write-ahead log, `*.sst`, `LOCK`).
 * Keys and values are the store's bytes as they are; RocksDB's default bytewise comparator
 * orders keys by unsigned bytes, the order of the store contract.
 *
 * Writes: `put`/`delete` go into a write buffer in memory (a `WriteBuffer`), visible at once to
 * reads and iterators. `flush()` seals the buffer and writes everything not yet written as ONE
 * RocksDB write batch (atomic: after a crash RocksDB has all of it or none of it), with an
 * fsync of RocksDB's write-ahead log (`syncOnFlush`, default on), so that a checkpoint written
 * after `flush()` never claims data the disk does not hold. When the buffer passes
 * `writeBufferBytes` between flushes it is sealed and written in the background (a macrotask
 * later, without fsync); a sealed buffer stays readable until RocksDB has its batch, so reads
 * never miss a write in flight. Batch writes run one at a time, in order.
 *
 * Reads: `get` looks in the write buffer, then in sealed buffers (newest first), then in
 * RocksDB (a synchronous native read). Range, reverse range, prefix and full scans are
 * synchronous iterators merging RocksDB's native iterator (an implicit RocksDB snapshot taken
 * when the scan is created) with snapshots of the buffers (see merge-sorted.ts), so a scan never
 * sees later writes. An iterator left unfinished is closed when its store closes, or when it is
 * garbage-collected; breaking out of a `for…of` closes it at once.
 *
 * Crash behaviour: what was flushed survives a crash of the process or of the machine; writes
 * after the last flush may be partly present (whole background batches, in order) or absent.
 * Either way the changelog holds them and restoration from the checkpointed offset replays
 * them (records are applied idempotently: the last value of a key wins).
 *
 * Concurrency: single-threaded, one instance per task. RocksDB's `LOCK` file keeps a second
 * opener (another instance with the same state directory) out: that open fails with
 * STREAMS_STATE_STORE naming the path.
 *
 * Native-binding notes: reads, batch writes and iterator steps are synchronous calls into
 * RocksDB on the main thread. Empty buffers are passed as zero-length views of a non-empty
 * allocation, because RocksDB asserts on a null data pointer when it compares keys.
 */
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { StreamsError } from '../errors.ts'
import type { KeyValue, KeyValueBytesStore, StateStoreContext } from './api.ts'
import { ALL_KEYS, binaryKey, closedRange, prefixRange, type BytesEntry, type BytesRange } from './bytes-range.ts'
import { mergeSorted } from './merge-sorted.ts'
import type { BatchRestorable, ChangelogBatch } from './restore.ts'
import { describeCause, StoreLifecycle } from './store-lifecycle.ts'
import { WriteBuffer } from './write-buffer.ts'

export interface RocksDBKeyValueStoreOptions {
  /** Buffered bytes above which the buffer is written to RocksDB before the next flush (default 4 MiB). */
  readonly writeBufferBytes?: number
  /** Fsync RocksDB's write-ahead log at each flush (default true); off: a power loss may lose flushed writes. */
  readonly syncOnFlush?: boolean
}

export const ROCKSDB_STORE_DEFAULTS = {
  writeBufferBytes: 4 * 1024 * 1024,
  syncOnFlush: true,
} as const

/** Options given to RocksDB: Kafka Streams' choices (universal compaction, 16 MiB memtables), WAL uncompressed to keep the main thread light. */
const DATABASE_OPTIONS = Object.freeze({
  compaction: 'universal',
  memtableMemoryBudget: 64 * 1024 * 1024,
  cacheSize: 8 * 1024 * 1024,
  walCompression: false,
})

/** Rows fetched by the first native step of a scan (many scans stop early), then by each later step. */
const FIRST_STEP_ROWS = 64
const NEXT_STEP_ROWS = 1024
const STEP_MAX_BYTES = 4 * 1024 * 1024

/** A zero-length buffer with a non-null data pointer (see the module comment). */
const EMPTY_NATIVE = Buffer.alloc(8).subarray(0, 0)

function nativeBytes(bytes: Buffer): Buffer {
  return bytes.length === 0 ? EMPTY_NATIVE : bytes
}

// The part of @nxtedition/rocksdb (v12, CommonJS, untyped) this module uses: read from its
// index.js, iterator.js, chained-batch.js and binding.cc.
interface NativeIterator {
  _nextvSync(size: number): { rows: Buffer[]; finished: boolean }
  close(): Promise<void>
}
interface NativeBatch {
  _put(key: Buffer, value: Buffer): void
  _del(key: Buffer): void
  /** Resolves once RocksDB has the batch (the current binding writes synchronously, then resolves). */
  _write(options: { sync: boolean }): Promise<void>
  _closeSync(): void
}
interface NativeDatabase {
  open(): Promise<void>
  close(): Promise<void>
  _getManySync(keys: Buffer[]): (Buffer | undefined | null)[]
  _chainedBatch(): NativeBatch
  _iterator(options: Record<string, unknown>): NativeIterator
  getProperty(name: string): string
  /** Without `limit`: one RocksDB DeleteRange over `[gte, lt)`, run synchronously (binding.cc db_clear). */
  _clear(options: { gte: Buffer; lt: Buffer }): Promise<void>
}
type NativeDatabaseClass = new (location: string, options: object) => NativeDatabase

let nativeDatabaseClass: NativeDatabaseClass | undefined

/** Loads the native binding on first use, so that importing the streams layer never needs it. */
function loadRocksDB(): NativeDatabaseClass {
  if (nativeDatabaseClass === undefined) {
    try {
      const binding = createRequire(import.meta.url)('@nxtedition/rocksdb') as { RocksLevel: NativeDatabaseClass }
      nativeDatabaseClass = binding.RocksLevel
    } catch (cause) {
      throw new StreamsError(
        'STREAMS_STATE_STORE',
        `The RocksDB native binding (@nxtedition/rocksdb) cannot be loaded on ${process.platform}-${process.arch}: ${describeCause(cause)}; ` +
          'use Stores.inMemoryKeyValueStore() or install a build of @nxtedition/rocksdb for this platform',
        { cause },
      )
    }
  }
  return nativeDatabaseClass
}

/** Closes native iterators whose scan was dropped unfinished and garbage-collected. */
const abandonedIterators = new FinalizationRegistry<NativeIterator>((native) => {
  native.close().catch(() => undefined)
})

export class RocksDBKeyValueStore implements KeyValueBytesStore, BatchRestorable {
  readonly name: string
  readonly persistent = true
  readonly #lifecycle: StoreLifecycle
  readonly #writeBufferBytes: number
  readonly #syncOnFlush: boolean
  #db: NativeDatabase | null = null
  #location: string | null = null
  /** Writes not yet handed to RocksDB, newest. */
  #pending = new WriteBuffer()
  /** Sealed buffers being (or waiting to be) written, oldest first. */
  #sealed: WriteBuffer[] = []
  /** Tail of the queue of batch writes: one at a time, in order. */
  #writes: Promise<void> = Promise.resolve()
  #backgroundScheduled = false
  #backgroundError: StreamsError | null = null
  /** True when RocksDB holds writes whose write-ahead log has not been fsynced. */
  #unsynced = false

  constructor(name: string, options: RocksDBKeyValueStoreOptions = {}) {
    this.name = name
    this.#lifecycle = new StoreLifecycle(name)
    const writeBufferBytes = options.writeBufferBytes ?? ROCKSDB_STORE_DEFAULTS.writeBufferBytes
    if (!Number.isSafeInteger(writeBufferBytes) || writeBufferBytes < 0) {
      throw new StreamsError('STREAMS_INVALID_CONFIG', `Invalid writeBufferBytes for store "${name}": ${String(writeBufferBytes)}; expected an integer >= 0`)
    }
    this.#writeBufferBytes = writeBufferBytes
    this.#syncOnFlush = options.syncOnFlush ?? ROCKSDB_STORE_DEFAULTS.syncOnFlush
  }

  get isOpen(): boolean {
    return this.#lifecycle.isOpen
  }

  /** Bytes of writes RocksDB does not have yet (buffered and sealed), as counted against `writeBufferBytes`. */
  get bufferedBytes(): number {
    let bytes = this.#pending.bytes
    for (const sealed of this.#sealed) bytes += sealed.bytes
    return bytes
  }

  /** The database directory, once `init` has run. */
  get location(): string | null {
    return this.#location
  }

  async init(context: StateStoreContext): Promise<void> {
    this.#lifecycle.checkCreated()
    const location = join(context.taskDir, 'rocksdb', this.name)
    const Database = loadRocksDB()
    const db = new Database(location, DATABASE_OPTIONS)
    try {
      await db.open()
    } catch (cause) {
      const detail = describeCause(cause)
      const hint = /lock/i.test(detail)
        ? '; another open store holds it (this or another process): close that instance first, or give each instance its own stateDir'
        : ''
      throw new StreamsError('STREAMS_STATE_STORE', `Cannot open RocksDB store "${this.name}" at ${location}: ${detail}${hint}`, { cause })
    }
    this.#db = db
    this.#location = location
    this.#lifecycle.opened()
  }

  async flush(): Promise<void> {
    this.#lifecycle.check()
    await this.#enqueue(() => this.#writeBuffered(this.#syncOnFlush))
  }

  /** Stops accepting reads and writes, writes what is buffered (as `flush`), closes RocksDB. */
  async close(): Promise<void> {
    if (this.#lifecycle.state === 'CLOSED') return
    const wasOpen = this.#lifecycle.isOpen
    this.#lifecycle.closed()
    if (!wasOpen) return
    let failure: unknown
    try {
      await this.#enqueue(() => this.#writeBuffered(this.#syncOnFlush))
    } catch (error) {
      failure = error
    }
    try {
      await this.#db!.close()
    } catch (cause) {
      failure ??= this.#error('close the database', cause)
    }
    this.#db = null
    this.#pending = new WriteBuffer()
    this.#sealed = []
    if (failure !== undefined) throw failure
  }

  get(key: Buffer): Buffer | undefined {
    this.#lifecycle.check()
    if (this.#pending.size > 0 || this.#sealed.length > 0) {
      const buffered = this.#lookupBuffered(binaryKey(key))
      if (buffered !== undefined) return buffered.value ?? undefined
    }
    let value: Buffer | undefined | null
    try {
      value = this.#db!._getManySync([nativeBytes(key)])[0]
    } catch (cause) {
      throw this.#error('read a key', cause)
    }
    if (value === null) throw this.#error('read a key', new Error('RocksDB aborted the read'))
    return value
  }

  put(key: Buffer, value: Buffer | null): void {
    this.#lifecycle.check()
    this.#write(key, value)
  }

  putIfAbsent(key: Buffer, value: Buffer): Buffer | undefined {
    const existing = this.get(key)
    if (existing === undefined) this.#write(key, value)
    return existing
  }

  putAll(entries: Iterable<KeyValue<Buffer, Buffer>>): void {
    this.#lifecycle.check()
    for (const { key, value } of entries) this.#write(key, value)
  }

  delete(key: Buffer): Buffer | undefined {
    const existing = this.get(key)
    if (existing !== undefined) this.#write(key, null)
    return existing
  }

  range(from?: Buffer, to?: Buffer): Iterable<KeyValue<Buffer, Buffer>> {
    return this.#scan(closedRange(from, to), false)
  }

  reverseRange(from?: Buffer, to?: Buffer): Iterable<KeyValue<Buffer, Buffer>> {
    return this.#scan(closedRange(from, to), true)
  }

  all(): Iterable<KeyValue<Buffer, Buffer>> {
    return this.#scan(ALL_KEYS, false)
  }

  prefixScan(prefix: Buffer): Iterable<KeyValue<Buffer, Buffer>> {
    return this.#scan(prefixRange(prefix), false)
  }

  /** RocksDB's `rocksdb.estimate-num-keys` plus the buffered puts minus the buffered deletions. */
  approximateNumEntries(): number {
    this.#lifecycle.check()
    let estimate: number
    try {
      estimate = Number.parseInt(this.#db!.getProperty('rocksdb.estimate-num-keys'), 10) || 0
    } catch (cause) {
      throw this.#error('read rocksdb.estimate-num-keys', cause)
    }
    let delta = this.#pending.countDelta
    for (const sealed of this.#sealed) delta += sealed.countDelta
    return Math.max(0, estimate + delta)
  }

  /**
   * Deletes every key in `[from, to)` with one RocksDB `DeleteRange` (cheap whatever the number
   * of keys: the segmented window stores drop a whole expired segment this way). It runs in the
   * queue of batch writes, after every write buffered before it, so a buffered write in the
   * range cannot come back later; until then, reads may still see keys of the range (callers
   * that drop a range never read it again). A failure surfaces at the next write or flush.
   */
  deleteRange(from: Buffer, to: Buffer): void {
    this.#lifecycle.check()
    if (this.#backgroundError !== null) throw this.#backgroundError
    if (this.#pending.size > 0) this.#seal()
    this.#enqueue(async () => {
      await this.#writeBuffered(false)
      try {
        await this.#db!._clear({ gte: nativeBytes(from), lt: nativeBytes(to) })
      } catch (cause) {
        throw this.#error('delete a range of keys', cause)
      }
      this.#unsynced = true
    }).catch((error: unknown) => {
      this.#backgroundError = error instanceof StreamsError ? error : this.#error('delete a range of keys', error)
    })
  }

  /**
   * Restoration (restore.ts): a changelog batch goes to RocksDB as one write batch, without
   * fsync (the flush after restoration syncs). If writes are buffered (not the case while a task
   * restores), the records go through the buffer instead so that they stay newer than those.
   */
  async restoreBatch(batch: ChangelogBatch): Promise<void> {
    this.#lifecycle.check()
    if (this.#pending.size > 0 || this.#sealed.length > 0) {
      for (const { key, value } of batch) this.#write(key, value)
      return
    }
    await this.#enqueue(async () => {
      const db = this.#db!
      const native = db._chainedBatch()
      try {
        for (const { key, value } of batch) {
          if (value === null) native._del(nativeBytes(key))
          else native._put(nativeBytes(key), nativeBytes(value))
        }
        await native._write({ sync: false })
        this.#unsynced = true
      } catch (cause) {
        throw this.#error(`restore a batch of ${batch.length} changelog records`, cause)
      } finally {
        native._closeSync()
      }
    })
  }

  #lookupBuffered(id: string): BytesEntry | undefined {
    const pending = this.#pending.lookup(id)
    if (pending !== undefined) return pending
    for (let i = this.#sealed.length - 1; i >= 0; i--) {
      const sealed = this.#sealed[i]!.lookup(id)
      if (sealed !== undefined) return sealed
    }
    return undefined
  }

  #write(key: Buffer, value: Buffer | null): void {
    if (this.#backgroundError !== null) throw this.#backgroundError
    this.#pending.write(key, value)
    if (this.#pending.bytes >= this.#writeBufferBytes) this.#writeInBackground()
  }

  #seal(): void {
    this.#sealed.push(this.#pending)
    this.#pending = new WriteBuffer()
  }

  #writeInBackground(): void {
    this.#seal()
    if (this.#backgroundScheduled) return
    this.#backgroundScheduled = true
    setImmediate(() => {
      this.#backgroundScheduled = false
      if (!this.#lifecycle.isOpen) return
      this.#enqueue(() => this.#writeBuffered(false)).catch((error: unknown) => {
        // The sealed buffers stay readable and the next flush retries them; until then writes
        // fail, so that a store that cannot write does not grow without bound.
        this.#backgroundError = error instanceof StreamsError ? error : this.#error('write in the background', error)
      })
    })
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#writes.then(task)
    this.#writes = run.then(
      () => undefined,
      () => undefined,
    )
    return run
  }

  /** Writes every buffered write (sealing the current buffer) as one batch; `sync`: fsync the WAL, also when nothing is buffered but earlier writes were not synced. */
  async #writeBuffered(sync: boolean): Promise<void> {
    if (this.#pending.size > 0) this.#seal()
    const buffers = this.#sealed.slice()
    if (buffers.length === 0 && !(sync && this.#unsynced)) return
    const native = this.#db!._chainedBatch()
    let count = 0
    try {
      for (const buffer of buffers) {
        for (const { key, value } of buffer.entries.unorderedValues()) {
          if (value === null) native._del(nativeBytes(key))
          else native._put(nativeBytes(key), nativeBytes(value))
          count++
        }
      }
      await native._write({ sync })
    } catch (cause) {
      throw this.#error(`write a batch of ${count} changes`, cause)
    } finally {
      native._closeSync()
    }
    // Only this method removes sealed buffers, one call at a time: ours are still the oldest.
    this.#sealed.splice(0, buffers.length)
    this.#unsynced = !sync
    this.#backgroundError = null
  }

  #scan(range: BytesRange | null, reverse: boolean): Iterable<KeyValue<Buffer, Buffer>> {
    this.#lifecycle.check()
    if (range === null) return []
    const rows = this.#nativeRows(range, reverse)
    if (this.#pending.size === 0 && this.#sealed.length === 0) return rows as Generator<KeyValue<Buffer, Buffer>>
    const lo = range.from === undefined ? undefined : binaryKey(range.from)
    const hi = range.to === undefined ? undefined : binaryKey(range.to)
    const layers: Iterator<BytesEntry>[] = [this.#pending.entries.scan(lo, hi, range.toInclusive, reverse)]
    for (let i = this.#sealed.length - 1; i >= 0; i--) layers.push(this.#sealed[i]!.entries.scan(lo, hi, range.toInclusive, reverse))
    layers.push(rows)
    return mergeSorted(layers, reverse)
  }

  /** RocksDB's entries of a range, from a native iterator created now (its implicit snapshot). */
  #nativeRows(range: BytesRange, reverse: boolean): Generator<BytesEntry, void, undefined> {
    const options: Record<string, unknown> = { keyEncoding: 'buffer', valueEncoding: 'buffer', reverse, highWaterMarkBytes: STEP_MAX_BYTES }
    if (range.from !== undefined) options.gte = nativeBytes(range.from)
    if (range.to !== undefined) options[range.toInclusive ? 'lte' : 'lt'] = nativeBytes(range.to)
    let native: NativeIterator
    try {
      native = this.#db!._iterator(options)
    } catch (cause) {
      throw this.#error('open an iterator', cause)
    }
    const token = {}
    const rows = this.#rows(native, token)
    abandonedIterators.register(rows, native, token)
    return rows
  }

  *#rows(native: NativeIterator, token: object): Generator<BytesEntry, void, undefined> {
    try {
      for (let step = FIRST_STEP_ROWS; ; step = NEXT_STEP_ROWS) {
        // A closed store has closed its native iterators: stepping one would fail in the binding.
        this.#lifecycle.check()
        let result: { rows: Buffer[]; finished: boolean }
        try {
          result = native._nextvSync(step)
        } catch (cause) {
          throw this.#error('iterate', cause)
        }
        const { rows, finished } = result
        for (let i = 0; i < rows.length; i += 2) yield { key: rows[i]!, value: rows[i + 1]! }
        if (finished) return
      }
    } finally {
      abandonedIterators.unregister(token)
      native.close().catch(() => undefined)
    }
  }

  #error(action: string, cause: unknown): StreamsError {
    return new StreamsError('STREAMS_STATE_STORE', `RocksDB store "${this.name}" at ${this.#location ?? '(not open)'} failed to ${action}: ${describeCause(cause)}`, { cause })
  }
}
