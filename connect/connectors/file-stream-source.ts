/**
 * FileStreamSource (Kafka's `org.apache.kafka.connect.file.FileStreamSourceConnector`): the lines
 * of a file into a topic, one record per line.
 *
 * Config: `file` (empty: stdin), `topic` (required), `batch.size` (most records per poll, 2000),
 * and Creek's `poll.interval.ms` (how long an idle poll waits for more data, 1000 as Kafka's
 * fixed wait).
 *
 * Records: value schema STRING (the line without its terminator: `\n`, `\r` or `\r\n`), no key,
 * source partition `{ filename }`, source offset `{ position }`: the byte position after the
 * line's terminator, so a restart resumes after the last line whose offset was committed.
 * A trailing line without terminator is not emitted until it is terminated (it may still grow).
 *
 * Unlike Kafka's, the task follows the file as a log shipper would:
 * - appends are read as they come (idle polls wait `poll.interval.ms`, or until the task stops);
 * - truncation (the file became shorter than the position read so far, or than the stored
 *   offset at start) restarts from position 0, with a warning;
 * - rotation (the path now names another inode): the old file is read to its end first, then
 *   the new file from position 0; a missing file is waited for.
 * Limits: a truncation followed, before the next poll, by writes beyond the old position looks
 * like an append; a rotation while the worker is down is seen only if the new file is shorter
 * than the stored position. Stdin is read without offsets.
 */
import { type FileHandle, open, stat } from 'node:fs/promises'
import type { Stats } from 'node:fs'
import { ConfigDef } from '../api/config-def-impl.ts'
import { nonEmptyString, ranged } from '../api/config-validators.ts'
import type { SourceConnector, SourceTask, SourceTaskContext } from '../api/connector.ts'
import type { SourceRecord } from '../api/records.ts'
import { Schemas } from '../api/schema-builder.ts'
import { ConnectError } from '../errors.ts'

export const FILE_STREAM_SOURCE_CLASS = 'org.apache.kafka.connect.file.FileStreamSourceConnector'
const VERSION = '1.0.0'
const READ_CHUNK = 64 * 1024

export function fileStreamSourceConfig(): ConfigDef {
  return new ConfigDef()
    .define({ name: 'file', type: 'STRING', defaultValue: '', importance: 'HIGH', documentation: 'Source filename. If not specified, the standard input will be used' })
    .define({ name: 'topic', type: 'STRING', importance: 'HIGH', documentation: 'The topic to publish data to', validator: nonEmptyString() })
    .define({ name: 'batch.size', type: 'INT', defaultValue: 2000, importance: 'LOW', documentation: 'The maximum number of records the source task can read from the file each time it is polled', validator: ranged(1) })
    .define({ name: 'poll.interval.ms', type: 'LONG', defaultValue: 1000, importance: 'LOW', documentation: 'How long a poll waits for new lines before returning none (Creek)', validator: ranged(1) })
}

export class FileStreamSourceConnector implements SourceConnector {
  readonly kind = 'source'
  readonly version = VERSION
  #props: Record<string, string> = {}

  config(): ConfigDef {
    return fileStreamSourceConfig()
  }

  start(props: Readonly<Record<string, string>>): void {
    fileStreamSourceConfig().parse(props)
    this.#props = { ...props }
  }

  /** One task: only one reader of one file makes sense. */
  taskConfigs(): Record<string, string>[] {
    const { file = '', topic = '', 'batch.size': batchSize, 'poll.interval.ms': pollInterval } = this.#props
    return [{ file, topic, ...(batchSize === undefined ? {} : { 'batch.size': batchSize }), ...(pollInterval === undefined ? {} : { 'poll.interval.ms': pollInterval }) }]
  }

  taskClass(): () => SourceTask {
    return () => new FileStreamSourceTask()
  }

  stop(): void {}
}

export class FileStreamSourceTask implements SourceTask {
  readonly version = VERSION
  #context: SourceTaskContext | null = null
  #file = ''
  #topic = ''
  #batchSize = 2000
  #pollIntervalMs = 1000
  #handle: FileHandle | null = null
  #inode: number | null = null
  /** File position of the first byte of `#buffer`. */
  #position = 0
  /** Bytes read but not yet emitted (at most an unterminated line plus lines beyond a batch). */
  #buffer: Buffer = Buffer.alloc(0)
  #started = false
  #stop = new AbortController()
  #stdin: { chunks: Buffer[]; ended: boolean; wake: (() => void) | null } | null = null

  initialize(context: SourceTaskContext): void {
    this.#context = context
  }

  start(props: Readonly<Record<string, string>>): void {
    const config = fileStreamSourceConfig().parse(props)
    this.#file = config.file as string
    this.#topic = config.topic as string
    this.#batchSize = config['batch.size'] as number
    this.#pollIntervalMs = config['poll.interval.ms'] as number
    this.#stop = new AbortController()
    if (this.#file === '') this.#openStdin()
  }

  async poll(): Promise<SourceRecord[] | null> {
    if (this.#stop.signal.aborted) return null
    if (this.#stdin !== null) return this.#pollStdin()
    if (this.#handle === null && !(await this.#open())) {
      await this.#idle()
      return null
    }
    let records = this.#takeLines()
    while (records.length < this.#batchSize && this.#handle !== null) {
      const read = await this.#read()
      if (read === 0) break
      records = records.concat(this.#takeLines(this.#batchSize - records.length))
    }
    if (records.length > 0) return records
    if (this.#handle !== null && !(await this.#checkRotationOrTruncation())) await this.#idle()
    return null
  }

  /** Opens the file (at the stored position on the first open); false when it does not exist yet. */
  async #open(): Promise<boolean> {
    let handle: FileHandle
    try {
      handle = await open(this.#file, 'r')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
      throw new ConnectError('CONNECT_TASK_FAILED', `FileStreamSource cannot open ${this.#file}: ${(error as Error).message}`, { cause: error })
    }
    if (this.#stop.signal.aborted) {
      await handle.close().catch(() => undefined)
      return false
    }
    const stats = await handle.stat()
    this.#handle = handle
    this.#inode = stats.ino
    this.#buffer = Buffer.alloc(0)
    if (!this.#started) {
      this.#started = true
      const stored = await this.#context?.offsetStorageReader.offset({ filename: this.#file })
      const position = stored?.position
      if (position !== undefined && position !== null) {
        if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0) {
          throw new ConnectError('CONNECT_DATA', `The stored offset of ${this.#file} is ${JSON.stringify(stored)}; expected { position: integer ≥ 0 }`)
        }
        this.#position = position <= stats.size ? position : 0
      } else this.#position = 0
    } else this.#position = 0
    return true
  }

  /** Reads the next chunk at the end of the buffer; the number of bytes read. */
  async #read(): Promise<number> {
    const handle = this.#handle
    if (handle === null) return 0
    const chunk = Buffer.allocUnsafe(READ_CHUNK)
    const { bytesRead } = await handle.read(chunk, 0, READ_CHUNK, this.#position + this.#buffer.length)
    if (bytesRead > 0) this.#buffer = Buffer.concat([this.#buffer, chunk.subarray(0, bytesRead)])
    return bytesRead
  }

  /**
   * At the end of the open file: switches to a rotated file, or rewinds a truncated one. True
   * when it did (more may be readable now).
   */
  async #checkRotationOrTruncation(): Promise<boolean> {
    const handle = this.#handle
    if (handle === null) return false
    const own = await handle.stat()
    if (own.size < this.#position + this.#buffer.length) {
      // Truncated in place: what was read past the new end is gone; start over.
      this.#position = 0
      this.#buffer = Buffer.alloc(0)
      return true
    }
    let current: Stats | null
    try {
      current = await stat(this.#file)
    } catch {
      current = null // Removed (rotation in progress): keep the old file until a new one appears.
    }
    if (current !== null && current.ino !== this.#inode) {
      await handle.close().catch(() => undefined)
      this.#handle = null
      return this.#open()
    }
    return false
  }

  /** Complete lines of the buffer as records (at most `max`). */
  #takeLines(max = this.#batchSize): SourceRecord[] {
    const records: SourceRecord[] = []
    const buffer = this.#buffer
    let start = 0
    let i = 0
    while (i < buffer.length && records.length < max) {
      const byte = buffer[i]
      if (byte !== 0x0a && byte !== 0x0d) {
        i++
        continue
      }
      let end = i + 1
      if (byte === 0x0d) {
        // A CR at the end of what was read may be the first half of CRLF: wait for the next byte.
        if (i + 1 >= buffer.length) break
        if (buffer[i + 1] === 0x0a) end = i + 2
      }
      const line = buffer.toString('utf8', start, i)
      records.push(this.#record(line, this.#position + end))
      start = end
      i = end
    }
    if (start > 0) {
      this.#buffer = buffer.subarray(start)
      this.#position += start
    }
    return records
  }

  #record(line: string, position: number): SourceRecord {
    return {
      topic: this.#topic, kafkaPartition: null, keySchema: null, key: null, valueSchema: Schemas.STRING, value: line,
      timestamp: null, headers: [], sourcePartition: { filename: this.#file }, sourceOffset: { position },
    }
  }

  #idle(): Promise<void> {
    const signal = this.#stop.signal
    if (signal.aborted) return Promise.resolve()
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        if (this.#stdin) this.#stdin.wake = null
        resolve()
      }
      const timer = setTimeout(done, this.#pollIntervalMs)
      signal.addEventListener('abort', done)
      if (this.#stdin) this.#stdin.wake = done
    })
  }

  #openStdin(): void {
    const state: { chunks: Buffer[]; ended: boolean; wake: (() => void) | null } = { chunks: [], ended: false, wake: null }
    this.#stdin = state
    process.stdin.on('data', (chunk: Buffer) => {
      state.chunks.push(chunk)
      state.wake?.()
    })
    process.stdin.on('end', () => {
      state.ended = true
      state.wake?.()
    })
  }

  /** Stdin: lines without offsets (an empty source partition: nothing to resume). */
  async #pollStdin(): Promise<SourceRecord[] | null> {
    const state = this.#stdin!
    if (state.chunks.length > 0) this.#buffer = Buffer.concat([this.#buffer, ...state.chunks.splice(0)])
    if (state.ended && this.#buffer.length > 0 && this.#buffer.at(-1) !== 0x0a) this.#buffer = Buffer.concat([this.#buffer, Buffer.from('\n')])
    const records = this.#takeLines().map((r) => ({ ...r, sourcePartition: {}, sourceOffset: {} }))
    if (records.length > 0) return records
    await this.#idle()
    return null
  }

  async stop(): Promise<void> {
    this.#stop.abort()
    const handle = this.#handle
    this.#handle = null
    await handle?.close().catch(() => undefined)
  }
}
