/**
 * The application's state directory, `<stateDir>/<applicationId>/`, with one directory per task
 * (`<subtopology>_<partition>`, Kafka Streams' layout) holding the task's persistent stores and
 * its `.checkpoint` file, and `global/` for global stores.
 *
 * Locks: a task directory is used by one task at a time. Within one `CreekStreams` instance the
 * lock is an in-memory registry shared by its threads: when a task moves between two threads of
 * the instance in a rebalance, the new owner waits (`tryLock` fails, `onRelease` wakes it) until
 * the old one has closed the task. Two instances must not share a state directory (as in Kafka
 * Streams); this is not detected across processes.
 *
 * Crash behaviour: a directory is only ever removed whole (`wipe`), before the task opens it.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { type TaskId, formatTaskId } from '../processor/api.ts'
import { CHECKPOINT_FILE_NAME } from '../state/checkpoint-file.ts'
import { parseTaskId } from './task-assignor.ts'

export class StateDirectory {
  readonly root: string
  readonly #owners = new Map<string, unknown>()
  readonly #releaseListeners = new Set<() => void>()

  constructor(stateDir: string, applicationId: string) {
    this.root = join(stateDir, applicationId)
  }

  taskDir(id: TaskId): string {
    return join(this.root, formatTaskId(id))
  }

  get globalDir(): string {
    return join(this.root, 'global')
  }

  /** Creates the directory if needed and returns it. */
  ensure(dir: string): string {
    mkdirSync(dir, { recursive: true })
    return dir
  }

  /** Takes the task's directory for `owner`; false when another owner holds it. */
  tryLock(id: TaskId, owner: unknown): boolean {
    const key = formatTaskId(id)
    const current = this.#owners.get(key)
    if (current !== undefined && current !== owner) return false
    this.#owners.set(key, owner)
    return true
  }

  unlock(id: TaskId, owner: unknown): void {
    const key = formatTaskId(id)
    if (this.#owners.get(key) !== owner) return
    this.#owners.delete(key)
    for (const listener of this.#releaseListeners) listener()
  }

  /** Called whenever a task directory is released (threads waiting for one retry). */
  onRelease(listener: () => void): () => void {
    this.#releaseListeners.add(listener)
    return () => this.#releaseListeners.delete(listener)
  }

  /** Tasks with local state worth keeping (a checkpoint file): the assignor prefers to leave them here. */
  localTasks(): TaskId[] {
    if (!existsSync(this.root)) return []
    const tasks: TaskId[] = []
    for (const name of readdirSync(this.root)) {
      if (/^\d+_\d+$/.test(name) && existsSync(join(this.root, name, CHECKPOINT_FILE_NAME))) tasks.push(parseTaskId(name))
    }
    return tasks
  }

  /** Deletes a task's local state (Kafka's wipe of a corrupted task); it is restored from its changelogs. */
  wipe(dir: string): void {
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
  }

  /** Whether a directory holds anything besides its checkpoint file. */
  hasState(dir: string): boolean {
    if (!existsSync(dir)) return false
    return readdirSync(dir).some((name) => name !== CHECKPOINT_FILE_NAME && !name.startsWith(`${CHECKPOINT_FILE_NAME}.`))
  }
}
