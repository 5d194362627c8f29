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
 * Time, as Kafka's driver: each task buffers its input per topic (a `PartitionGroup` over
 * partition 0 of its source topics) and processes the head with the lowest event time (after
 * the timestamp extractor); every partition counts as caught up, so with `maxTaskIdleMs` 0 (the
 * default) or −1 a piped record is processed at once, and with more a task reading several
 * topics waits while one of them is empty until the mocked wall clock passes the deadline
 * (`advanceWallClockTime`) or records arrive there. After each record, stream-time
 * punctuators that are due run, then the task commits. `advanceWallClockTime(ms)` moves the
 * mocked wall clock (`initialWallClockTimeMs`, default now), runs the wall-clock punctuators
 * that are due, commits, and processes what became processable.
 *
 * Differences from Kafka's driver, because Creek's stores open and flush asynchronously: input
 * methods and `advanceWallClockTime` return promises (await them; calls also queue up in order
 * when not awaited), and reading an output topic while piped input is in flight throws
 * STREAMS_ILLEGAL_STATE. No changelog restoration: each driver starts with empty stores.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Logger, type RecordHeader, silentLogger } from '../../core/index.ts'
import type { Serde } from '../../serdes/index.ts'
import { TimestampedKeyValueStoreFacade } from '../dsl/timestamped-store-facade.ts'
import type { ValueAndTimestamp } from '../dsl/value-and-timestamp.ts'
import { TimestampedWindowStoreFacade } from '../dsl/windows/timestamped-window-store-facade.ts'
import type { SessionStore, WindowStore } from '../state/window-api.ts'
import { StreamsError } from '../errors.ts'
import { formatTaskId, type TaskId } from '../processor/api.ts'
import { resolveStreamsConfig, type StreamsConfig, type StreamsOptions } from '../runtime/config.ts'
import { PartitionGroup } from '../runtime/partition-group.ts'
import { type StreamsMetric, taskMetrics } from '../runtime/streams-metrics.ts'
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
  /** The input buffer of a (non-global) task; global tasks process records as they come. */
  readonly group: PartitionGroup | null
  readonly #driver: DriverInternals

  constructor(
    driver: DriverInternals,
    subtopology: number,
    global: boolean,
    stores: readonly StoreInfo[] | readonly { name: string; builder: StoreInfo['builder'] }[],
    inputTopics: readonly string[] = [],
  ) {
    this.#driver = driver
    this.applicationId = driver.config.applicationId
    this.taskId = { subtopology, partition: 0 }
    this.global = global
    this.config = driver.config
    this.logger = driver.logger
    this.taskDir = join(driver.config.stateDir, this.applicationId, global ? 'global' : formatTaskId(this.taskId))
    for (const info of stores) this.stores.set(info.name, info.builder.build())
    this.group = global
      ? null
      : new PartitionGroup(inputTopics.map((topic) => ({ topic, partition: 0 })), {
        maxTaskIdleMs: driver.config.maxTaskIdleMs,
        stamper: (input, partitionTime) => (this.pipeline as TaskPipeline).stamp(input, partitionTime),
      })
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
  /**
   * Records waiting to be processed, in the order they were written: a global task's records,
   * or the task whose input buffer got a record (`input` null: the buffer decides which is next).
   */
  readonly #pending: { task: DriverTask; input: InputRecord | null }[] = []
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
      const inputs = [...info.sourceTopics, ...info.repartitionSourceTopics.map((topic) => `${appId}-${topic}`)]
      const task = new DriverTask(internals, info.id, false, stores.filter((store) => store.subtopology === info.id), inputs)
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

  /** A window store by name; for the DSL's windowed KTable stores, values without their timestamps. */
  getWindowStore<K, V>(name: string): WindowStore<K, V> {
    const store = this.getStateStore(name) as Partial<WindowStore<K, unknown>>
    if (typeof store.fetchRange !== 'function') throw new StreamsError('STREAMS_INVALID_STATE_STORE', `State store ${name} is not a window store`)
    if (this.#topology.isTimestampedStore(name)) return new TimestampedWindowStoreFacade(store as WindowStore<K, ValueAndTimestamp<V>>)
    return store as WindowStore<K, V>
  }

  /** A DSL windowed KTable store, values with their timestamps. */
  getTimestampedWindowStore<K, V>(name: string): WindowStore<K, ValueAndTimestamp<V>> {
    const store = this.getWindowStore<K, V>(name)
    if (this.#topology.isTimestampedStore(name) !== true) {
      throw new StreamsError('STREAMS_INVALID_STATE_STORE', `State store ${name} does not hold ValueAndTimestamp values; use getWindowStore`)
    }
    return this.getStateStore(name) as unknown as WindowStore<K, ValueAndTimestamp<V>>
  }

  /** A session store by name. */
  getSessionStore<K, AGG>(name: string): SessionStore<K, AGG> {
    const store = this.getStateStore(name) as Partial<SessionStore<K, AGG>>
    if (typeof store.findSessions !== 'function') throw new StreamsError('STREAMS_INVALID_STATE_STORE', `State store ${name} is not a session store`)
    return store as SessionStore<K, AGG>
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

  /**
   * Moves the mocked wall-clock time forward (at once), then, in order with piped input, runs
   * the wall-clock punctuators that are due, commits, and processes records that waited for
   * `max.task.idle.ms`. Await it before reading outputs.
   */
  advanceWallClockTime(ms: number): Promise<void> {
    this.#checkOpen()
    if (!Number.isFinite(ms) || ms < 0) throw new StreamsError('STREAMS_INVALID_CONFIG', `advanceWallClockTime needs a duration >= 0, got ${String(ms)}`)
    this.#wallClock += ms
    this.#inFlight++
    const run = this.#work.then(async () => {
      try {
        await this.#ready
        for (const task of this.#tasks) {
          const punctuated = (task.pipeline as TaskPipeline).maybePunctuateSystemTime()
          if (punctuated instanceof Promise) await punctuated
          await this.#commit(task)
        }
        await this.#processPending()
      } finally {
        this.#inFlight--
      }
    })
    this.#work = run.catch(() => undefined)
    return run
  }

  /** The mocked wall-clock time. */
  get wallClockTimeMs(): number {
    return this.#wallClock
  }

  /**
   * The tasks' metrics (Kafka's names: `dropped-records-total`, `enforced-processing-total`
   * in group `stream-task-metrics`, tagged with `thread-id` and `task-id`).
   */
  metrics(): StreamsMetric[] {
    return this.#tasks.flatMap((task) =>
      taskMetrics('topology-test-driver', formatTaskId(task.taskId), task.pipeline?.metrics.droppedRecords ?? 0, task.group?.enforcedProcessing ?? 0))
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
        this.#enqueue(task, { topic, partition: 0, offset: this.#offset(topic), key: raw.key, value: raw.value, headerList: raw.headers, timestamp: raw.timestamp })
        await this.#processPending()
      } finally {
        this.#inFlight--
      }
    })
    this.#work = run.catch(() => undefined)
    return run
  }

  #enqueue(task: DriverTask, input: InputRecord): void {
    const group = task.group
    if (group === null) {
      this.#pending.push({ task, input })
      return
    }
    const tp = { topic: input.topic, partition: 0 }
    group.addPartition(tp)
    group.add(tp, [input])
    this.#pending.push({ task, input: null })
  }

  /**
   * Processes records in the order they were written (each task taking the head with the
   * lowest timestamp of its buffer), then whatever else became processable, until nothing is.
   */
  async #processPending(): Promise<void> {
    try {
      for (;;) {
        const entry = this.#pending.shift()
        if (entry !== undefined) {
          if (entry.input !== null) {
            const done = (entry.task.pipeline as TaskPipeline).process(entry.input)
            if (done) await done
            await this.#commit(entry.task)
          } else await this.#processOne(entry.task)
          continue
        }
        let progressed = false
        for (const task of this.#tasks) {
          if (await this.#processOne(task)) {
            progressed = true
            break
          }
        }
        if (!progressed) return
      }
    } catch (error) {
      this.#pending.length = 0
      for (const task of this.#tasks) task.group?.clear()
      throw error
    }
  }

  /** Processes the next record of a task's buffer if it may (`max.task.idle.ms`); false when it did not. */
  async #processOne(task: DriverTask): Promise<boolean> {
    const group = task.group as PartitionGroup
    if (group.buffered === 0 || !group.readyToProcess(this.#wallClock)) return false
    const stamped = group.nextStamped()
    if (stamped === null) return true
    const pipeline = task.pipeline as TaskPipeline
    const done = pipeline.process(stamped.input, stamped)
    if (done) await done
    group.markProcessed(stamped.input.offset)
    const punctuated = pipeline.maybePunctuateStreamTime()
    if (punctuated instanceof Promise) await punctuated
    await this.#commit(task)
    return true
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
    if (task !== undefined) this.#enqueue(task, { topic, partition: 0, offset, timestamp, key, value, headerList: headers })
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

