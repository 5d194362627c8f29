/**
 * `StatusStore`: connector and task statuses of distributed workers in the compacted topic
 * `status.storage.topic` (default `connect-status`, 5 partitions), as Kafka's
 * `KafkaStatusBackingStore` keeps them: keys `status-connector-<name>` and
 * `status-task-<name>-<id>`, values `{"state", "trace", "worker_id", "generation"}` (plain JSON).
 *
 * Each worker writes the statuses of what it runs; every worker reads them all, so any worker's
 * REST API answers for the whole cluster. A status of an older group generation than the one
 * held is ignored (a slow former owner cannot overwrite the new owner's).
 */
import type { Creek, Logger } from '../../../core/index.ts'
import { TopicLog } from './topic-log.ts'

export interface StoredStatus {
  readonly state: string
  readonly trace: string | null
  readonly worker_id: string
  readonly generation: number
}

export class StatusStore {
  #log: TopicLog | null = null
  readonly #statuses = new Map<string, StoredStatus>()

  static async open(options: { creek: Creek; topic: string; partitions: number; clientId: string; logger: Logger }): Promise<StatusStore> {
    const store = new StatusStore()
    store.#log = await TopicLog.open({ ...options, onRecord: (key, value) => store.#apply(key, value) })
    return store
  }

  #apply(key: string | null, value: Buffer | null): void {
    if (key === null) return
    if (value === null) {
      this.#statuses.delete(key)
      return
    }
    const status = JSON.parse(value.toString('utf8')) as StoredStatus
    const held = this.#statuses.get(key)
    if (held !== undefined && status.generation < held.generation) return
    this.#statuses.set(key, status)
  }

  connector(name: string): StoredStatus | undefined {
    return this.#statuses.get(`status-connector-${name}`)
  }

  task(name: string, id: number): StoredStatus | undefined {
    return this.#statuses.get(`status-task-${name}-${id}`)
  }

  async putConnector(name: string, status: StoredStatus): Promise<void> {
    this.#apply(`status-connector-${name}`, Buffer.from(JSON.stringify(status)))
    await this.#log?.send(`status-connector-${name}`, JSON.stringify(status))
  }

  async putTask(name: string, id: number, status: StoredStatus): Promise<void> {
    this.#apply(`status-task-${name}-${id}`, Buffer.from(JSON.stringify(status)))
    await this.#log?.send(`status-task-${name}-${id}`, JSON.stringify(status))
  }

  /** Tombstones for a deleted connector's statuses (tasks `0..tasks-1`). */
  async remove(name: string, tasks: number): Promise<void> {
    const keys = [`status-connector-${name}`, ...Array.from({ length: tasks }, (_, id) => `status-task-${name}-${id}`)]
    for (const key of keys) this.#statuses.delete(key)
    await Promise.all(keys.map((key) => this.#log?.send(key, null)))
  }

  readToEnd(): Promise<void> {
    return this.#log?.readToEnd() ?? Promise.resolve()
  }

  close(): Promise<void> {
    return this.#log?.close() ?? Promise.resolve()
  }
}
