/**
 * `TaskPipeline`: one sub-topology compiled for one task into one RxJS pipeline.
 *
 * ```ts
 * const pipeline = TaskPipeline.create(topology, 0, runtime)   // after the task's stores are open
 * for (const record of batch) {
 *   const pending = pipeline.process(record)
 *   if (pending) await pending                                  // only when something was async
 * }
 * await stores.flush(); await pipeline.drain()                  // commit
 * ```
 *
 * Compilation (once per task, so every task has fresh operator and processor state):
 * - each source node is a multicast RxJS `Observable` (a `Subject` without its per-record
 *   costs, see source-runner.ts); its children subscribe in the order they were added;
 * - stateless nodes are RxJS operators (`streams/operators/`); a chain of them with single
 *   parents and single children is fused into one `pipe(...)` hanging off the source (or off
 *   an entry observable when the chain's parent is a processor or there are several parents),
 *   and in it each run of consecutive record operators (all but `pipe()`) into one operator
 *   whose steps call each other directly (record-operator.ts); a chain of record operators
 *   only is one observer of its upstream that feeds the chain's output endpoint itself;
 * - Processor-API nodes are `ProcessorRunner`s whose `context.forward` calls the children's
 *   entries synchronously, in order (depth-first, as Kafka Streams);
 * - sinks are `SinkRunner`s that serialize and call `runtime.send`.
 *
 * Contract of `process(input)`: deserializes with the source's serdes (or the defaults), applies
 * the timestamp extractor, pushes the record through the nodes, serializes and sends at sinks;
 * returns when the record and everything it led to is done: synchronously (no promise
 * allocated) when every step was synchronous, otherwise with a promise. A failure a handler
 * decided to fail on is thrown (or the promise rejects) as a StreamsError naming the node and
 * the record's topic, partition and offset. Records must be given one at a time (await the
 * previous one): `process` during outstanding work throws STREAMS_ILLEGAL_STATE.
 *
 * Time: `stamp(input, partitionTime)` prepares a record at the head of its partition's queue
 * (deserialized, event time extracted; null when dropped for an invalid timestamp), so that the
 * runner can pick the head with the lowest event time; `process(input, stamped)` then skips that
 * work. `process(input)` alone stamps with the task's stream time as the partition time. Stream
 * time is the largest event time processed (never decreases). `maybePunctuateStreamTime()` and
 * `maybePunctuateSystemTime()` run the processors' punctuators that are due (Kafka's rules, see
 * punctuation-queue.ts), one punctuation at a time between records, with the same completion
 * contract as `process` (void, or a promise when something went asynchronous; resolving to
 * whether anything fired).
 *
 * Records forwarded outside `process` (a cache flush calling a store's flush listener during a
 * commit) run with `recordMetadata()` null; `drain()` waits for their asynchronous work and
 * reports their failures. `close()` closes processors and completes the sources.
 */
import { Observable, type OperatorFunction, type Subscription } from 'rxjs'
import { StreamsError } from '../errors.ts'
import type { AnyRecord, OperatorContext, RecordScope } from '../operators/operator-context.ts'
import { fuseRecordSteps, type RecordStep, recordStepOf, recordStepsInto } from '../operators/record-operator.ts'
import { formatTaskId, PunctuationType, type TaskId, type TaskMetrics } from '../processor/api.ts'
import { ChainEntry, Discard, type Endpoint, FanOut } from './endpoint.ts'
import { handleFailure } from './exception-handling.ts'
import { PipelineState } from './pipeline-state.ts'
import { ProcessorRunner } from './processor-runner.ts'
import { SinkRunner } from './sink-runner.ts'
import { SourceRunner } from './source-runner.ts'
import type { StampedRecord } from './stamped-record.ts'
import type { InputRecord, TaskRuntime } from './task-runtime.ts'
import type { Topology } from './topology.ts'
import type { OperatorNode, SourceNode, TopologyNode } from './topology-node.ts'

/** `OperatorContext` of one operator node in one task. */
class NodeOperatorContext implements OperatorContext {
  readonly nodeName: string
  readonly #state: PipelineState

  constructor(nodeName: string, state: PipelineState) {
    this.nodeName = nodeName
    this.#state = state
  }

  get taskId(): TaskId {
    return this.#state.runtime.taskId
  }

  reportError(error: unknown): void {
    handleFailure(this.#state, 'processing', error, this.nodeName)
  }

  currentScope(): RecordScope | null {
    return this.#state.current as RecordScope | null
  }

  enter(scope: RecordScope | null): RecordScope | null {
    return this.#state.enter(scope)
  }

  beginAsync(): void {
    this.#state.hold()
  }

  endAsync(): void {
    this.#state.release()
  }
}

/**
 * A chain's operators as one: each run of consecutive record operators (record-operator.ts)
 * becomes one fused operator, the others (`pipe()`) stay as they are.
 */
function fuseChain(operators: readonly OperatorFunction<AnyRecord, AnyRecord>[]): OperatorFunction<AnyRecord, AnyRecord> {
  return (upstream) => {
    let piped = upstream
    let steps: RecordStep[] = []
    for (const operator of operators) {
      const step = recordStepOf(operator)
      if (step !== undefined) {
        steps.push(step)
        continue
      }
      if (steps.length > 0) piped = fuseRecordSteps(steps)(piped)
      steps = []
      piped = operator(piped)
    }
    return steps.length > 0 ? fuseRecordSteps(steps)(piped) : piped
  }
}

/** A source matched by its whole name. */
function fullMatch(pattern: RegExp): RegExp {
  return new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace(/[gy]/g, ''))
}

export class TaskPipeline {
  readonly #state: PipelineState
  readonly #topology: Topology
  /** Actual topic name (prefixed for internal topics) → source. */
  readonly #sourcesByTopic = new Map<string, SourceRunner>()
  readonly #patternSources: { readonly pattern: RegExp; readonly source: SourceRunner }[] = []
  readonly #sources: SourceRunner[] = []
  readonly #processors: ProcessorRunner[] = []
  readonly #subscriptions: Subscription[] = []
  /** The topic looked up last and its source: a task's records come in runs of one topic. */
  #lastTopic = ''
  #lastSource: SourceRunner | null = null
  #closed = false

  private constructor(topology: Topology, runtime: TaskRuntime) {
    this.#topology = topology
    this.#state = new PipelineState(runtime, formatTaskId(runtime.taskId))
  }

  /**
   * Compiles sub-topology `subtopologyId` (or a global store's sub-topology) for the task
   * `runtime` runs. The task's stores must be open: processors' `init` runs here.
   */
  static create(topology: Topology, subtopologyId: number, runtime: TaskRuntime): TaskPipeline {
    const pipeline = new TaskPipeline(topology, runtime)
    pipeline.#state.global = topology.globalStores().some((store) => store.subtopology === subtopologyId)
    pipeline.#compile(topology.subtopologyNodes(subtopologyId))
    return pipeline
  }

  /**
   * Prepares a record at the head of its partition's queue: deserializes it and extracts its
   * event time, given the partition's time; null when it is dropped (invalid timestamp, logged
   * and counted). Throws when the timestamp extractor fails (fatal for the task). `reuse`: the
   * stamp of a processed record, to reset instead of allocating (see stamped-record.ts).
   */
  stamp(input: InputRecord, partitionTime: number, reuse: StampedRecord | null = null): StampedRecord | null {
    if (this.#closed) throw new StreamsError('STREAMS_CLOSED', `Task ${this.#state.taskLabel} is closed; it cannot take ${input.topic}-${input.partition} offset ${input.offset}`)
    return this.#sourceOf(input.topic).stamp(input, partitionTime, reuse)
  }

  /** Processes one input record (stamped by `stamp`, or stamped here); see the module comment. */
  process(input: InputRecord, stamped?: StampedRecord | null): void | Promise<void> {
    const state = this.#state
    if (this.#closed) throw new StreamsError('STREAMS_CLOSED', `Task ${state.taskLabel} is closed; it cannot process ${input.topic}-${input.partition} offset ${input.offset}`)
    const source = this.#sourceOf(input.topic)
    if (stamped === undefined) {
      if (state.busy) state.beginRecord(input) // throws STREAMS_ILLEGAL_STATE before any work
      stamped = source.stamp(input, state.streamTime)
    }
    if (stamped === null) return
    state.beginRecord(input)
    source.accept(stamped)
    return state.endRecord()
  }

  /** Runs the stream-time punctuators that are due (none before the first record); see the module comment. */
  maybePunctuateStreamTime(): boolean | Promise<boolean> {
    const streamTime = this.#state.streamTime
    if (streamTime < 0 || this.#state.streamTimePunctuations.nextDue > streamTime) return false
    return this.#punctuate(PunctuationType.STREAM_TIME, streamTime)
  }

  /** Runs the wall-clock punctuators due at the runtime's `now()`. */
  maybePunctuateSystemTime(): boolean | Promise<boolean> {
    const now = this.#state.runtime.now()
    if (this.#state.wallClockPunctuations.nextDue > now) return false
    return this.#punctuate(PunctuationType.WALL_CLOCK_TIME, now)
  }

  /** When the next wall-clock punctuator is due (`Infinity`: none), for the runner's idle wait. */
  get nextWallClockPunctuation(): number {
    return this.#state.wallClockPunctuations.nextDue
  }

  #punctuate(type: PunctuationType, timestamp: number): boolean | Promise<boolean> {
    const state = this.#state
    if (this.#closed) return false
    state.beginPunctuation(type, timestamp)
    const queue = type === PunctuationType.STREAM_TIME ? state.streamTimePunctuations : state.wallClockPunctuations
    // Never throws: a punctuator's failure goes to the processing exception handler.
    const punctuated = queue.mayPunctuate(timestamp, (schedule) => schedule.node.punctuate(schedule.punctuator, timestamp))
    const done = state.endRecord()
    return done instanceof Promise ? done.then(() => punctuated) : punctuated
  }

  /** The task's metrics (`dropped-records`). */
  get metrics(): TaskMetrics {
    return this.#state.metrics
  }

  /** Waits for work started outside `process` (records forwarded by a cache flush). */
  drain(): void | Promise<void> {
    return this.#state.drain()
  }

  /** The task's stream time: the largest record timestamp processed so far (−1 before any). */
  get streamTime(): number {
    return this.#state.streamTime
  }

  /** Raises stream time to at least `time` (restored partition times); it never decreases. */
  initializeStreamTime(time: number): void {
    if (time > this.#state.streamTime) this.#state.streamTime = time
  }

  /**
   * Timestamp of the record being processed, for `StateStoreContext.recordTimestamp()` (what
   * caches and changelogs stamp writes with); the stream time outside of a record.
   */
  get recordTimestamp(): number {
    const timestamp = this.#state.recordTimestamp
    return timestamp >= 0 ? timestamp : this.#state.streamTime
  }

  /** Topics (as consumed: internal topics prefixed) this task's sources read by name. */
  get sourceTopics(): readonly string[] {
    return [...this.#sourcesByTopic.keys()]
  }

  /** Closes processors (in the order they were added) and completes the pipeline. Idempotent. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#state.streamTimePunctuations.clear()
    this.#state.wallClockPunctuations.clear()
    for (const processor of this.#processors) processor.close()
    for (const source of this.#sources) source.complete()
    for (const subscription of this.#subscriptions) subscription.unsubscribe()
  }

  #sourceOf(topic: string): SourceRunner {
    const last = this.#lastSource
    if (last !== null && topic === this.#lastTopic) return last
    const source = this.#sourcesByTopic.get(topic) ?? this.#matchPattern(topic)
    this.#lastTopic = topic
    this.#lastSource = source
    return source
  }

  #matchPattern(topic: string): SourceRunner {
    for (const { pattern, source } of this.#patternSources) {
      if (pattern.test(topic)) {
        this.#sourcesByTopic.set(topic, source)
        return source
      }
    }
    throw new StreamsError('STREAMS_ILLEGAL_STATE', `Task ${this.#state.taskLabel} has no source for topic ${topic}`)
  }

  #compile(nodes: readonly TopologyNode[]): void {
    const topology = this.#topology
    const state = this.#state
    const runtime = state.runtime
    const isInternal = (topic: string): boolean => topology.isInternalTopic(topic)
    const isGlobalStore = (name: string): boolean => topology.isGlobalStore(name)
    const node = (name: string): TopologyNode => topology.node(name) as TopologyNode
    const endpoints = new Map<string, Endpoint>()
    const endpoint = (name: string): Endpoint => endpoints.get(name) as Endpoint

    /** Operator nodes that continue their parent's chain (single parent, an operator with one child). */
    const continuesChain = (n: TopologyNode): boolean => {
      if (n.kind !== 'operator' || n.parents.length !== 1) return false
      const parent = node(n.parents[0])
      return parent.kind === 'operator' && parent.children.length === 1
    }
    const hangsOffSource = (n: TopologyNode): boolean => n.kind === 'operator' && n.parents.length === 1 && node(n.parents[0]).kind === 'source'
    const output = (children: readonly string[]): Endpoint => {
      if (children.length === 0) return new Discard(state)
      if (children.length === 1) return endpoint(children[0])
      return new FanOut(children.map(endpoint), state)
    }
    const attachChain = (head: OperatorNode, upstream: Observable<AnyRecord>): void => {
      const operators = [head.operator(new NodeOperatorContext(head.name, state))]
      let last: OperatorNode = head
      while (last.children.length === 1) {
        const next = node(last.children[0])
        if (!continuesChain(next)) break
        last = next as OperatorNode
        operators.push(last.operator(new NodeOperatorContext(last.name, state)))
      }
      const out = output(last.children)
      const steps = operators.map(recordStepOf)
      if (steps.every((step) => step !== undefined)) {
        // Only record operators: one observer of the upstream runs them all and feeds the endpoint itself.
        const entry = recordStepsInto(steps as RecordStep[], out)
        this.#subscriptions.push(upstream.subscribe({ next: entry.next, error: (error: unknown) => out.error(error), complete: () => out.complete() }))
        return
      }
      this.#subscriptions.push(fuseChain(operators)(upstream).subscribe(out))
    }

    // Children before parents: the insertion order is topological.
    for (let i = nodes.length - 1; i >= 0; i--) {
      const n = nodes[i]
      switch (n.kind) {
        case 'sink':
          endpoints.set(n.name, new SinkRunner(n, state, isInternal))
          break
        case 'processor': {
          const children = new Map(n.children.map((child) => [child, endpoint(child)] as const))
          const runner = new ProcessorRunner(n, state, children, isGlobalStore)
          this.#processors.unshift(runner)
          endpoints.set(n.name, runner)
          break
        }
        case 'operator': {
          if (continuesChain(n) || hangsOffSource(n)) break
          let entry: { next(record: AnyRecord): void } | null = null
          attachChain(n, new Observable<AnyRecord>((subscriber) => void (entry = subscriber)))
          endpoints.set(n.name, new ChainEntry(entry as unknown as { next(record: AnyRecord): void }))
          break
        }
        case 'source': {
          const source = new SourceRunner(n, state)
          this.#registerSource(n, source, runtime.applicationId)
          for (const childName of n.children) {
            const child = node(childName)
            if (hangsOffSource(child)) attachChain(child as OperatorNode, source.records)
            else this.#subscriptions.push(source.records.subscribe(endpoint(childName)))
          }
          break
        }
      }
    }
    for (const processor of this.#processors) processor.init()
  }

  #registerSource(node: SourceNode, source: SourceRunner, applicationId: string): void {
    this.#sources.push(source)
    for (const topic of node.topics) {
      this.#sourcesByTopic.set(this.#topology.isInternalTopic(topic) ? `${applicationId}-${topic}` : topic, source)
    }
    if (node.pattern !== null) this.#patternSources.push({ pattern: fullMatch(node.pattern), source })
  }
}
