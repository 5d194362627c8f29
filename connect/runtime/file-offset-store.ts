/**
 * `FileOffsetStore`: the source offsets of a standalone worker, in one local JSON file
 * (`offset.storage.file.filename`), as Kafka's `FileOffsetBackingStore` keeps them.
 *
 * Format (UTF-8 JSON, keys of every map sorted so that equal maps serialise equally):
 * ```json
 * { "format": "creek-connect-offsets", "version": 1,
 *   "offsets": [ { "connector": "file-source", "partition": { "filename": "/in.txt" }, "offset": { "position": 42 } } ] }
 * ```
 * Invariants: one entry per (connector, partition); an offset is in memory only after the
 * records it covers were acknowledged by the broker (the task runners' rule), and on disk only
 * after a `flush`.
 *
 * Crash behaviour: `flush` writes the whole (small) file with core's `writeFileAtomicSync`
 * (`<file>.tmp`, fsync, rename over the file, fsync of the directory), so after a crash the file
 * holds the last flush or the one before, never a mix; a leftover `.tmp` is overwritten by the next flush. The file is
 * rewritten per flush interval, not per record. A file that does not parse is refused
 * (CONNECT_OFFSET_STORAGE) rather than silently replaced, since that would replay every source.
 *
 * Concurrency: single-threaded; flushes are queued so their renames happen in call order.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { SourceMap } from '../api/records.ts'
import { writeFileAtomicSync } from '../../core/index.ts'
import { ConnectError } from '../errors.ts'

const FORMAT = 'creek-connect-offsets'

interface Entry {
  readonly connector: string
  readonly partition: SourceMap
  readonly offset: SourceMap | null
}

/** A map as JSON with sorted keys: the identity of a source partition. */
export function canonicalJson(map: SourceMap): string {
  return JSON.stringify(Object.fromEntries(Object.keys(map).sort().map((k) => [k, map[k]])))
}

function entryKey(connector: string, partition: SourceMap): string {
  return JSON.stringify([connector, canonicalJson(partition)])
}

export class FileOffsetStore {
  readonly path: string
  readonly #entries = new Map<string, Entry>()
  #dirty = false
  #flushing: Promise<void> = Promise.resolve()

  constructor(path: string) {
    this.path = path
  }

  /** Reads the file (a missing file is an empty store). */
  load(): void {
    let text: string
    try {
      text = readFileSync(this.path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
      throw new ConnectError('CONNECT_OFFSET_STORAGE', `Cannot read the offsets file ${this.path}: ${(error as Error).message}`, { cause: error })
    }
    let parsed: { format?: unknown; offsets?: unknown }
    try {
      parsed = JSON.parse(text) as typeof parsed
    } catch (error) {
      throw this.#corrupt('it is not JSON', error)
    }
    if (parsed?.format !== FORMAT || !Array.isArray(parsed.offsets)) throw this.#corrupt(`it is not a ${FORMAT} file`)
    for (const entry of parsed.offsets as Entry[]) {
      if (typeof entry?.connector !== 'string' || typeof entry.partition !== 'object' || entry.partition === null) throw this.#corrupt('an entry lacks connector or partition')
      this.#entries.set(entryKey(entry.connector, entry.partition), entry)
    }
  }

  #corrupt(why: string, cause?: unknown): ConnectError {
    return new ConnectError('CONNECT_OFFSET_STORAGE', `The offsets file ${this.path} cannot be used: ${why}. Fix or move it away (sources then start from the beginning)`, { cause, retriable: false })
  }

  get(connector: string, partition: SourceMap): SourceMap | null {
    return this.#entries.get(entryKey(connector, partition))?.offset ?? null
  }

  /** Every (partition, offset) of a connector (for `GET /connectors/{name}/offsets`). */
  offsetsOf(connector: string): { partition: SourceMap; offset: SourceMap | null }[] {
    return [...this.#entries.values()].filter((e) => e.connector === connector).map(({ partition, offset }) => ({ partition, offset }))
  }

  /** Records offsets in memory; `flush` makes them durable. A null offset removes the partition. */
  set(connector: string, offsets: Iterable<readonly [SourceMap, SourceMap | null]>): void {
    for (const [partition, offset] of offsets) {
      const key = entryKey(connector, partition)
      if (offset === null) this.#entries.delete(key)
      else this.#entries.set(key, { connector, partition, offset })
      this.#dirty = true
    }
  }

  /** Removes a connector's offsets (in memory; `flush` persists). */
  deleteConnector(connector: string): void {
    for (const [key, entry] of this.#entries) {
      if (entry.connector !== connector) continue
      this.#entries.delete(key)
      this.#dirty = true
    }
  }

  /** Writes the file atomically when something changed since the last flush. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.catch(() => undefined).then(() => {
      if (!this.#dirty) return
      this.#dirty = false
      const offsets = [...this.#entries.values()]
        .sort((a, b) => (entryKey(a.connector, a.partition) < entryKey(b.connector, b.partition) ? -1 : 1))
        .map((e) => ({ connector: e.connector, partition: JSON.parse(canonicalJson(e.partition)) as SourceMap, offset: e.offset && JSON.parse(canonicalJson(e.offset)) as SourceMap }))
      try {
        mkdirSync(dirname(this.path), { recursive: true })
        writeFileAtomicSync(this.path, `${JSON.stringify({ format: FORMAT, version: 1, offsets }, null, 1)}\n`)
      } catch (error) {
        this.#dirty = true
        throw new ConnectError('CONNECT_OFFSET_STORAGE', `Cannot write the offsets file ${this.path}: ${(error as Error).message}; the offsets are kept and written at the next flush`, { cause: error })
      }
    })
    return this.#flushing
  }
}
