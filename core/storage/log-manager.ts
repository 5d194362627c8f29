/**
 * Owns a data directory: one partition log per `<dataDir>/<topic>-<partition>/`, the topics'
 * metadata and config overrides, and the background work (time-based flush, retention).
 *
 * Layout:
 * - `<dataDir>/.lock`: held while open (see DataDirLock); a second process gets a clear error.
 * - `<dataDir>/meta/topics/<topic>.json`: `{ name, topicId, partitions, configs, internal }`,
 *   written atomically (staged as `.staged`, fsync, rename, fsync directory). The topic's
 *   config overrides apply on top of the manager's defaults.
 * - `<dataDir>/<topic>-<partition>/`: a PartitionLog.
 * - `<dataDir>/<topic>-<partition>.<id>-delete/`: a deleted partition being removed (the topic
 *   part shortened so that the name fits in 255 bytes).
 *
 * Crash behaviour: metadata is written before partition directories are created, and removed
 * before they are; a partition directory without metadata (a crash in between, or an older
 * layout) is adopted with default configs rather than deleted, so acknowledged data is never
 * dropped by a restart; a directory whose name is not `<legal topic>-<n>` is left alone.
 * Directories marked `-delete` are finished off at open.
 *
 * Concurrency: one LogManager per data directory per machine (the lock), used from one thread.
 */
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { CoreError } from '../errors.ts'
import { type Logger, silentLogger } from '../logger.ts'
import { fsyncDirectorySync, writeFileAtomicSync } from './atomic-file.ts'
import { DataDirLock } from './data-dir-lock.ts'
import { LogCleaner, isCleanable } from './log-cleaner.ts'
import { type LogConfig, resolveLogConfig, validateLogConfigOverrides } from './log-config.ts'
import { PartitionLog } from './partition-log.ts'
import { validateTopicName } from './topic-name.ts'

export interface TopicMetadata {
  readonly name: string
  /** Kafka topic id: a UUID string. */
  readonly topicId: string
  readonly partitions: number
  /** Config overrides as strings, Kafka style (`retention.ms` → `"3600000"`). */
  readonly configs: Readonly<Record<string, string>>
  readonly internal: boolean
}

export interface LogManagerOptions {
  readonly dataDir: string
  /** Broker-level defaults for topic configs, by topic config key (`segment.bytes`…). */
  readonly defaults?: Record<string, unknown>
  readonly clock?: () => number
  readonly logger?: Logger
  /** How often to check `flush.ms` (Kafka's log.flush.scheduler.interval.ms); default 1000. */
  readonly flushCheckIntervalMs?: number
  /** How often to apply retention (log.retention.check.interval.ms); default 300000. */
  readonly retentionCheckIntervalMs?: number
  /** How often to look for logs to compact (log.cleaner.backoff.ms); default 15000. */
  readonly cleanerBackoffMs?: number
  /** Run the flush, retention and cleaner timers (default true). Tests drive them by hand. */
  readonly background?: boolean
}

export interface CreateTopicOptions {
  readonly partitions: number
  readonly configs?: Record<string, unknown>
  readonly topicId?: string
  readonly internal?: boolean
}

const META_DIR = join('meta', 'topics')
/** Where topic metadata is written before it is renamed to `<topic>.json` (ignored by `#load`). */
const STAGED_META_FILE = '.staged'
/** Longest file name most file systems accept, in bytes (topic names are ASCII). */
const MAX_FILE_NAME_LENGTH = 255

export class LogManager {
  readonly dataDir: string
  readonly #lock: DataDirLock
  readonly #defaults: LogConfig
  readonly #clock: () => number
  readonly #logger: Logger
  readonly #topics = new Map<string, TopicMetadata>()
  readonly #logs = new Map<string, PartitionLog[]>()
  readonly #timers: NodeJS.Timeout[] = []
  readonly #cleaner: LogCleaner
  #cleaning: Promise<number> | undefined
  #closed = false

  private constructor(options: LogManagerOptions, lock: DataDirLock, defaults: LogConfig) {
    this.dataDir = options.dataDir
    this.#lock = lock
    this.#defaults = defaults
    this.#clock = options.clock ?? Date.now
    this.#logger = options.logger ?? silentLogger
    this.#cleaner = new LogCleaner({ clock: this.#clock, logger: this.#logger })
  }

  /** Locks and opens `dataDir` (created if missing), recovering every partition log in it. */
  static async open(options: LogManagerOptions): Promise<LogManager> {
    const defaults = resolveLogConfig(options.defaults ?? {})
    try {
      mkdirSync(join(options.dataDir, META_DIR), { recursive: true })
    } catch (cause) {
      throw new CoreError('CORE_STORAGE_IO', `Cannot create data directory ${options.dataDir}`, { cause })
    }
    const lock = DataDirLock.acquire(options.dataDir)
    const manager = new LogManager(options, lock, defaults)
    try {
      await manager.#load()
    } catch (error) {
      await manager.#closeLogs(false)
      lock.release()
      throw error
    }
    if (options.background !== false) manager.#startTimers(options)
    return manager
  }

  async #load(): Promise<void> {
    const metaDir = join(this.dataDir, META_DIR)
    for (const file of readdirSync(metaDir)) {
      if (!file.endsWith('.json')) continue
      const path = join(metaDir, file)
      let meta: TopicMetadata
      try {
        meta = parseMetadata(JSON.parse(readFileSync(path, 'utf8')))
      } catch (cause) {
        throw new CoreError('CORE_STORAGE_IO', `Topic metadata ${path} is damaged; fix or remove it`, { cause })
      }
      this.#topics.set(meta.name, meta)
    }
    // Partition directories: finish deletions, adopt orphans.
    const orphans = new Map<string, number>()
    for (const entry of readdirSync(this.dataDir)) {
      if (entry.endsWith('-delete')) {
        rmSync(join(this.dataDir, entry), { recursive: true, force: true })
        continue
      }
      const match = /^(.+)-(\d+)$/.exec(entry)
      if (!match || !statSync(join(this.dataDir, entry)).isDirectory()) continue
      const [, topic, partition] = match
      if (!isLegalTopicName(topic)) {
        this.#logger.warn(`Ignoring directory ${entry} in ${this.dataDir}: '${topic}' is not a legal topic name`)
        continue
      }
      const known = this.#topics.get(topic)
      if (!known || Number(partition) >= known.partitions) {
        orphans.set(topic, Math.max(orphans.get(topic) ?? 0, Number(partition) + 1, known?.partitions ?? 0))
      }
    }
    for (const [topic, partitions] of orphans) {
      const known = this.#topics.get(topic)
      this.#logger.warn(`Adopting partition directories of ${topic} that had no metadata (${partitions} partitions)`, { topic })
      this.#writeMetadata({
        name: topic,
        topicId: known?.topicId ?? randomUUID(),
        partitions,
        configs: known?.configs ?? {},
        internal: known?.internal ?? topic.startsWith('__'),
      })
    }
    for (const meta of this.#topics.values()) {
      const logs: PartitionLog[] = []
      this.#logs.set(meta.name, logs)
      for (let p = 0; p < meta.partitions; p++) logs.push(await this.#openLog(meta, p))
    }
  }

  #openLog(meta: TopicMetadata, partition: number): Promise<PartitionLog> {
    return PartitionLog.open(join(this.dataDir, `${meta.name}-${partition}`), {
      config: this.logConfig(meta.name),
      clock: this.#clock,
      logger: this.#logger,
      name: `${meta.name}-${partition}`,
    })
  }

  /**
   * Staged under a short fixed name, then renamed into place: the atomic writer's own temp file,
   * `<topic>.json.tmp`, would pass the 255-byte file name limit for topic names near 249 characters.
   */
  #writeMetadata(meta: TopicMetadata): void {
    const dir = join(this.dataDir, META_DIR)
    const staged = join(dir, STAGED_META_FILE)
    const path = join(dir, `${meta.name}.json`)
    writeFileAtomicSync(staged, JSON.stringify(meta, null, 2))
    try {
      renameSync(staged, path)
    } catch (cause) {
      throw new CoreError('CORE_STORAGE_IO', `Cannot rename ${staged} to ${path}: ${(cause as Error).message}`, { cause })
    }
    fsyncDirectorySync(dir)
    this.#topics.set(meta.name, meta)
  }

  /** The default topic configuration (broker level). */
  get defaults(): LogConfig {
    return this.#defaults
  }

  /** Effective config of a topic: its overrides on top of the defaults. */
  logConfig(topic: string): LogConfig {
    const meta = this.#requireTopic(topic)
    return resolveLogConfig(meta.configs, this.#defaults)
  }

  topic(name: string): TopicMetadata | undefined {
    return this.#topics.get(name)
  }

  topics(): TopicMetadata[] {
    return [...this.#topics.values()].sort((a, b) => a.name.localeCompare(b.name))
  }

  /** The log of a partition, or undefined if the topic or partition does not exist. */
  log(topic: string, partition: number): PartitionLog | undefined {
    return this.#logs.get(topic)?.[partition]
  }

  /** Every open log, with its topic and partition. */
  *allLogs(): Generator<{ topic: string; partition: number; log: PartitionLog }> {
    for (const [topic, logs] of this.#logs) {
      for (let partition = 0; partition < logs.length; partition++) yield { topic, partition, log: logs[partition] }
    }
  }

  async createTopic(name: string, options: CreateTopicOptions): Promise<TopicMetadata> {
    this.#ensureOpen()
    validateTopicName(name)
    if (this.#topics.has(name)) throw new CoreError('CORE_TOPIC_ALREADY_EXISTS', `Topic '${name}' already exists`)
    validatePartitionCount(options.partitions, name)
    const configs = validateLogConfigOverrides(options.configs ?? {}, this.#defaults)
    const meta: TopicMetadata = {
      name,
      topicId: options.topicId ?? randomUUID(),
      partitions: options.partitions,
      configs,
      internal: options.internal ?? false,
    }
    this.#writeMetadata(meta)
    const logs: PartitionLog[] = []
    this.#logs.set(name, logs)
    for (let p = 0; p < meta.partitions; p++) logs.push(await this.#openLog(meta, p))
    fsyncDirectorySync(this.dataDir)
    return meta
  }

  /** Grows a topic to `total` partitions (partitions never shrink, as in Kafka). */
  async addPartitions(name: string, total: number): Promise<TopicMetadata> {
    this.#ensureOpen()
    const meta = this.#requireTopic(name)
    validatePartitionCount(total, name)
    if (total <= meta.partitions) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `Topic '${name}' has ${meta.partitions} partitions; the new count ${total} must be larger`)
    }
    const updated = { ...meta, partitions: total }
    this.#writeMetadata(updated)
    const logs = this.#logs.get(name)!
    for (let p = meta.partitions; p < total; p++) logs.push(await this.#openLog(updated, p))
    fsyncDirectorySync(this.dataDir)
    return updated
  }

  /** Replaces a topic's config overrides (Kafka's AlterConfigs semantics: unlisted keys revert). */
  alterTopicConfig(name: string, configs: Record<string, unknown>): TopicMetadata {
    this.#ensureOpen()
    const meta = this.#requireTopic(name)
    const normalized = validateLogConfigOverrides(configs, this.#defaults)
    const updated = { ...meta, configs: normalized }
    this.#writeMetadata(updated)
    const config = this.logConfig(name)
    for (const log of this.#logs.get(name) ?? []) log.updateConfig(config)
    return updated
  }

  /** Deletes a topic: metadata first, then its partition directories. */
  async deleteTopic(name: string): Promise<void> {
    this.#ensureOpen()
    this.#requireTopic(name)
    const logs = this.#logs.get(name) ?? []
    this.#logs.delete(name)
    this.#topics.delete(name)
    const metaPath = join(this.dataDir, META_DIR, `${name}.json`)
    if (existsSync(metaPath)) unlinkSync(metaPath)
    fsyncDirectorySync(join(this.dataDir, META_DIR))
    const doomed: string[] = []
    for (let partition = 0; partition < logs.length; partition++) {
      const log = logs[partition]
      log.abandon()
      // As Kafka does, shorten the topic part so that the name fits the file name limit.
      const suffix = `-${partition}.${randomUUID().replaceAll('-', '')}-delete`
      const target = join(this.dataDir, name.slice(0, MAX_FILE_NAME_LENGTH - suffix.length) + suffix)
      renameSync(log.dir, target)
      doomed.push(target)
    }
    fsyncDirectorySync(this.dataDir)
    await Promise.all(doomed.map((dir) => rm(dir, { recursive: true, force: true })))
  }

  /** Applies retention to every log; returns the number of segments deleted. */
  runRetention(now = this.#clock()): number {
    let deleted = 0
    for (const { log } of this.allLogs()) {
      try {
        deleted += log.deleteRetainedSegments(now)
      } catch (error) {
        this.#logger.error(`Retention failed for ${log.name}`, { cause: String(error) })
      }
    }
    return deleted
  }

  /**
   * Compacts every log whose policy includes compact and whose dirty ratio has reached
   * `min.cleanable.dirty.ratio`, one log at a time. Returns the number of logs cleaned.
   */
  runCleaner(): Promise<number> {
    this.#cleaning ??= this.#cleanAll().finally(() => {
      this.#cleaning = undefined
    })
    return this.#cleaning
  }

  async #cleanAll(): Promise<number> {
    let cleaned = 0
    for (const { log } of [...this.allLogs()]) {
      if (this.#closed || log.isClosed || !isCleanable(log)) continue
      try {
        const result = await this.#cleaner.clean(log)
        if (result?.completed) cleaned++
      } catch (error) {
        this.#logger.error(`Compaction of ${log.name} failed; the log is unchanged`, { cause: String(error) })
      }
    }
    return cleaned
  }

  /** Flushes every log whose `flush.ms` has passed. */
  async runScheduledFlushes(now = this.#clock()): Promise<void> {
    const pending: Promise<void>[] = []
    for (const { log } of this.allLogs()) {
      const flush = log.flushIfDue(now)
      if (flush) pending.push(flush)
    }
    await Promise.allSettled(pending)
  }

  /** Flushes every log. */
  async flushAll(): Promise<void> {
    await Promise.all([...this.allLogs()].map(({ log }) => log.flush()))
  }

  #startTimers(options: LogManagerOptions): void {
    const every = (ms: number, task: () => unknown): void => {
      const timer = setInterval(() => {
        try {
          const result = task()
          if (result instanceof Promise) result.catch((error) => this.#logger.error('Background task failed', { cause: String(error) }))
        } catch (error) {
          this.#logger.error('Background task failed', { cause: String(error) })
        }
      }, ms)
      timer.unref()
      this.#timers.push(timer)
    }
    every(options.flushCheckIntervalMs ?? 1000, () => this.runScheduledFlushes())
    every(options.retentionCheckIntervalMs ?? 300_000, () => this.runRetention())
    every(options.cleanerBackoffMs ?? 15_000, () => this.runCleaner())
  }

  /** Flushes and closes every log (marking clean shutdowns) and releases the directory lock. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const timer of this.#timers) clearInterval(timer)
    if (this.#cleaning) await this.#cleaning.catch(() => undefined)
    try {
      await this.#closeLogs(true)
    } finally {
      this.#lock.release()
    }
  }

  async #closeLogs(clean: boolean): Promise<void> {
    const logs = [...this.allLogs()].map(({ log }) => log)
    if (clean) await Promise.all(logs.map((log) => log.close()))
    else for (const log of logs) if (!log.isClosed) log.abandon()
  }

  #requireTopic(name: string): TopicMetadata {
    const meta = this.#topics.get(name)
    if (!meta) throw new CoreError('CORE_UNKNOWN_TOPIC_OR_PARTITION', `Topic '${name}' does not exist`)
    return meta
  }

  #ensureOpen(): void {
    if (this.#closed) throw new CoreError('CORE_CLOSED', `Log manager of ${this.dataDir} is closed`)
  }
}

/** Most partitions one topic may have (a sanity bound: each partition is a directory and open files). */
export const MAX_PARTITIONS_PER_TOPIC = 100_000

function validatePartitionCount(partitions: number, topic: string): void {
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS_PER_TOPIC) {
    throw new CoreError('CORE_INVALID_ARGUMENT', `Partition count for '${topic}' must be an integer from 1 to ${MAX_PARTITIONS_PER_TOPIC}, got ${partitions}`)
  }
}

function isLegalTopicName(name: string): boolean {
  try {
    validateTopicName(name)
    return true
  } catch {
    return false
  }
}

function parseMetadata(raw: unknown): TopicMetadata {
  const value = raw as Partial<TopicMetadata>
  if (typeof value.name !== 'string' || typeof value.topicId !== 'string' || !Number.isInteger(value.partitions)) {
    throw new Error('missing name, topicId or partitions')
  }
  validateTopicName(value.name)
  return {
    name: value.name,
    topicId: value.topicId,
    partitions: value.partitions!,
    configs: { ...(value.configs ?? {}) },
    internal: value.internal === true,
  }
}
