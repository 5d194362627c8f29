/**
 * Storage benchmark: appends of 100-byte and 1 KiB records in ~16 KiB batches (Kafka's default
 * batch.size), sequential reads, and group-committed durable appends from concurrent producers,
 * beside raw `fs.writeSync` throughput of the same volume measured in the same run.
 *
 * Targets (issue 2, 2-core machine): 100 B appends >= 2 M records/s (~40% of raw write speed),
 * reads >= 4 M records/s, durable appends >= 500 k records/s.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encodeRecordBatchSync, PartitionLog, resolveLogConfig } from '../core/index.ts'
import { fmt, report } from './_report.ts'

const BATCH_BYTES = 16 * 1024
const root = mkdtempSync(join(process.env.CREEK_BENCH_DIR ?? tmpdir(), 'creek-bench-log-'))
const config = resolveLogConfig({ 'segment.bytes': 256 * 1024 * 1024 })

function batchOf(valueSize: number): { batch: Buffer; records: number } {
  const value = Buffer.alloc(valueSize, 0x61)
  const records = []
  const perRecord = valueSize + 10
  const count = Math.max(1, Math.floor((BATCH_BYTES - 61) / perRecord))
  for (let i = 0; i < count; i++) records.push({ key: null, value, timestamp: Date.now() })
  return { batch: encodeRecordBatchSync({ records }), records: count }
}

/** Raw sequential write speed: the same bytes in the same chunk size, one file, no log. */
function rawWrite(totalBytes: number, chunk: number): number {
  const path = join(root, 'raw.bin')
  const buf = Buffer.alloc(chunk, 0x62)
  const fd = openSync(path, 'w')
  const start = process.hrtime.bigint()
  let pos = 0
  while (pos < totalBytes) {
    writeSync(fd, buf, 0, chunk, pos)
    pos += chunk
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  closeSync(fd)
  rmSync(path)
  return totalBytes / seconds / 1e6
}

async function appendRun(name: string, valueSize: number, totalRecords: number) {
  const dir = join(root, name)
  const log = await PartitionLog.open(dir, { config })
  const { batch, records } = batchOf(valueSize)
  const batches = Math.ceil(totalRecords / records)
  const start = process.hrtime.bigint()
  for (let i = 0; i < batches; i++) log.append(batch)
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  const bytes = batches * batch.length
  return { log, dir, rps: (batches * records) / seconds, mbps: bytes / seconds / 1e6, bytes, records: batches * records, chunk: batch.length }
}

async function readRun(log: PartitionLog): Promise<number> {
  const start = process.hrtime.bigint()
  let offset = 0
  let records = 0
  const end = log.logEndOffset
  while (offset < end) {
    const { records: bytes } = log.read(offset, 1024 * 1024)
    let pos = 0
    while (pos < bytes.length) {
      const last = bytes.readInt32BE(pos) * 2 ** 32 + bytes.readUInt32BE(pos + 4) + bytes.readInt32BE(pos + 23)
      records += bytes.readInt32BE(pos + 57)
      offset = last + 1
      pos += 12 + bytes.readInt32BE(pos + 8)
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  return records / seconds
}

async function durableRun(producers: number, totalRecords: number): Promise<{ rps: number; fsyncs: number }> {
  const dir = join(root, 'durable')
  const log = await PartitionLog.open(dir, { config })
  const { batch, records } = batchOf(100)
  const perProducer = Math.ceil(totalRecords / records / producers)
  let flushes = 0
  const original = log.flush.bind(log)
  log.flush = () => {
    flushes++
    return original()
  }
  const start = process.hrtime.bigint()
  await Promise.all(
    Array.from({ length: producers }, async () => {
      const own = Buffer.from(batch)
      for (let i = 0; i < perProducer; i++) await log.appendDurable(own)
    }),
  )
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  await log.close()
  rmSync(dir, { recursive: true, force: true })
  return { rps: (perProducer * producers * records) / seconds, fsyncs: flushes }
}

try {
  // Raw first, on a quiet page cache, with the same volume and chunk size as the 100 B run.
  const probe = batchOf(100)
  const totalRecords = 5_000_000
  const raw = rawWrite(Math.ceil(totalRecords / probe.records) * probe.batch.length, probe.batch.length)
  const small = await appendRun('append-100b', 100, totalRecords)
  const read = await readRun(small.log)
  await small.log.close()
  rmSync(small.dir, { recursive: true, force: true })
  const large = await appendRun('append-1k', 1024, 500_000)
  await large.log.close()
  rmSync(large.dir, { recursive: true, force: true })
  const durable = await durableRun(8, 2_000_000)

  const ratio = small.mbps / raw
  console.log(`raw fs.writeSync (${fmt(small.chunk)} B chunks): ${fmt(raw)} MB/s`)
  console.log(`append 100 B records:  ${fmt(small.rps)} records/s, ${fmt(small.mbps)} MB/s (${fmt(ratio * 100, 1)}% of raw; target >= 2,000,000 records/s)`)
  console.log(`append 1 KiB records:  ${fmt(large.rps)} records/s, ${fmt(large.mbps)} MB/s`)
  console.log(`sequential read 100 B: ${fmt(read)} records/s (target >= 4,000,000)`)
  console.log(`durable append 100 B, 8 producers, group commit: ${fmt(durable.rps)} records/s (target >= 500,000)`)
  report('log', {
    append_100b_rps: small.rps,
    append_1k_rps: large.rps,
    read_100b_rps: read,
    durable_append_100b_rps: durable.rps,
    raw_write_mbps: raw,
    append_100b_mbps: small.mbps,
    append_1k_mbps: large.mbps,
    append_vs_raw: ratio,
  })
} finally {
  rmSync(root, { recursive: true, force: true })
}
