/** A `TaskRuntime` for pipeline tests: records sends and log lines; stores from a map. */
import type { Logger, RecordHeader } from '../../../core/index.ts'
import { resolveStreamsConfig, type StateStore, type StreamsOptions, type TaskRuntime } from '../../../streams/index.ts'

export interface SentRecord {
  readonly topic: string
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: readonly RecordHeader[]
  readonly timestamp: number
  readonly partition: number | undefined
}

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error'
  readonly message: string
  readonly fields?: Record<string, unknown>
}

export class FakeTaskRuntime implements TaskRuntime {
  readonly applicationId: string
  readonly taskId = { subtopology: 0, partition: 0 }
  readonly config
  readonly sent: SentRecord[] = []
  readonly lines: LogLine[] = []
  readonly stores = new Map<string, StateStore>()
  readonly partitions = new Map<string, number>()
  commits = 0
  time = 1_000
  readonly logger: Logger = {
    debug: (message, fields) => this.lines.push({ level: 'debug', message, fields }),
    info: (message, fields) => this.lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => this.lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => this.lines.push({ level: 'error', message, fields }),
  }

  constructor(options: Partial<StreamsOptions> = {}, subtopology = 0) {
    this.applicationId = options.applicationId ?? 'app'
    this.config = resolveStreamsConfig({ ...options, applicationId: this.applicationId }, '/tmp')
    this.taskId = { subtopology, partition: 0 }
  }

  getStateStore(name: string): StateStore | undefined {
    return this.stores.get(name)
  }

  send(topic: string, key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[], timestamp: number, partition?: number): void {
    this.sent.push({ topic, key, value, headers, timestamp, partition })
  }

  partitionsFor(topic: string): number | undefined {
    return this.partitions.get(topic)
  }

  requestCommit(): void {
    this.commits++
  }

  now(): number {
    return this.time
  }

  /** Sent records as strings (utf-8), for assertions. */
  sentText(): { topic: string; key: string | null; value: string | null }[] {
    return this.sent.map((r) => ({ topic: r.topic, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null }))
  }
}

let offset = 0

/** An input record with utf-8 key and value. */
export function input(topic: string, key: string | null, value: string | null, timestamp = 100, headers: RecordHeader[] = []) {
  return { topic, partition: 0, offset: offset++, timestamp, key: key === null ? null : Buffer.from(key), value: value === null ? null : Buffer.from(value), headerList: headers }
}
