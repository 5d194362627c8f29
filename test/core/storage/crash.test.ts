import { spawn } from 'node:child_process'
import { closeSync, fstatSync, openSync, readSync, readdirSync, writeSync, ftruncateSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { decodeRecordBatches, type DecodedRecordBatch } from '../../../core/protocol/record-batch.ts'
import { resolveLogConfig } from '../../../core/storage/log-config.ts'
import { PartitionLog } from '../../../core/storage/partition-log.ts'
import { batchOfCount } from '../../helpers/batches.ts'
import { bundleForChild } from '../../helpers/bundle.ts'
import { tempDir } from '../../helpers/temp-dir.ts'

const WRITER = join(import.meta.dirname, 'fixtures', 'crash-writer.ts')
let writerBundle = ''
beforeAll(async () => {
  writerBundle = await bundleForChild(WRITER)
})

/** Reads every batch of the log from its start, verifying CRCs (decodeRecordBatches does). */
async function readBatches(log: PartitionLog): Promise<DecodedRecordBatch[]> {
  const out: DecodedRecordBatch[] = []
  let offset = log.logStartOffset
  while (offset < log.logEndOffset) {
    const { records } = log.read(offset, 1 << 20)
    const batches = await decodeRecordBatches(records)
    expect(batches.length).toBeGreaterThan(0)
    for (const b of batches) {
      out.push(b)
      offset = b.lastOffset + 1
    }
  }
  return out
}

interface Ack {
  producer: number
  seq: number
  firstOffset: number
  count: number
}

/** Runs the writer until it has acknowledged something, then kills it with SIGKILL after a random delay. */
function runAndKill(dir: string, delayMs: number): Promise<Ack[]> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [writerBundle, dir], { stdio: ['ignore', 'pipe', 'pipe'], cwd: process.cwd() })
    const acks: Ack[] = []
    let pending = ''
    let stderr = ''
    let timer: NodeJS.Timeout | undefined
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString()
      const lines = pending.split('\n')
      pending = lines.pop()!
      for (const line of lines) {
        const [kind, a, b, c, d] = line.split(' ')
        if (kind === 'ack') acks.push({ producer: +a, seq: +b, firstOffset: +c, count: +d })
        if (kind === 'ready' && !timer) timer = setTimeout(() => child.kill('SIGKILL'), delayMs)
      }
    })
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.on('exit', (code, signal) => {
      clearTimeout(guard)
      if (timer) clearTimeout(timer)
      if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code}: ${stderr}`))
      else resolvePromise(acks)
    })
  })
}

describe('crash safety', () => {
  it('keeps every acknowledged record across repeated kill -9 (group commit)', { timeout: 240_000 }, async () => {
    const dir = tempDir()
    const deadline = Date.now() + 150_000
    const expected = new Map<number, string>()
    let rounds = 0
    let seed = 12345
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff)
    while (rounds < 50 && Date.now() < deadline) {
      const acks = await runAndKill(dir, 20 + Math.floor(random() * 250))
      for (const ack of acks) {
        for (let i = 0; i < ack.count; i++) expected.set(ack.firstOffset + i, `${ack.producer}:${ack.seq}:${i}:`)
      }
      const log = await PartitionLog.open(dir, { config: resolveLogConfig({ 'segment.bytes': 48 * 1024, 'index.interval.bytes': 512 }) })
      const batches = await readBatches(log)
      // Offsets are contiguous from 0 and every batch is intact.
      let next = 0
      const gaps: number[] = []
      const present = new Map<number, string>()
      for (const batch of batches) {
        if (batch.baseOffset !== next) gaps.push(next)
        for (const record of batch.records) present.set(record.offset, record.value!.toString())
        next = batch.lastOffset + 1
      }
      expect(gaps, `offset gaps in round ${rounds}`).toEqual([])
      expect(next).toBe(log.logEndOffset)
      // Every acknowledged record is present with the value its producer wrote.
      const missing: string[] = []
      for (const [offset, prefix] of expected) {
        if (!present.get(offset)?.startsWith(prefix)) missing.push(`${offset}: want ${prefix} got ${present.get(offset)}`)
      }
      expect(missing, `acknowledged records lost in round ${rounds}`).toEqual([])
      await log.close()
      rounds++
    }
    expect(rounds).toBeGreaterThanOrEqual(50)
    expect(expected.size).toBeGreaterThan(0)
  })

  it('recovers to the last valid batch after random truncation or byte flips of the tail', async () => {
    const dir = tempDir()
    const cfg = resolveLogConfig({ 'index.interval.bytes': 256 })
    let seed = 99
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff)
    for (let round = 0; round < 80; round++) {
      const log = await PartitionLog.open(dir, { config: cfg })
      const start = log.logEndOffset
      const starts: number[] = [] // file position of each batch of this round
      const ends: number[] = [] // log end offset after each batch
      for (let i = 0; i < 20; i++) {
        starts.push(log.activeSegment.size)
        const info = log.append(batchOfCount(1 + (i % 4), `r${round}-${i}`, 20))
        ends.push(info.lastOffset + 1)
      }
      const file = join(dir, readdirSync(dir).filter((f) => f.endsWith('.log')).sort().pop()!)
      log.abandon()
      const fd = openSync(file, 'r+')
      const size = fstatSync(fd).size
      const k = Math.floor(random() * starts.length) // the batch that gets damaged
      const batchEnd = k + 1 < starts.length ? starts[k + 1] : size
      if (random() < 0.5) {
        // Truncate somewhere inside batch k: batches before it survive.
        ftruncateSync(fd, starts[k] + Math.floor(random() * (batchEnd - starts[k])))
      } else {
        // Flip a bit of batch k in any byte that validation covers: batchLength, magic, CRC and
        // everything after (baseOffset and partitionLeaderEpoch are outside Kafka's CRC).
        let within: number
        do within = Math.floor(random() * (batchEnd - starts[k]))
        while (within < 8 || (within >= 12 && within < 16))
        const b = Buffer.alloc(1)
        readSync(fd, b, 0, 1, starts[k] + within)
        b[0] ^= 1 << Math.floor(random() * 8)
        writeSync(fd, b, 0, 1, starts[k] + within)
      }
      closeSync(fd)
      const reopened = await PartitionLog.open(dir, { config: cfg })
      expect(reopened.logEndOffset, `round ${round}, batch ${k}`).toBe(k === 0 ? start : ends[k - 1])
      expect(reopened.activeSegment.size).toBe(starts[k])
      // Whatever survived decodes cleanly, with contiguous offsets.
      let next = reopened.logStartOffset
      for (const b of await readBatches(reopened)) {
        expect(b.baseOffset).toBe(next)
        next = b.lastOffset + 1
      }
      expect(next).toBe(reopened.logEndOffset)
      await reopened.close()
    }
  })
})
