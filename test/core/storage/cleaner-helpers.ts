/** Helpers for the log cleaner tests: a record model, appends, whole-log reads, temp dirs. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { onTestFinished } from 'vitest'
import type { CompressionType } from '../../../core/protocol/compression/codecs.ts'
import { type DecodedRecordBatch, decodeRecordBatches, encodeRecordBatch } from '../../../core/protocol/record-batch.ts'
import { type LogConfig, resolveLogConfig } from '../../../core/storage/log-config.ts'
import { PartitionLog } from '../../../core/storage/partition-log.ts'

export const T0 = 1_700_000_000_000

/** A record as the tests model it: strings for keys, values and header values. */
export interface ModelRecord {
  offset: number
  key: string | null
  value: string | null
  timestamp: number
  headers: { key: string; value: string | null }[]
}

export type NewRecord = Omit<ModelRecord, 'offset' | 'headers' | 'timestamp'> & {
  timestamp?: number
  headers?: ModelRecord['headers']
}

/** A fresh temporary directory, removed when the test finishes. */
export function cleanerTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'creek-cleaner-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A compacted topic's config with small segments; `overrides` use Kafka's keys. */
export function compactConfig(overrides: Record<string, unknown> = {}): LogConfig {
  return resolveLogConfig({ 'cleanup.policy': 'compact', 'segment.bytes': 1024, 'segment.index.bytes': 4096, ...overrides })
}

/** A settable clock. */
export function manualClock(start = T0): { now: number; clock: () => number } {
  const state = {
    now: start,
    clock: () => state.now,
  }
  return state
}

export interface BatchOptions {
  compression?: CompressionType
  producerId?: number
  producerEpoch?: number
  baseSequence?: number
  /** Timestamp of records that have none (default T0). */
  timestamp?: number
}

/** Encodes `records` as one batch. */
export function encodeBatch(records: readonly NewRecord[], options: BatchOptions = {}): Promise<Buffer> {
  return encodeRecordBatch({
    records: records.map((r) => ({
      key: r.key === null ? null : Buffer.from(r.key),
      value: r.value === null ? null : Buffer.from(r.value),
      headers: (r.headers ?? []).map((h) => ({ key: h.key, value: h.value === null ? null : Buffer.from(h.value) })),
      timestamp: r.timestamp ?? options.timestamp ?? T0,
    })),
    compression: options.compression ?? 0,
    producerId: options.producerId,
    producerEpoch: options.producerEpoch,
    baseSequence: options.baseSequence,
  })
}

/** Appends `records` as one batch; returns them with their offsets (the model of what was written). */
export async function appendBatch(log: PartitionLog, records: readonly NewRecord[], options: BatchOptions = {}): Promise<ModelRecord[]> {
  const info = log.append(await encodeBatch(records, options))
  return records.map((r, i) => ({
    offset: info.firstOffset + i,
    key: r.key,
    value: r.value,
    timestamp: info.logAppendTime >= 0 ? info.logAppendTime : (r.timestamp ?? options.timestamp ?? T0),
    headers: r.headers ?? [],
  }))
}

/** Every batch of the log from its start, decoded. */
export async function readBatches(log: PartitionLog): Promise<DecodedRecordBatch[]> {
  const out: DecodedRecordBatch[] = []
  let offset = log.logStartOffset
  while (offset < log.logEndOffset) {
    const { records } = log.read(offset, 1 << 20)
    if (records.length === 0) break
    const batches = await decodeRecordBatches(records)
    out.push(...batches)
    offset = batches[batches.length - 1].lastOffset + 1
  }
  return out
}

/** Every record of the log from its start, as the model describes records. */
export async function readAll(log: PartitionLog): Promise<ModelRecord[]> {
  const out: ModelRecord[] = []
  for (const batch of await readBatches(log)) {
    for (const r of batch.records) {
      if (r.offset < log.logStartOffset) continue
      out.push({
        offset: r.offset,
        key: r.key === null ? null : r.key.toString(),
        value: r.value === null ? null : r.value.toString(),
        timestamp: r.timestamp,
        headers: r.headers.map((h) => ({ key: h.key, value: h.value === null ? null : h.value.toString() })),
      })
    }
  }
  return out
}

/**
 * What a fully compacted log holds: below `cleanEnd`, only the latest record of each key (none
 * without a key, and no tombstone for which `tombstoneExpired` says so); from `cleanEnd` on,
 * everything.
 */
export function compacted(all: readonly ModelRecord[], cleanEnd: number, tombstoneExpired: (r: ModelRecord) => boolean = () => false): ModelRecord[] {
  const latest = new Map<string, number>()
  for (const r of all) if (r.key !== null && r.offset < cleanEnd) latest.set(r.key, r.offset)
  return all.filter((r) => {
    if (r.offset >= cleanEnd) return true
    if (r.key === null || latest.get(r.key) !== r.offset) return false
    return !(r.value === null && tombstoneExpired(r))
  })
}

/** The last value per key (null for a tombstone), in the order keys were last written. */
export function latestByKey(records: readonly ModelRecord[]): Map<string, string | null> {
  const map = new Map<string, string | null>()
  for (const r of records) if (r.key !== null) map.set(r.key, r.value)
  return map
}

/** Files in `dir` left by a compaction in progress. */
export function compactionLeftovers(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.cleaned') || f.endsWith('.swap'))
}

/** A deterministic pseudo-random generator (mulberry32) returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export async function openLog(dir: string, config: LogConfig, clock: () => number): Promise<PartitionLog> {
  const log = await PartitionLog.open(dir, { config, clock })
  onTestFinished(() => {
    if (!log.isClosed) log.abandon()
  })
  return log
}
