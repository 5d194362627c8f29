/**
 * What source and sink task runners share (Kafka Connect's `WorkerTask`): the task's state
 * machine, the pause gate, and the lifecycle `run → (pause ⇄ resume) → stop | fail`.
 *
 * Contracts:
 * - `start()` runs `execute()` in the background; the task is UNASSIGNED until `execute` says
 *   it is started (`started()`), then RUNNING (or PAUSED when created paused).
 * - An error escaping `execute` moves the task to FAILED with its trace and runs `cleanup`
 *   (without committing anything not yet committed); only a restart (a new runner) leaves FAILED.
 * - `stop()` asks `execute` to end (`stopping`, `signal`), waits for it (at most
 *   `shutdownTimeoutMs`, after which the task is abandoned with a warning), then `cleanup`.
 * - `kill()` drops everything without committing or flushing, as a crashed process would (tests).
 */
import type { Logger } from '../../core/index.ts'
import type { ErrorContext, Skipped, Stage, ToleranceOperator } from './error-handler.ts'
import { StateMachine, TASK_TRANSITIONS, type TaskState } from './states.ts'

export interface TaskStatus {
  readonly id: number
  readonly state: TaskState
  readonly worker_id: string
  readonly trace?: string
}

export interface TaskMetrics {
  readonly id: number
  /** Records produced (sources) or put (sinks). */
  readonly records: number
  /** Records skipped under errors.tolerance=all. */
  readonly skipped: number
}

export const TASK_SHUTDOWN_TIMEOUT_MS = 5000

export abstract class WorkerTask {
  readonly connector: string
  readonly id: number
  readonly workerId: string
  protected readonly logger: Logger
  protected readonly machine: StateMachine<TaskState>
  readonly #abort = new AbortController()
  #paused: boolean
  #resumed: (() => void) | null = null
  #resumedPromise: Promise<void> | null = null
  #run: Promise<void> | null = null
  #stopping = false
  #killed = false
  #cleanup: Promise<void> | null = null

  constructor(connector: string, id: number, workerId: string, logger: Logger, paused: boolean) {
    this.connector = connector
    this.id = id
    this.workerId = workerId
    this.logger = logger
    this.#paused = paused
    this.machine = new StateMachine<TaskState>(`Task ${connector}-${id}`, TASK_TRANSITIONS, 'UNASSIGNED')
  }

  get state(): TaskState {
    return this.machine.state
  }

  status(): TaskStatus {
    const trace = this.machine.trace
    return { id: this.id, state: this.machine.state, worker_id: this.workerId, ...(trace === null ? {} : { trace }) }
  }

  abstract metrics(): TaskMetrics

  protected get stopping(): boolean {
    return this.#stopping
  }

  protected get killed(): boolean {
    return this.#killed
  }

  /** Aborted when the task stops, fails or is killed: pass it to sleeps and waits. */
  protected get signal(): AbortSignal {
    return this.#abort.signal
  }

  protected get paused(): boolean {
    return this.#paused
  }

  start(): void {
    this.#run ??= this.#execute()
  }

  async #execute(): Promise<void> {
    try {
      await this.execute()
    } catch (error) {
      if (this.#killed) return
      this.fail(error)
    }
  }

  /** Moves to FAILED (once) and cleans up. */
  protected fail(error: unknown): void {
    if (this.machine.state === 'FAILED' || this.#killed) return
    this.logger.error(`Task ${this.connector}-${this.id} failed; it stays FAILED until restarted`, { cause: String(error) })
    this.machine.transitionTo('FAILED', error)
    this.#abort.abort()
    this.#wakeResumeWaiters()
    void this.#cleanupOnce(true).catch((cause: unknown) => this.logger.warn(`Cleanup of failed task ${this.connector}-${this.id} failed`, { cause: String(cause) }))
  }

  /** Called by `execute` once the task was started. */
  protected started(): void {
    if (this.machine.state === 'UNASSIGNED') this.machine.transitionTo(this.#paused ? 'PAUSED' : 'RUNNING')
  }

  /** Resolves when the task is not paused (at once if it is not), or when it stops. */
  protected waitWhilePaused(): Promise<void> {
    if (!this.#paused || this.#stopping || this.signal.aborted) return Promise.resolve()
    this.#resumedPromise ??= new Promise((resolve) => (this.#resumed = resolve))
    return this.#resumedPromise
  }

  #wakeResumeWaiters(): void {
    this.#resumed?.()
    this.#resumed = null
    this.#resumedPromise = null
  }

  pause(): void {
    this.#paused = true
    if (this.machine.state === 'RUNNING') this.machine.transitionTo('PAUSED')
    this.onPause()
  }

  resume(): void {
    this.#paused = false
    if (this.machine.state === 'PAUSED') this.machine.transitionTo('RUNNING')
    this.#wakeResumeWaiters()
    this.onResume()
  }

  /** Ends the task cleanly: `execute` returns, offsets are flushed or committed, resources released. */
  async stop(timeoutMs = TASK_SHUTDOWN_TIMEOUT_MS): Promise<void> {
    if (this.#stopping) return this.#run ?? undefined
    this.#stopping = true
    this.#wakeResumeWaiters()
    await this.requestStop()
    const run = this.#run ?? Promise.resolve()
    let timer: NodeJS.Timeout | undefined
    const timedOut = await Promise.race([
      run.then(() => false),
      new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(true), timeoutMs) }),
    ])
    clearTimeout(timer)
    if (timedOut) this.logger.warn(`Task ${this.connector}-${this.id} did not stop within ${timeoutMs} ms; it is abandoned`)
    this.#abort.abort()
    await this.#cleanupOnce(this.machine.state === 'FAILED')
  }

  #cleanupOnce(failed: boolean): Promise<void> {
    this.#cleanup ??= this.cleanup(failed)
    return this.#cleanup
  }

  /** Drops the task without flushing or committing (a crash, for tests). */
  kill(): void {
    this.#killed = true
    this.#stopping = true
    this.#abort.abort()
    this.#wakeResumeWaiters()
    this.onKill()
  }

  /** The task's work, until `stopping` (or an error). */
  protected abstract execute(): Promise<void>
  /** Interrupts blocking work of `execute` (a source's `poll`, a sink's consumer). */
  protected abstract requestStop(): Promise<void>
  /** Final flush or commit (unless `failed`) and release of clients; called once. */
  protected abstract cleanup(failed: boolean): Promise<void>
  protected onPause(): void {}
  protected onResume(): void {}
  protected abstract onKill(): void
}

/** True for promises and other thenables (what `await` would wait for). */
export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
}

/**
 * Runs one record stage (a conversion, the transform chain) under `errors`, without the
 * tolerance operator's asynchronous cost while the stage succeeds synchronously (the common
 * case, once per stage per record): the operation runs at once and its value is returned as it
 * is. Only when it throws or returns a promise does `errors.execute` take over, with that outcome
 * as its first attempt (so retries, tolerance and reporting are exactly those of `execute`); the
 * result is then a promise to await.
 */
export function runStage<T>(
  errors: ToleranceOperator,
  stage: Stage,
  className: string,
  operation: () => T | Promise<T>,
  record: Pick<ErrorContext, 'consumed' | 'sourceRecord'>,
): T | Promise<T | Skipped> {
  let first: T | Promise<T>
  try {
    first = operation()
  } catch (error) {
    let attempted = false
    return errors.execute(stage, className, () => {
      if (attempted) return operation()
      attempted = true
      throw error
    }, record)
  }
  if (!isThenable(first)) return first
  let attempted = false
  return errors.execute(stage, className, () => {
    if (attempted) return operation()
    attempted = true
    return first
  }, record)
}
