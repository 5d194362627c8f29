/**
 * Global stores (Kafka Streams' `GlobalStreamThread` + `GlobalStateManager`): every instance
 * keeps a full copy of each global store, loaded from its source topic (which is also its
 * changelog: global stores are never logged) by a consumer without group assigned every
 * partition of the source topics. Every record goes through the store's global sub-topology
 * (`TaskPipeline` of `GlobalStoreInfo.subtopology`: a source and the processor that writes the
 * store), during bootstrap and after.
 *
 * - `start()` opens the stores (the state directory's `global/`, with its own checkpoint),
 *   positions the consumer at the checkpoint (persistent stores) or the beginning, and resolves
 *   once every partition reached the end offset it had at start (bootstrap); the application
 *   starts its stream threads only then, so tasks see fully loaded global stores.
 * - Afterwards the consumer keeps reading: updates go through the pipelines as during bootstrap. Every `commitIntervalMs` the stores are
 *   flushed and the checkpoint written with the offsets read before the flush.
 * - Local persistent state without a checkpoint entry for each partition is wiped first (as
 *   for tasks).
 *
 * Concurrency: updates are applied between records of the stream threads (one event loop), so
 * a task's read of a global store sees a consistent value, possibly older than the topic's end.
 */
import type { Admin, Consumer, Creek, Logger } from '../../core/index.ts'
import { StreamsError } from '../errors.ts'
import type { StateStore, StateStoreContext } from '../state/api.ts'
import type { GlobalStoreInfo } from '../topology/subtopology.ts'
import type { InputRecord, TaskRuntime } from '../topology/task-runtime.ts'
import { endOffsets } from './changelog-restorer.ts'
import type { ChangelogOffset, CheckpointIO } from './checkpoints.ts'
import type { StreamsConfig } from './config.ts'
import type { StateDirectory } from './state-directory.ts'
import type { PipelineFactory, TaskPipelineLike } from './stream-task.ts'

const POSITION_CHECK_MS = 200

export interface GlobalStateOptions {
  readonly creek: Creek
  readonly admin: Admin
  readonly config: StreamsConfig
  readonly logger: Logger
  readonly stores: readonly GlobalStoreInfo[]
  readonly directory: StateDirectory
  readonly checkpoints: CheckpointIO
  readonly createPipeline: PipelineFactory
  /** An error after bootstrap (applying an update failed, the consumer crashed). */
  readonly onError: (error: Error) => void
}

export class GlobalState {
  readonly #options: GlobalStateOptions
  readonly #stores = new Map<string, StateStore>()
  /** Source topic → the pipeline of the global sub-topology that reads it. */
  readonly #byTopic = new Map<string, TaskPipelineLike>()
  /** `topic\0partition` → next offset to read. */
  readonly #positions = new Map<string, number>()
  #consumer: Consumer | null = null
  #timer: NodeJS.Timeout | undefined
  #checkpointing: Promise<void> | null = null
  #current: InputRecord | null = null
  #closed = false
  #bootstrapped = false

  constructor(options: GlobalStateOptions) {
    this.#options = options
  }

  get size(): number {
    return this.#options.stores.length
  }

  store(name: string): StateStore | undefined {
    return this.#stores.get(name)
  }

  get storeNames(): string[] {
    return [...this.#stores.keys()]
  }

  /** Opens and bootstraps every global store; resolves once they hold their topics up to the end offsets of now. */
  async start(): Promise<void> {
    const { stores, directory, checkpoints, config, admin, creek, logger } = this.#options
    if (stores.length === 0) return
    const dir = directory.ensure(directory.globalDir)
    let checkpoint: ChangelogOffset[] | null = await checkpoints.read(dir).catch(() => null)
    const topics = [...new Set(stores.map((s) => s.sourceTopic))]
    const partitionsOf = new Map<string, number[]>()
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic).catch((error: unknown) => {
        throw new StreamsError('STREAMS_INVALID_TOPOLOGY', `The source topic '${topic}' of a global store cannot be read (does it exist? create it before starting)`, { cause: error })
      })
      partitionsOf.set(topic, offsets.map((o) => o.partition))
    }
    const built = stores.map((info) => ({ info, store: info.builder.build() }))
    const vouched = (topic: string): boolean => partitionsOf.get(topic)!.every((p) => checkpoint?.some((c) => c.topic === topic && c.partition === p))
    if (built.some(({ info, store }) => store.persistent && !vouched(info.sourceTopic)) && directory.hasState(dir)) {
      logger.warn(`Global stores have local state without a checkpoint; wiping ${dir} and loading them from their topics`)
      directory.wipe(dir)
      checkpoint = null
    }
    const persistentTopics = new Set<string>()
    for (const { info, store } of built) {
      const context: StateStoreContext = {
        applicationId: config.applicationId,
        taskId: { subtopology: info.subtopology, partition: -1 },
        taskDir: dir,
        config,
        logChange: () => {
          throw new StreamsError('STREAMS_STATE_STORE', `Global store '${info.name}' tried to log a change; global stores are loaded from their topic and must not be logged`)
        },
        // Global stores are loaded through their processor, from their topic, never restored directly.
        register: () => undefined,
        recordTimestamp: () => this.#current?.timestamp ?? Date.now(),
      }
      await store.init(context)
      this.#stores.set(info.name, store)
      if (store.persistent) persistentTopics.add(info.sourceTopic)
    }
    for (const info of stores) {
      this.#byTopic.set(info.sourceTopic, await this.#options.createPipeline(info.subtopology, this.#runtime(info, logger)))
    }
    const assignment = topics.flatMap((topic) => partitionsOf.get(topic)!.map((partition) => ({ topic, partition })))
    for (const tp of assignment) {
      const fromCheckpoint = persistentTopics.has(tp.topic) ? checkpoint?.find((c) => c.topic === tp.topic && c.partition === tp.partition)?.offset : undefined
      this.#positions.set(`${tp.topic}\u0000${tp.partition}`, fromCheckpoint ?? 0)
    }
    const ends = await endOffsets(admin, assignment)
    const consumer = creek.consumer({ ...config.consumer, autoOffsetReset: 'earliest', clientId: `${config.clientId}-GlobalStreamThread-consumer`, logger })
    this.#consumer = consumer
    consumer.assign(assignment)
    for (const tp of assignment) consumer.seek({ ...tp, offset: this.#positions.get(`${tp.topic}\u0000${tp.partition}`)! })

    const behind = new Set(assignment.map((tp) => `${tp.topic}\u0000${tp.partition}`).filter((key) => this.#positions.get(key)! < (ends.get(key) ?? 0)))
    let bootstrapped!: (error?: Error) => void
    const bootstrap = new Promise<void>((resolve, reject) => {
      bootstrapped = (error) => (error ? reject(error) : resolve())
    })
    const caughtUp = (key: string): void => {
      if (behind.delete(key) && behind.size === 0) bootstrapped()
    }
    if (behind.size === 0) bootstrapped()
    const check = setInterval(() => {
      for (const key of [...behind]) {
        const [topic, partition] = key.split('\u0000')
        void consumer.position({ topic, partition: Number(partition) }).then((position) => {
          if (position >= (ends.get(key) ?? 0)) caughtUp(key)
        }, () => undefined)
      }
      if (behind.size === 0) clearInterval(check)
    }, POSITION_CHECK_MS)
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const key = `${batch.topic}\u0000${batch.partition}`
        try {
          const pipeline = this.#byTopic.get(batch.topic)!
          for (const input of batch.messages) {
            this.#current = input
            const result = pipeline.process(input)
            if (result instanceof Promise) await result
          }
          this.#current = null
          this.#positions.set(key, batch.lastOffset() + 1)
          if (batch.lastOffset() + 1 >= (ends.get(key) ?? 0)) caughtUp(key)
        } catch (error) {
          const failure = new StreamsError('STREAMS_STATE_STORE', `Applying records of ${batch.topic}-${batch.partition} to global stores failed: ${String((error as Error)?.message ?? error)}`, { cause: error })
          bootstrapped(failure)
          throw failure
        }
      },
      retry: { retries: 0 },
    })
    consumer.finished().catch((error: unknown) => {
      const failure = error instanceof Error ? error : new Error(String(error))
      bootstrapped(failure)
      if (!this.#closed && this.#bootstrapped) this.#options.onError(failure)
    })
    try {
      await bootstrap
    } finally {
      clearInterval(check)
    }
    this.#bootstrapped = true
    logger.info(`Global stores ${this.storeNames.join(', ')} loaded`)
    this.#timer = setInterval(() => void this.#checkpoint(), Math.max(100, config.commitIntervalMs))
    this.#timer.unref()
  }

  /** The runtime of a global sub-topology: reads global stores; cannot send or commit. */
  #runtime(info: GlobalStoreInfo, logger: Logger): TaskRuntime {
    const stores = this.#stores
    const { config } = this.#options
    return {
      applicationId: config.applicationId,
      taskId: { subtopology: info.subtopology, partition: -1 },
      config,
      logger,
      getStateStore: (name) => stores.get(name),
      send: (topic) => {
        throw new StreamsError('STREAMS_INVALID_TOPOLOGY', `The global sub-topology of store '${info.name}' tried to send a record to '${topic}'; global stores only update their store`)
      },
      partitionsFor: () => undefined,
      requestCommit: () => undefined,
      now: () => Date.now(),
    }
  }

  /** Flushes the stores and writes the checkpoint of persistent ones with the offsets read before the flush. */
  #checkpoint(): Promise<void> {
    this.#checkpointing ??= (async () => {
      const snapshot = [...this.#positions].map(([key, offset]) => {
        const [topic, partition] = key.split('\u0000')
        return { topic, partition: Number(partition), offset }
      })
      for (const store of this.#stores.values()) await store.flush()
      const persistent = new Set(this.#options.stores.filter((s) => this.#stores.get(s.name)?.persistent).map((s) => s.sourceTopic))
      const offsets = snapshot.filter((o) => persistent.has(o.topic))
      if (offsets.length > 0) await this.#options.checkpoints.write(this.#options.directory.globalDir, offsets)
    })().catch((error: unknown) => {
      this.#options.logger.warn('Checkpoint of global stores failed; retried at the next interval', { cause: String(error) })
    }).finally(() => {
      this.#checkpointing = null
    })
    return this.#checkpointing
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    clearInterval(this.#timer)
    await this.#consumer?.close().catch(() => undefined)
    await this.#checkpointing
    if (this.#stores.size > 0) await this.#checkpoint()
    for (const pipeline of this.#byTopic.values()) await Promise.resolve(pipeline.close()).catch(() => undefined)
    for (const [name, store] of this.#stores) {
      await store.close().catch((error: unknown) => this.#options.logger.warn(`Global store '${name}' did not close cleanly`, { cause: String(error) }))
    }
  }
}
