/**
 * FileStreamSink (Kafka's `org.apache.kafka.connect.file.FileStreamSinkConnector`): records of
 * `topics` (or `topics.regex`) appended to a file, one line per record value.
 *
 * Config: `file` (empty: stdout); the topics are the worker's keys. `tasks.max` tasks, each
 * with the same config (several tasks append to one file; lines of one partition stay in order).
 *
 * Lines: a string value as it is, null as `null`, bytes as UTF-8, numbers and booleans as text,
 * structs, maps and arrays as JSON. `put` writes the lines (the OS may keep them in its cache);
 * `flush` fsyncs the file, and the worker commits consumer offsets only after `flush`, so a
 * crash may write lines again but never loses one (at-least-once).
 */
import { type FileHandle, open } from 'node:fs/promises'
import { ConfigDef } from '../api/config-def-impl.ts'
import type { SinkConnector, SinkTask, SinkTaskContext } from '../api/connector.ts'
import type { SinkRecord } from '../api/records.ts'
import { isStruct } from '../api/values.ts'
import { ConnectError } from '../errors.ts'

export const FILE_STREAM_SINK_CLASS = 'org.apache.kafka.connect.file.FileStreamSinkConnector'
const VERSION = '1.0.0'

export function fileStreamSinkConfig(): ConfigDef {
  return new ConfigDef()
    .define({ name: 'file', type: 'STRING', defaultValue: '', importance: 'HIGH', documentation: 'Destination filename. If not specified, the standard output will be used' })
}

export class FileStreamSinkConnector implements SinkConnector {
  readonly kind = 'sink'
  readonly version = VERSION
  #props: Record<string, string> = {}

  config(): ConfigDef {
    return fileStreamSinkConfig()
  }

  start(props: Readonly<Record<string, string>>): void {
    fileStreamSinkConfig().parse(props)
    this.#props = { ...props }
  }

  taskConfigs(maxTasks: number): Record<string, string>[] {
    return Array.from({ length: maxTasks }, () => ({ file: this.#props.file ?? '' }))
  }

  taskClass(): () => SinkTask {
    return () => new FileStreamSinkTask()
  }

  stop(): void {}
}

export class FileStreamSinkTask implements SinkTask {
  readonly version = VERSION
  #file = ''
  #handle: FileHandle | null = null

  initialize(_context: SinkTaskContext): void {}

  async start(props: Readonly<Record<string, string>>): Promise<void> {
    this.#file = fileStreamSinkConfig().parse(props).file as string
    if (this.#file === '') return
    try {
      this.#handle = await open(this.#file, 'a')
    } catch (error) {
      throw new ConnectError('CONNECT_TASK_FAILED', `FileStreamSink cannot open ${this.#file} for appending: ${(error as Error).message}`, { cause: error })
    }
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    if (records.length === 0) return
    const text = records.map((r) => `${lineOf(r.value)}\n`).join('')
    if (this.#handle === null) {
      process.stdout.write(text)
      return
    }
    await this.#handle.appendFile(text, 'utf8')
  }

  /** Makes the lines durable before the worker commits their offsets. */
  async flush(): Promise<void> {
    await this.#handle?.sync()
  }

  async stop(): Promise<void> {
    const handle = this.#handle
    this.#handle = null
    if (handle === null) return
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  }
}

function lineOf(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'string') return value
  if (Buffer.isBuffer(value)) return value.toString('utf8')
  if (typeof value !== 'object') return String(value)
  if (value instanceof Date) return value.toISOString()
  return JSON.stringify(toJson(value))
}

function toJson(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (Buffer.isBuffer(value)) return value.toString('base64')
  if (value instanceof Date) return value.toISOString()
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toJson(v)]))
  if (Array.isArray(value)) return value.map(toJson)
  if (isStruct(value)) {
    const fields = value.schema.fields ?? []
    return Object.fromEntries(fields.map((f) => [f.name, toJson(value.getWithoutDefault(f.name) ?? f.schema.defaultValue ?? null)]))
  }
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]))
  return value
}
