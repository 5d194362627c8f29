/**
 * Restoration of a task's stores from their changelogs (Kafka Streams' `StoreChangelogReader`
 * for active tasks): a restore consumer of the thread, without group, is assigned the task's
 * changelog partitions, positioned at the task's changelog positions (the checkpoint, or 0),
 * and reads until each partition reaches the end offset it had when restoration started.
 * Records go straight into the stores through the callbacks they registered; no processor runs.
 *
 * Contracts:
 * - `restore` resolves true once every changelog partition of the task is caught up, false when
 *   `signal` aborted it first (a revocation); it rejects with the store's error if applying a
 *   batch fails, and with STREAMS_TASK_CORRUPTED when a position is past the changelog's end
 *   (the changelog was deleted or truncated: the task's state must be wiped).
 * - End detection: a partition is done when a batch reaches the end offset, or when the
 *   consumer's position has (records compacted away at the tail).
 * - One restoration at a time per restorer (the thread restores its tasks one after the other,
 *   processing its running tasks meanwhile).
 */
import type { Admin, Consumer, Logger, TopicPartition } from '../../core/index.ts'
import { StreamsError } from '../errors.ts'
import type { ConsumedRecord } from './partition-group.ts'

/** What the restorer needs of a task. */
export interface RestorableTask {
  readonly name: string
  changelogPartitions(): readonly { readonly topic: string; readonly partition: number; readonly offset: number }[]
  restoreBatch(topic: string, records: readonly ConsumedRecord[]): Promise<void>
  restoredTo(topic: string, offset: number): void
}

/** End offsets (log end) of changelog partitions. */
export async function endOffsets(admin: Pick<Admin, 'fetchTopicOffsets'>, partitions: readonly TopicPartition[]): Promise<Map<string, number>> {
  const ends = new Map<string, number>()
  for (const topic of new Set(partitions.map((p) => p.topic))) {
    const offsets = await admin.fetchTopicOffsets(topic)
    for (const o of offsets) ends.set(`${topic}\u0000${o.partition}`, o.latest)
  }
  return ends
}

const POSITION_CHECK_MS = 200

export class ChangelogRestorer {
  readonly #consumer: Consumer
  readonly #admin: Pick<Admin, 'fetchTopicOffsets'>
  readonly #logger: Logger
  #busy = false

  constructor(consumer: Consumer, admin: Pick<Admin, 'fetchTopicOffsets'>, logger: Logger) {
    this.#consumer = consumer
    this.#admin = admin
    this.#logger = logger
  }

  async restore(task: RestorableTask, signal: AbortSignal): Promise<boolean> {
    if (this.#busy) throw new StreamsError('STREAMS_ILLEGAL_STATE', `Restoration of task ${task.name} started while another one runs on the same restore consumer`)
    this.#busy = true
    try {
      return await this.#restore(task, signal)
    } finally {
      this.#busy = false
    }
  }

  async #restore(task: RestorableTask, signal: AbortSignal): Promise<boolean> {
    const partitions = task.changelogPartitions()
    if (partitions.length === 0) return true
    const ends = await endOffsets(this.#admin, partitions)
    if (signal.aborted) return false
    const remaining = new Map<string, { topic: string; partition: number; end: number }>()
    for (const p of partitions) {
      const end = ends.get(`${p.topic}\u0000${p.partition}`) ?? 0
      if (p.offset > end) {
        throw new StreamsError('STREAMS_TASK_CORRUPTED', `Task ${task.name}: local state of changelog ${p.topic}-${p.partition} is at offset ${p.offset}, `
          + `past the changelog's end (${end}); the changelog was deleted or truncated, so the task's state is wiped and restored`)
      }
      if (p.offset === end) task.restoredTo(p.topic, end)
      else remaining.set(`${p.topic}\u0000${p.partition}`, { topic: p.topic, partition: p.partition, end })
    }
    if (remaining.size === 0) return true
    const started = Date.now()
    const total = [...remaining.values()].reduce((n, r) => n + r.end, 0) - partitions.reduce((n, p) => n + (remaining.has(`${p.topic}\u0000${p.partition}`) ? p.offset : 0), 0)
    this.#logger.info(`Task ${task.name}: restoring ${remaining.size} changelog partitions (up to ${total} records)`)

    const consumer = this.#consumer
    consumer.assign([...remaining.values()].map(({ topic, partition }) => ({ topic, partition })))
    for (const p of partitions) {
      if (remaining.has(`${p.topic}\u0000${p.partition}`)) consumer.seek({ topic: p.topic, partition: p.partition, offset: p.offset })
    }
    let settle!: (result: boolean | Error) => void
    const outcome = new Promise<boolean | Error>((resolve) => {
      settle = resolve
    })
    const done = (key: string): void => {
      const r = remaining.get(key)
      if (r === undefined) return
      remaining.delete(key)
      task.restoredTo(r.topic, r.end)
      if (remaining.size === 0) settle(true)
    }
    const onAbort = (): void => settle(false)
    signal.addEventListener('abort', onAbort, { once: true })
    const timer = setInterval(() => {
      void (async () => {
        for (const [key, r] of [...remaining]) {
          const position = await consumer.position({ topic: r.topic, partition: r.partition }).catch(() => -1)
          if (position >= r.end) done(key)
        }
      })()
    }, POSITION_CHECK_MS)
    try {
      await consumer.run({
        eachBatch: async ({ batch }) => {
          const key = `${batch.topic}\u0000${batch.partition}`
          const r = remaining.get(key)
          if (r === undefined) return
          try {
            const messages = batch.messages.filter((m) => m.offset < r.end)
            await task.restoreBatch(batch.topic, messages)
            if (batch.lastOffset() + 1 >= r.end) done(key)
          } catch (error) {
            settle(error instanceof Error ? error : new Error(String(error)))
          }
        },
      })
      void consumer.finished().catch((error: unknown) => settle(error instanceof Error ? error : new Error(String(error))))
      const result = await outcome
      if (result instanceof Error) throw result
      if (result) this.#logger.info(`Task ${task.name}: restored in ${Date.now() - started} ms`)
      return result
    } finally {
      clearInterval(timer)
      signal.removeEventListener('abort', onAbort)
      await consumer.stop()
    }
  }
}
