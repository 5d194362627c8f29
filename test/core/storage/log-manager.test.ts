import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CoreError, type CoreErrorCode } from '../../../core/errors.ts'
import { decodeRecordBatches } from '../../../core/protocol/record-batch.ts'
import { LogManager, type LogManagerOptions } from '../../../core/storage/log-manager.ts'
import { PartitionLog } from '../../../core/storage/partition-log.ts'
import { batchOfCount } from '../../helpers/batches.ts'
import { bundleForChild } from '../../helpers/bundle.ts'
import { tempDir } from '../../helpers/temp-dir.ts'

const T0 = 1_700_000_000_000
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** Managers opened by a test; closed after it (idempotent) so a failed test leaks no lock. */
const opened: LogManager[] = []
afterEach(async () => {
  for (const manager of opened.splice(0)) await manager.close()
})

async function openManager(dataDir: string, options: Partial<LogManagerOptions> = {}): Promise<LogManager> {
  const manager = await LogManager.open({ dataDir, background: false, ...options })
  opened.push(manager)
  return manager
}

/** Every record value of a log, in offset order (verifies CRCs). */
async function valuesOf(log: PartitionLog): Promise<string[]> {
  const out: string[] = []
  let offset = log.logStartOffset
  while (offset < log.logEndOffset) {
    const batches = await decodeRecordBatches(log.read(offset, 1 << 20).records)
    expect(batches.length).toBeGreaterThan(0)
    for (const batch of batches) {
      for (const record of batch.records) if (record.offset >= offset) out.push(record.value?.toString() ?? '')
      offset = batch.lastOffset + 1
    }
  }
  return out
}

async function expectCode(action: () => unknown, code: CoreErrorCode): Promise<CoreError> {
  try {
    await action()
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError)
    expect((error as CoreError).code).toBe(code)
    return error as CoreError
  }
  throw new Error(`expected ${code}`)
}

function metaPath(dataDir: string, topic: string): string {
  return join(dataDir, 'meta', 'topics', `${topic}.json`)
}

/** Names in the data directory other than the lock and the metadata directory. */
function partitionDirs(dataDir: string): string[] {
  return readdirSync(dataDir)
    .filter((name) => name !== '.lock' && name !== 'meta')
    .sort()
}

function requireLog(manager: LogManager, topic: string, partition: number): PartitionLog {
  const log = manager.log(topic, partition)
  if (!log) throw new Error(`no log ${topic}-${partition}`)
  return log
}

describe('LogManager topics', () => {
  it('creates partition directories and metadata, and reopens with the same topics, ids, configs, data and offsets', async () => {
    const dataDir = tempDir()
    const manager = await openManager(dataDir)
    const orders = await manager.createTopic('orders', { partitions: 3, configs: { 'retention.ms': 3_600_000, 'segment.bytes': '2000' } })
    const events = await manager.createTopic('events', { partitions: 1 })

    expect(partitionDirs(dataDir)).toEqual(['events-0', 'orders-0', 'orders-1', 'orders-2'])
    const onDisk = JSON.parse(readFileSync(metaPath(dataDir, 'orders'), 'utf8'))
    expect(onDisk).toEqual({ name: 'orders', topicId: orders.topicId, partitions: 3, configs: { 'retention.ms': '3600000', 'segment.bytes': '2000' }, internal: false })
    expect(orders.topicId).toMatch(UUID)
    expect(events.topicId).toMatch(UUID)
    expect(events.topicId).not.toBe(orders.topicId)

    for (let p = 0; p < 3; p++) {
      const log = requireLog(manager, 'orders', p)
      for (let i = 0; i <= p * 10; i++) log.append(batchOfCount(2, `o${p}.${i}`, 50))
    }
    requireLog(manager, 'events', 0).append(batchOfCount(5, 'e'))
    expect(requireLog(manager, 'orders', 2).segmentCount).toBeGreaterThan(1) // segment.bytes applied
    const topicsBefore = manager.topics()
    const before = new Map<string, { end: number; values: string[] }>()
    for (const { topic, partition, log } of manager.allLogs()) before.set(`${topic}-${partition}`, { end: log.logEndOffset, values: await valuesOf(log) })
    await manager.close()

    const reopened = await openManager(dataDir)
    expect(reopened.topics()).toEqual(topicsBefore)
    expect(reopened.topics().map((t) => t.name)).toEqual(['events', 'orders'])
    expect(reopened.logConfig('orders')).toMatchObject({ retentionMs: 3_600_000, segmentBytes: 2000 })
    expect(reopened.logConfig('events')).toEqual(reopened.defaults)
    const after = new Map<string, { end: number; values: string[] }>()
    for (const { topic, partition, log } of reopened.allLogs()) after.set(`${topic}-${partition}`, { end: log.logEndOffset, values: await valuesOf(log) })
    expect(after).toEqual(before)
    expect(before.get('orders-2')).toMatchObject({ end: 42 })
    expect(requireLog(reopened, 'orders', 1).append(batchOfCount(1)).firstOffset).toBe(22)
  })

  it('rejects invalid topic names with CORE_INVALID_TOPIC and creates nothing', async () => {
    const dataDir = tempDir()
    const manager = await openManager(dataDir)
    for (const name of ['', '.', '..', 'a/b', 'a'.repeat(250), 'spaces here', '../escape', 'x\\y']) {
      await expectCode(() => manager.createTopic(name, { partitions: 1 }), 'CORE_INVALID_TOPIC')
    }
    expect(partitionDirs(dataDir)).toEqual([])
    expect(readdirSync(join(dataDir, 'meta', 'topics'))).toEqual([])
    expect(manager.topics()).toEqual([])
  })

  it('creates, reopens and deletes a topic with the longest legal name (249 characters)', async () => {
    const dataDir = tempDir()
    const name = 'n'.repeat(249)
    const manager = await openManager(dataDir)
    await manager.createTopic(name, { partitions: 2 })
    requireLog(manager, name, 1).append(batchOfCount(3))
    await manager.close()
    const reopened = await openManager(dataDir)
    expect(requireLog(reopened, name, 1).logEndOffset).toBe(3)
    await reopened.deleteTopic(name)
    expect(partitionDirs(dataDir)).toEqual([])
    expect(existsSync(metaPath(dataDir, name))).toBe(false)
  })

  it('rejects a duplicate topic, bad partition counts and bad configs without creating anything', async () => {
    const dataDir = tempDir()
    const manager = await openManager(dataDir)
    const first = await manager.createTopic('dup', { partitions: 2 })
    const error = await expectCode(() => manager.createTopic('dup', { partitions: 5 }), 'CORE_TOPIC_ALREADY_EXISTS')
    expect(error.message).toContain("'dup'")
    expect(manager.topic('dup')).toEqual(first)

    for (const partitions of [0, -1, 1.5, Number.NaN, 100_001]) {
      await expectCode(() => manager.createTopic('counts', { partitions }), 'CORE_INVALID_ARGUMENT')
    }
    for (const configs of [{ 'retention.ms': 'forever' }, { 'no.such.key': 1 }, { 'segment.bytes': 1 }, { 'cleanup.policy': 'shred' }]) {
      await expectCode(() => manager.createTopic('configs', { partitions: 1, configs }), 'CORE_INVALID_CONFIG')
    }
    expect(manager.topics().map((t) => t.name)).toEqual(['dup'])
    expect(partitionDirs(dataDir)).toEqual(['dup-0', 'dup-1'])
    expect(readdirSync(join(dataDir, 'meta', 'topics'))).toEqual(['dup.json'])
  })

  it('rejects overrides that conflict with the manager defaults, leaving the data directory openable', async () => {
    const dataDir = tempDir()
    const defaults = { 'max.compaction.lag.ms': 1000 }
    const manager = await openManager(dataDir, { defaults })
    // Valid against Kafka's defaults, invalid against this manager's.
    await expectCode(() => manager.createTopic('lagged', { partitions: 1, configs: { 'min.compaction.lag.ms': 5000 } }), 'CORE_INVALID_CONFIG')
    expect(manager.topic('lagged')).toBeUndefined()
    expect(existsSync(metaPath(dataDir, 'lagged'))).toBe(false)

    await manager.createTopic('fine', { partitions: 1 })
    await expectCode(() => manager.alterTopicConfig('fine', { 'min.compaction.lag.ms': 5000 }), 'CORE_INVALID_CONFIG')
    expect(manager.topic('fine')?.configs).toEqual({})
    await manager.close()

    const reopened = await openManager(dataDir, { defaults })
    expect(reopened.topics().map((t) => t.name)).toEqual(['fine'])
  })

  it('fails with CORE_CLOSED after close', async () => {
    const manager = await openManager(tempDir())
    await manager.close()
    await expectCode(() => manager.createTopic('late', { partitions: 1 }), 'CORE_CLOSED')
    await manager.close() // idempotent
  })
})

describe('LogManager configs', () => {
  it('persists alterTopicConfig across reopen and applies it to open logs at once', async () => {
    const dataDir = tempDir()
    const manager = await openManager(dataDir)
    await manager.createTopic('cfg', { partitions: 2, configs: { 'retention.ms': 1000 } })
    const batch = () => batchOfCount(1, 'x', 100)
    const size = batch().length
    const log = requireLog(manager, 'cfg', 0)
    for (let i = 0; i < 5; i++) log.append(batch())
    expect(log.segmentCount).toBe(1)

    // Kafka AlterConfigs: the listed overrides replace all others (retention.ms reverts).
    const updated = manager.alterTopicConfig('cfg', { 'segment.bytes': size * 2 })
    expect(updated.configs).toEqual({ 'segment.bytes': String(size * 2) })
    expect(log.config.segmentBytes).toBe(size * 2)
    expect(requireLog(manager, 'cfg', 1).config.segmentBytes).toBe(size * 2)
    expect(log.config.retentionMs).toBe(manager.defaults.retentionMs)
    log.append(batch()) // the active segment is already past the new size: rolls
    expect(log.segmentCount).toBe(2)
    for (let i = 0; i < 4; i++) log.append(batch())
    expect(log.segmentBaseOffsets).toEqual([0, 5, 7, 9])
    await manager.close()

    const reopened = await openManager(dataDir)
    expect(reopened.topic('cfg')?.configs).toEqual({ 'segment.bytes': String(size * 2) })
    const again = requireLog(reopened, 'cfg', 0)
    expect(again.config.segmentBytes).toBe(size * 2)
    expect(again.logEndOffset).toBe(10)
    again.append(batch())
    again.append(batch())
    expect(again.segmentBaseOffsets).toEqual([0, 5, 7, 9, 11])
  })

  it('applies the defaults given to open where a topic has no override', async () => {
    const dataDir = tempDir()
    const manager = await openManager(dataDir, { defaults: { 'segment.bytes': 5000, 'retention.ms': 60_000 } })
    expect(manager.defaults).toMatchObject({ segmentBytes: 5000, retentionMs: 60_000 })
    await manager.createTopic('plain', { partitions: 1 })
    await manager.createTopic('custom', { partitions: 1, configs: { 'retention.ms': 1234 } })
    expect(requireLog(manager, 'plain', 0).config).toMatchObject({ segmentBytes: 5000, retentionMs: 60_000 })
    expect(requireLog(manager, 'custom', 0).config).toMatchObject({ segmentBytes: 5000, retentionMs: 1234 })
    // Defaults are not copied into the topic's metadata.
    expect(JSON.parse(readFileSync(metaPath(dataDir, 'plain'), 'utf8')).configs).toEqual({})
    await manager.close()

    const reopened = await openManager(dataDir, { defaults: { 'segment.bytes': 7000 } })
    expect(requireLog(reopened, 'plain', 0).config).toMatchObject({ segmentBytes: 7000, retentionMs: 604_800_000 })
    expect(requireLog(reopened, 'custom', 0).config).toMatchObject({ segmentBytes: 7000, retentionMs: 1234 })
    reopened.alterTopicConfig('custom', {})
    expect(requireLog(reopened, 'custom', 0).config).toEqual(reopened.defaults)
  })
})

describe('LogManager partitions and deletion', () => {
  it('adds partitions, refuses to shrink, and keeps the new count across reopen', async () => {
    const dataDir = tempDir()
    const manager = await openManager(dataDir)
    const created = await manager.createTopic('grow', { partitions: 2 })
    requireLog(manager, 'grow', 0).append(batchOfCount(4))
    const grown = await manager.addPartitions('grow', 4)
    expect(grown).toMatchObject({ partitions: 4, topicId: created.topicId })
    expect(partitionDirs(dataDir)).toEqual(['grow-0', 'grow-1', 'grow-2', 'grow-3'])
    requireLog(manager, 'grow', 3).append(batchOfCount(2))
    expect(requireLog(manager, 'grow', 0).logEndOffset).toBe(4)

    await expectCode(() => manager.addPartitions('grow', 3), 'CORE_INVALID_ARGUMENT')
    await expectCode(() => manager.addPartitions('grow', 4), 'CORE_INVALID_ARGUMENT')
    await expectCode(() => manager.addPartitions('grow', 0), 'CORE_INVALID_ARGUMENT')
    await expectCode(() => manager.addPartitions('missing', 5), 'CORE_UNKNOWN_TOPIC_OR_PARTITION')
    expect(manager.topic('grow')?.partitions).toBe(4)
    await manager.close()

    const reopened = await openManager(dataDir)
    expect(reopened.topic('grow')).toEqual(grown)
    expect([0, 1, 2, 3].map((p) => requireLog(reopened, 'grow', p).logEndOffset)).toEqual([4, 0, 0, 2])
    expect(reopened.log('grow', 4)).toBeUndefined()
  })

  it('deletes a topic: metadata and directories go, other topics stay, and it stays gone after reopen', async () => {
    const dataDir = tempDir()
    const manager = await openManager(dataDir)
    const doomed = await manager.createTopic('doomed', { partitions: 3 })
    await manager.createTopic('kept', { partitions: 1 })
    for (let p = 0; p < 3; p++) requireLog(manager, 'doomed', p).append(batchOfCount(3))
    requireLog(manager, 'kept', 0).append(batchOfCount(2, 'k'))

    await manager.deleteTopic('doomed')
    expect(manager.topic('doomed')).toBeUndefined()
    expect(manager.log('doomed', 0)).toBeUndefined()
    expect([...manager.allLogs()].map(({ topic }) => topic)).toEqual(['kept'])
    expect(existsSync(metaPath(dataDir, 'doomed'))).toBe(false)
    expect(partitionDirs(dataDir)).toEqual(['kept-0'])
    await expectCode(() => manager.deleteTopic('doomed'), 'CORE_UNKNOWN_TOPIC_OR_PARTITION')
    await manager.close()

    const reopened = await openManager(dataDir)
    expect(reopened.topics().map((t) => t.name)).toEqual(['kept'])
    expect(await valuesOf(requireLog(reopened, 'kept', 0))).toEqual(['k-0', 'k-1'])
    // The name is free again, for a new topic with a new id and empty logs.
    const recreated = await reopened.createTopic('doomed', { partitions: 1 })
    expect(recreated.topicId).not.toBe(doomed.topicId)
    expect(requireLog(reopened, 'doomed', 0).logEndOffset).toBe(0)
  })
})

describe('LogManager recovery of the data directory', () => {
  it('finishes deletions left by a crash and adopts partition directories without metadata', async () => {
    const dataDir = tempDir()
    const manager = await openManager(dataDir)
    await manager.createTopic('known', { partitions: 1, configs: { 'retention.ms': 5000 } })
    requireLog(manager, 'known', 0).append(batchOfCount(2, 'k'))
    await manager.close()

    // A deletion interrupted after the rename.
    const deleting = join(dataDir, 'gone-0.abc-delete')
    mkdirSync(deleting)
    writeFileSync(join(deleting, '00000000000000000000.log'), 'whatever')
    // A partition of an unknown topic, and a partition of a known topic beyond its count.
    for (const [dir, prefix] of [['orphan-0', 'a'], ['orphan-2', 'c'], ['known-1', 'n']]) {
      const log = await PartitionLog.open(join(dataDir, dir))
      log.append(batchOfCount(3, prefix))
      await log.close()
    }

    const reopened = await openManager(dataDir)
    expect(existsSync(deleting)).toBe(false)
    expect(partitionDirs(dataDir)).toEqual(['known-0', 'known-1', 'orphan-0', 'orphan-1', 'orphan-2'])
    const orphan = reopened.topic('orphan')
    expect(orphan).toMatchObject({ partitions: 3, configs: {}, internal: false })
    expect(orphan?.topicId).toMatch(UUID)
    expect(JSON.parse(readFileSync(metaPath(dataDir, 'orphan'), 'utf8'))).toEqual(orphan)
    expect(await valuesOf(requireLog(reopened, 'orphan', 0))).toEqual(['a-0', 'a-1', 'a-2'])
    expect(requireLog(reopened, 'orphan', 1).logEndOffset).toBe(0)
    expect(await valuesOf(requireLog(reopened, 'orphan', 2))).toEqual(['c-0', 'c-1', 'c-2'])
    // The known topic keeps its id and configs and grows to cover the extra partition.
    expect(reopened.topic('known')).toMatchObject({ partitions: 2, configs: { 'retention.ms': '5000' } })
    expect(await valuesOf(requireLog(reopened, 'known', 1))).toEqual(['n-0', 'n-1', 'n-2'])
    expect(await valuesOf(requireLog(reopened, 'known', 0))).toEqual(['k-0', 'k-1'])
    const ids = reopened.topics().map((t) => t.topicId)
    await reopened.close()

    const third = await openManager(dataDir)
    expect(third.topics().map((t) => t.topicId)).toEqual(ids)
  })

  it('leaves alone directories whose names are not topics and still reopens', async () => {
    const dataDir = tempDir()
    mkdirSync(join(dataDir, 'not a topic-0'), { recursive: true })
    mkdirSync(join(dataDir, 'lost+found'))
    const manager = await openManager(dataDir)
    expect(manager.topics()).toEqual([])
    await manager.close()
    const reopened = await openManager(dataDir)
    expect(reopened.topics()).toEqual([])
    expect(existsSync(join(dataDir, 'not a topic-0'))).toBe(true)
  })
})

describe('LogManager data directory lock', () => {
  const children: ChildProcess[] = []
  let childBundle = ''
  beforeAll(async () => {
    childBundle = await bundleForChild(join(import.meta.dirname, 'fixtures', 'open-manager.ts'))
  })
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })

  /** Starts the fixture on `dataDir` and resolves with its `ready` line's number. */
  function startHolder(dataDir: string, topic: string): Promise<{ child: ChildProcess; end: number }> {
    const child = spawn(process.execPath, [childBundle, dataDir, topic], { stdio: ['ignore', 'pipe', 'pipe'], cwd: process.cwd() })
    children.push(child)
    return new Promise((resolve, reject) => {
      let out = ''
      let err = ''
      child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()))
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        const match = /^ready (-?\d+)\n/.exec(out)
        if (match) resolve({ child, end: Number(match[1]) })
      })
      child.once('exit', (code, signal) => reject(new Error(`holder exited (${code ?? signal}) before ready: ${err}`)))
    })
  }

  it('refuses a second open of the same directory in this process, naming the directory', async () => {
    const dataDir = tempDir()
    const manager = await openManager(dataDir)
    const error = await expectCode(() => LogManager.open({ dataDir, background: false }), 'CORE_DATA_DIR_LOCKED')
    expect(error.message).toContain(dataDir)
    expect(manager.topics()).toEqual([]) // the first manager is unaffected
    await manager.close()
    await openManager(dataDir)
  })

  it('refuses a directory a live child process holds, and reclaims it once the child is killed', async () => {
    const dataDir = tempDir()
    const manager = await openManager(dataDir)
    await manager.createTopic('held', { partitions: 1 })
    requireLog(manager, 'held', 0).append(batchOfCount(3, 'p'))
    await manager.close()

    const { child, end } = await startHolder(dataDir, 'held')
    expect(end).toBe(4)
    const error = await expectCode(() => LogManager.open({ dataDir, background: false }), 'CORE_DATA_DIR_LOCKED')
    expect(error.message).toContain(dataDir)
    expect(error.message).toContain(`process ${child.pid}`)

    const exited = new Promise((resolve) => child.once('exit', resolve))
    process.kill(child.pid as number, 'SIGKILL')
    await exited
    const reopened = await openManager(dataDir)
    expect(JSON.parse(readFileSync(join(dataDir, '.lock'), 'utf8')).pid).toBe(process.pid)
    const log = requireLog(reopened, 'held', 0)
    expect(log.logEndOffset).toBe(4)
    expect(await valuesOf(log)).toEqual(['p-0', 'p-1', 'p-2', 'from-child'])
  })
})

describe('LogManager background work', () => {
  it('applies retention to every log by the injected clock', async () => {
    const now = T0 + 10_000
    const manager = await openManager(tempDir(), { clock: () => now, defaults: { 'segment.bytes': 1000 } })
    await manager.createTopic('short', { partitions: 2, configs: { 'retention.ms': 1000 } })
    await manager.createTopic('long', { partitions: 1, configs: { 'retention.ms': 60_000 } })
    await manager.createTopic('compacted', { partitions: 1, configs: { 'retention.ms': 1000, 'cleanup.policy': 'compact' } })
    const fill = (log: PartitionLog): void => {
      // Several segments of old records, then one of fresh records.
      for (let i = 0; i < 15; i++) log.append(batchOfCount(1, `old${i}`, 200, T0))
      log.roll()
      for (let i = 0; i < 2; i++) log.append(batchOfCount(1, `new${i}`, 200, now))
    }
    for (const { log } of manager.allLogs()) fill(log)
    const segmentsBefore = requireLog(manager, 'short', 0).segmentCount
    expect(segmentsBefore).toBeGreaterThan(2)

    const deleted = manager.runRetention()
    const shortLog = requireLog(manager, 'short', 0)
    // Every segment holding only old records went, in both partitions of 'short'.
    expect(deleted).toBe(2 * (segmentsBefore - 1))
    for (const p of [0, 1]) {
      const log = requireLog(manager, 'short', p)
      expect(log.segmentCount).toBe(1)
      expect(log.logStartOffset).toBe(log.segmentBaseOffsets[0])
      expect(log.logEndOffset).toBe(17)
    }
    expect((await valuesOf(shortLog)).map((v) => v.replace(/\.+$/, ''))).toEqual(['new0-0', 'new1-0'])
    expect(requireLog(manager, 'long', 0).logStartOffset).toBe(0)
    expect(requireLog(manager, 'compacted', 0).logStartOffset).toBe(0)

    // Later, everything in 'long' has expired too; the log end offset survives.
    expect(manager.runRetention(now + 61_000)).toBe(segmentsBefore + 2)
    const longLog = requireLog(manager, 'long', 0)
    expect([longLog.logStartOffset, longLog.logEndOffset]).toEqual([17, 17])
    expect(longLog.append(batchOfCount(1)).firstOffset).toBe(17)
  })

  it('flushes the logs whose flush.ms has passed', async () => {
    let now = T0
    const manager = await openManager(tempDir(), { clock: () => now })
    await manager.createTopic('fast', { partitions: 2, configs: { 'flush.ms': 1000 } })
    await manager.createTopic('slow', { partitions: 1, configs: { 'flush.ms': 60_000 } })
    await manager.createTopic('never', { partitions: 1 })
    for (const { log } of manager.allLogs()) log.append(batchOfCount(3))
    const recoveryPoints = () => [...manager.allLogs()].map(({ topic, partition, log }) => `${topic}-${partition}:${log.recoveryPoint}`)

    now = T0 + 999
    await manager.runScheduledFlushes()
    expect(recoveryPoints()).toEqual(['fast-0:0', 'fast-1:0', 'slow-0:0', 'never-0:0'])
    now = T0 + 1000
    await manager.runScheduledFlushes()
    expect(recoveryPoints()).toEqual(['fast-0:3', 'fast-1:3', 'slow-0:0', 'never-0:0'])
    await manager.runScheduledFlushes(T0 + 60_000)
    expect(recoveryPoints()).toEqual(['fast-0:3', 'fast-1:3', 'slow-0:3', 'never-0:0'])
  })
})
