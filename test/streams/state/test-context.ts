/**
 * A `StateStoreContext` for store tests: records changelog writes and restore registrations,
 * and lets a test set the record timestamp. Each context has its own resolved config, hence its
 * own record-cache budget.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TaskId } from '../../../streams/processor/api.ts'
import { resolveStreamsConfig, type StreamsConfig } from '../../../streams/runtime/config.ts'
import type { KeyValue, StateStore, StateStoreContext } from '../../../streams/state/api.ts'

export interface LoggedChange {
  readonly store: string
  readonly key: Buffer
  readonly value: Buffer | null
  readonly timestamp: number
}

export type RestoreCallback = (batch: readonly KeyValue<Buffer, Buffer | null>[]) => void | Promise<void>

export class TestStateStoreContext implements StateStoreContext {
  readonly applicationId = 'app'
  readonly taskId: TaskId = { subtopology: 0, partition: 0 }
  readonly taskDir: string
  readonly config: StreamsConfig
  readonly logged: LoggedChange[] = []
  readonly registered: { store: StateStore; restore: RestoreCallback }[] = []
  timestamp = 0

  constructor(taskDir: string, options: { cacheMaxBytes?: number } = {}) {
    this.taskDir = taskDir
    this.config = resolveStreamsConfig({ applicationId: 'app', stateDir: taskDir, ...options }, tmpdir())
  }

  logChange(storeName: string, key: Buffer, value: Buffer | null, timestamp: number): void {
    this.logged.push({ store: storeName, key, value, timestamp })
  }

  register(store: StateStore, restore: RestoreCallback): void {
    this.registered.push({ store, restore })
  }

  recordTimestamp(): number {
    return this.timestamp
  }
}

/** A temporary directory and the stores opened in it, closed and removed by `cleanup()`. */
export class StoreSandbox {
  readonly dir = mkdtempSync(join(tmpdir(), 'creek-state-'))
  readonly #stores: StateStore[] = []

  track<S extends StateStore>(store: S): S {
    this.#stores.push(store)
    return store
  }

  async cleanup(): Promise<void> {
    for (const store of this.#stores.splice(0)) await store.close().catch(() => undefined)
    rmSync(this.dir, { recursive: true, force: true })
  }
}

export const b = (...bytes: number[]): Buffer => Buffer.from(bytes)
export const s = (text: string): Buffer => Buffer.from(text, 'utf8')
export const hex = (buffer: Buffer): string => buffer.toString('hex')
export const entriesHex = (entries: Iterable<KeyValue<Buffer, Buffer>>): [string, string][] =>
  [...entries].map((entry) => [hex(entry.key), hex(entry.value)])
