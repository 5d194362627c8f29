/**
 * `TopologyTestDriver`: runs a topology without a broker (Kafka Streams'
 * `TopologyTestDriver`).
 *
 * ```ts
 * const driver = new TopologyTestDriver(builder.build(), { applicationId: 'word-count' })
 * const input = driver.createInputTopic('text', serdes.string(), serdes.string())
 * const output = driver.createOutputTopic('word-counts', serdes.string(), countSerde())
 * await input.pipeInput('k', 'hello world')
 * expect(output.readKeyValuesToMap()).toEqual(new Map([['hello', 1], ['world', 1]]))
 * await driver.close()
 * ```
 *
 * What it does: one task on partition 0 for every sub-topology (and one for each global
 * store), each with its stores (built, opened in `<stateDir>/<applicationId>/<task>`) and its
 * compiled `TaskPipeline`; the driver is their `TaskRuntime` and `StateStoreContext`. A piped
 * record is processed by the task reading its topic; records the topology writes are captured
 * per topic (changelogs too, as `<applicationId>-<store>-changelog`), and those written to a
 * topic a task reads (repartition topics, or input topics) are processed next, in the order
 * they were written. After each processed record the driver commits that task as Kafka's
 * driver does: stores flush (caches emit downstream), then the records that caused are
 * processed too. So one `await input.pipeInput(…)` returns when everything it led to is done.
 *
 * Differences from Kafka's driver, because Creek's stores open and flush asynchronously: input
 * methods return promises (await them; calls also queue up in order when not awaited), and
 * reading an output topic while piped input is in flight throws STREAMS_ILLEGAL_STATE. No
 * changelog restoration: each driver starts with empty stores. Wall-clock time is mocked
 * (`initialWallClockTimeMs`, `advanceWallClockTime`).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Logger, type RecordHeader, silentLogger } from '../../core/index.ts'
import type { Serde } from '../../serdes/index.ts'
import { TimestampedKeyValueStoreFacade } from '../dsl/timestamped-store-facade.ts'
import type { ValueAndTimestamp } from '../dsl/value-and-timestamp.ts'
import { StreamsError } from '../errors.ts'
import { formatTaskId, type TaskId } from '../processor/api.ts'
import { resolveStreamsConfig, type StreamsConfig, type StreamsOptions } from '../runtime/config.ts'
import type { KeyValue, KeyValueStore, StateStore, StateStoreContext } from '../state/api.ts'
import type { StoreInfo } from '../topology/subtopology.ts'
import { TaskPipeline } from '../topology/task-pipeline.ts'
import type { InputRecord, TaskRuntime } from '../topology/task-runtime.ts'
import type { Topology } from '../topology/topology.ts'
import { TestInputTopic, type TestInputTopicOptions } from './test-input-topic.ts'
import { TestOutputTopic } from './test-output-topic.ts'
import type { CapturedRecord, RawInput } from './test-record.ts'

export interface TopologyTestDriverOptions extends Partial<StreamsOptions> {
  /** Default `topology-test-driver`. */
  readonly applicationId?: string
  /** Default: a fresh temporary directory, removed by `close()`. */
  readonly stateDir?: string
  /** Start of the mocked wall-clock time (default: now). */
  readonly initialWallClockTimeMs?: number
  /** Where handlers and the driver log (default: nowhere). */
  readonly logger?: Logger
}

/** One task of the driver: the `TaskRuntime` and `StateStoreContext` of its pipeline and stores. */
class DriverTask implements TaskRuntime, StateStoreContext {
  readonly applicationId: string
  readonly taskId: TaskId
  readonly taskDir: string
  readonly config: StreamsConfig
  readonly logger: Logger
  readonly stores = new Map<string, StateStore>()
  readonly global: boolean
  pipeline: TaskPipeline | null = null
  readonly #driver: DriverInternals

  constructor(driver: DriverInternals, subtopology: number, global: boolean, stores: readonly StoreInfo[] | readonly { name: string; builder: StoreInfo['builder'] }[]) {
    this.#driver = driver
    this.applicationId = driver.config.applicationId
    this.taskId = { subtopology, partition: 0 }
    this.global = global
    this.config = driver.config
    this.logger = driver.logger
    this.taskDir = join(driver.config.stateDir, this.applicationId, global ? 'global' : formatTaskId(this.taskId))
    for (const info of stores) this.stores.set(info.name, info.builder.build())
  }

  getStateStore(name: string): StateStore | undefined {
    return this.stores.get(name) ?? this.#driver.globalStore(name)
  }

  send(topic: string, key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[], timestamp: number, partition?: number): void {
    this.#driver.produce(topic, key, value, headers, timestamp, partition, true)
  }

  partitionsFor(): number {
    return 1
  }

  requestCommit(): void {}

  now(): number {
    return this.#driver.now()
  }

  logChange(storeName: string, key: Buffer, value: Buffer | null, timestamp: number): void {
    this.#driver.produce(`${this.applicationId}-${storeName}-changelog`, key, value, [], timestamp, 0, false)
  }

  register(): void {}

  recordTimestamp(): number {
    return this.pipeline?.recordTimestamp ?? -1
  }
}

/** What tasks see of their driver. */
interface DriverInternals {
  readonly config: StreamsConfig
  readonly logger: Logger
  now(): number
  globalStore(name: string): StateStore | undefined
  produce(topic: string, key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[], timestamp: number, partition: number | undefined, route: boolean): void
}

export class TopologyTestDriver {
  readonly #topology: Topology
  readonly #config: StreamsConfig
  readonly #logger: Logger
  readonly #ownedStateDir: string | null
  #wallClock: number
  readonly #tasks: DriverTask[] = []
  readonly #globalTasks: DriverTask[] = []
  readonly #globalStores = new Map<string, StateStore>()
  /** Topic (as consumed: internal topics prefixed) → the task reading it. */
  readonly #readers = new Map<string, DriverTask>()
  readonly #patternReaders: { readonly pattern: RegExp; readonly task: DriverTask }[] = []
  readonly #nextOffset = new Map<string, number>()
  readonly #outputs = new Map<string, { records: CapturedRecord[]; head: number }>()
  readonly #produced = new Set<string>()
  /** Records waiting to be processed, in the order they were written. */
  readonly #pending: { task: DriverTask; input: InputRecord }[] = []
  readonly #ready: Promise<void>
  #work: Promise<void>
  #inFlight = 0
  #closed = false

  constructor(topology: Topology, options: TopologyTestDriverOptions = {}) {
    this.#topology = topology
    const { initialWallClockTimeMs, logger, ...streamsOptions } = options
    this.#ownedStateDir = options.stateDir === undefined ? mkdtempSync(join(tmpdir(), 'creek-test-driver-')) : null
    this.#config = resolveStreamsConfig(
      { ...streamsOptions, applicationId: options.applicationId ?? 'topology-test-driver', stateDir: options.stateDir ?? (this.#ownedStateDir as string) },
      tmpdir(),
    )
    this.#logger = logger ?? silentLogger
    this.#wallClock = initialWallClockTimeMs ?? Date.now()

    const internals: DriverInternals = {
      config: this.#config,
      logger: this.#logger,
      now: () => this.#wallClock,
      globalStore: (name) => this.#globalStores.get(name),
      produce: (topic, key, value, headers, timestamp, partition, route) => this.#produce(topic, key, value, headers, timestamp, partition, route),
    }
    const appId = this.#config.applicationId
    for (const global of topology.globalStores()) {
      const task = new DriverTask(internals, global.subtopology, true, [global])
      this.#globalTasks.push(task)
      this.#globalStores.set(global.name, task.stores.get(global.name) as StateStore)
      this.#readers.set(global.sourceTopic, task)
    }
    const stores = topology.stores()
    for (const info of topology.subtopologies()) {
      const task = new DriverTask(internals, info.id, false, stores.filter((store) => store.subtopology === info.id))
      this.#tasks.push(task)
      for (const topic of info.sourceTopics) this.#readers.set(topic, task)
      for (const topic of info.repartitionSourceTopics) this.#readers.set(`${appId}-${topic}`, task)
      for (const pattern of info.sourcePatterns) {
        this.#patternReaders.push({ pattern: new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace(/[gy]/g, '')), task })
      }
    }
    this.#ready = this.#open()
    this.#ready.catch(() => undefined)
    this.#work = this.#ready.catch(() => undefined)
  }

  /** Resolves once stores are open and pipelines compiled (input methods wait for it anyway). */
  ready(): Promise<void> {
    return this.#ready
  }

  createInputTopic<K, V>(name: string, keySerde: Serde<K>, valueSerde: Serde<V>, options?: TestInputTopicOptions): TestInputTopic<K, V> {
    this.#checkOpen()
    return new TestInputTopic(name, keySerde, valueSerde, (topic, serialize) => this.#pipe(topic, serialize), this.#wallClock, options)
  }

  createOutputTopic<K, V>(name: string, keySerde: Serde<K>, valueSerde: Serde<V>): TestOutputTopic<K, V> {
    this.#checkOpen()
    return new TestOutputTopic(name, keySerde, valueSerde, {
      take: (topic) => {
        this.#checkIdle(topic)
        const output = this.#outputs.get(topic)
        if (output === undefined || output.head >= output.records.length) return undefined
        return output.records[output.head++]
      },
      size: (topic) => {
        this.#checkIdle(topic)
        const output = this.#outputs.get(topic)
        return output === undefined ? 0 : output.records.length - output.head
      },
    })
  }

  /**
   * A key-value store by name, values as the topology sees them; for the DSL's KTable stores,
   * without their timestamps (use `getTimestampedKeyValueStore` for those).
   */
  getKeyValueStore<K, V>(name: string): KeyValueStore<K, V> {
    const store = this.getStateStore(name) as KeyValueStore<K, unknown>
    if (this.#topology.isTimestampedStore(name)) return new TimestampedKeyValueStoreFacade(store as KeyValueStore<K, ValueAndTimestamp<V>>)
    return store as KeyValueStore<K, V>
  }

  /** A KTable store of the DSL, values with their timestamps. */
  getTimestampedKeyValueStore<K, V>(name: string): KeyValueStore<K, ValueAndTimestamp<V>> {
    if (this.#topology.isTimestampedStore(name) !== true) {
      throw new StreamsError('STREAMS_INVALID_STATE_STORE', `State store ${name} does not hold ValueAndTimestamp values; use getKeyValueStore`)
    }
    return this.getStateStore(name) as KeyValueStore<K, ValueAndTimestamp<V>>
  }

  getStateStore(name: string): StateStore {
    const store = this.getAllStateStores().get(name)
    if (store === undefined) {
      throw new StreamsError('STREAMS_INVALID_STATE_STORE', `The topology has no state store ${name} (stores: ${[...this.getAllStateStores().keys()].join(', ') || 'none'})`)
    }
    return store
  }

  getAllStateStores(): Map<string, StateStore> {
    const all = new Map<string, StateStore>(this.#globalStores)
    for (const task of this.#tasks) for (const [name, store] of task.stores) all.set(name, store)
    return all
  }

  /** Topics the topology wrote to so far (changelogs and repartition topics included). */
  producedTopicNames(): Set<string> {
    return new Set(this.#produced)
  }

  /** Moves the mocked wall-clock time forward. */
  advanceWallClockTime(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new StreamsError('STREAMS_INVALID_CONFIG', `advanceWallClockTime needs a duration >= 0, got ${String(ms)}`)
    this.#wallClock += ms
  }

  /** Commits and closes every task: processors, then stores; removes a state directory it created. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#work
    const failures: unknown[] = []
    try {
      await this.#ready
      for (const task of [...this.#tasks, ...this.#globalTasks]) {
        await this.#commit(task).catch((error: unknown) => failures.push(error))
      }
    } catch (error) {
      failures.push(error)
    }
    for (const task of [...this.#tasks, ...this.#globalTasks]) {
      for (const store of task.stores.values()) await store.close().catch((error: unknown) => failures.push(error))
      task.pipeline?.close()
    }
    if (this.#ownedStateDir !== null) rmSync(this.#ownedStateDir, { recursive: true, force: true })
    if (failures.length > 0) throw failures[0]
  }

  async #open(): Promise<void> {
    for (const task of [...this.#globalTasks, ...this.#tasks]) {
      mkdirSync(task.taskDir, { recursive: true })
      for (const store of task.stores.values()) await store.init(task)
    }
    for (const task of [...this.#globalTasks, ...this.#tasks]) task.pipeline = TaskPipeline.create(this.#topology, task.taskId.subtopology, task)
  }

  #pipe(topic: string, serialize: () => Promise<RawInput>): Promise<void> {
    this.#checkOpen()
    this.#inFlight++
    const run = this.#work.then(async () => {
      try {
        await this.#ready
        const task = this.#readerOf(topic)
        if (task === undefined) {
          throw new StreamsError('STREAMS_INVALID_CONFIG', `No source of the topology reads topic ${topic} (it reads: ${[...this.#readers.keys()].join(', ') || 'patterns only'})`)
        }
        const raw = await serialize()
        this.#pending.push({ task, input: { topic, partition: 0, offset: this.#offset(topic), ...raw } })
        await this.#processPending()
      } finally {
        this.#inFlight--
      }
    })
    this.#work = run.catch(() => undefined)
    return run
  }

  async #processPending(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const { task, input } = this.#pending.shift() as { task: DriverTask; input: InputRecord }
        const pipeline = task.pipeline as TaskPipeline
        const done = pipeline.process(input)
        if (done) await done
        await this.#commit(task)
      }
    } catch (error) {
      this.#pending.length = 0
      throw error
    }
  }

  /** Kafka's driver commits after each record: stores flush (caches forward), then the forwarded work ends. */
  async #commit(task: DriverTask): Promise<void> {
    for (const store of task.stores.values()) await store.flush()
    const drained = task.pipeline?.drain()
    if (drained) await drained
  }

  #produce(topic: string, key: Buffer | null, value: Buffer | null, headers: readonly RecordHeader[], timestamp: number, partition: number | undefined, route: boolean): void {
    const offset = this.#offset(topic)
    let output = this.#outputs.get(topic)
    if (output === undefined) {
      output = { records: [], head: 0 }
      this.#outputs.set(topic, output)
    }
    output.records.push({ topic, offset, key, value, headers, timestamp, partition })
    this.#produced.add(topic)
    if (!route) return
    const task = this.#readerOf(topic)
    if (task !== undefined) this.#pending.push({ task, input: { topic, partition: 0, offset, timestamp, key, value, headers } })
  }

  #readerOf(topic: string): DriverTask | undefined {
    const task = this.#readers.get(topic)
    if (task !== undefined) return task
    for (const { pattern, task: reader } of this.#patternReaders) {
      if (pattern.test(topic) && !this.#topology.isInternalTopic(topic)) return reader
    }
    return undefined
  }

  #offset(topic: string): number {
    const offset = this.#nextOffset.get(topic) ?? 0
    this.#nextOffset.set(topic, offset + 1)
    return offset
  }

  #checkOpen(): void {
    if (this.#closed) throw new StreamsError('STREAMS_CLOSED', 'The TopologyTestDriver is closed')
  }

  #checkIdle(topic: string): void {
    if (this.#inFlight > 0) {
      throw new StreamsError('STREAMS_ILLEGAL_STATE', `Reading ${topic} while ${this.#inFlight} piped record(s) are still being processed; await pipeInput() first`)
    }
  }
}

