/**
 * Consumer benchmark: reads 100-byte records (in ~16 KiB batches, 4 partitions) from an embedded
 * broker through the in-process transport with `eachBatch`, `eachMessage`, async iteration and
 * as a group member, beside the ceiling measured in the same run: reading the same log bytes
 * and decoding every batch directly (no fetch, no consumer), which any consumer must also do.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Creek, decodeRecordBatches, encodeRecordBatchSync } from '../core/index.ts'
import { fmt, report } from './_report.ts'

const RECORDS = Number(process.env.CREEK_BENCH_RECORDS ?? 1_000_000)
const PARTITIONS = 4
const BATCH_BYTES = 16 * 1024
const root = mkdtempSync(join(process.env.CREEK_BENCH_DIR ?? tmpdir(), 'creek-bench-consumer-'))
const creek = await Creek.open({ dataDir: root, background: false, config: { 'group.initial.rebalance.delay.ms': 0 } })
const { logs } = creek.broker

const value = Buffer.alloc(100, 0x61)
const perBatch = Math.floor((BATCH_BYTES - 61) / 110)
await logs.createTopic('bench', { partitions: PARTITIONS })
for (let written = 0, p = 0; written < RECORDS; written += perBatch, p = (p + 1) % PARTITIONS) {
  const count = Math.min(perBatch, RECORDS - written)
  logs.log('bench', p)!.append(encodeRecordBatchSync({ records: Array.from({ length: count }, () => ({ key: null, value, timestamp: 0 })) }))
}
const partitions = Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: 'bench', partition }))

async function ceiling(): Promise<number> {
  const start = process.hrtime.bigint()
  let records = 0
  for (let p = 0; p < PARTITIONS; p++) {
    const log = logs.log('bench', p)!
    let offset = 0
    while (offset < log.logEndOffset) {
      const batches = await decodeRecordBatches(log.read(offset, 1024 * 1024).records)
      for (const batch of batches) records += batch.records.length
      offset = batches[batches.length - 1].lastOffset + 1
    }
  }
  return records / (Number(process.hrtime.bigint() - start) / 1e9)
}

type Mode = 'eachBatch' | 'eachMessage' | 'iterate' | 'group'

async function consume(mode: Mode): Promise<number> {
  const consumer = creek.consumer({ groupId: mode === 'group' ? 'bench-group' : undefined, autoOffsetReset: 'earliest', fetchMaxWaitMs: 10 })
  if (mode === 'group') await consumer.subscribe({ topics: ['bench'] })
  else consumer.assign(partitions)
  let seen = 0
  let bytes = 0
  const start = process.hrtime.bigint()
  await new Promise<void>((resolve, reject) => {
    const done = (): void => {
      if (seen >= RECORDS) resolve()
    }
    if (mode === 'iterate') {
      void (async () => {
        for await (const message of consumer) {
          bytes += message.value!.length
          if (++seen >= RECORDS) break
        }
        resolve()
      })().catch(reject)
    } else if (mode === 'eachBatch') {
      void consumer.run({ eachBatch: async ({ batch }) => {
        for (const m of batch.messages) bytes += m.value!.length
        seen += batch.messages.length
        done()
      } })
    } else {
      void consumer.run({ eachMessage: async ({ message }) => {
        bytes += message.value!.length
        seen++
        done()
      } })
    }
  })
  const rps = seen / (Number(process.hrtime.bigint() - start) / 1e9)
  await consumer.close()
  if (bytes !== seen * 100) throw new Error(`read ${bytes} value bytes for ${seen} records`)
  return rps
}

const results: Record<string, number> = { ceiling: await ceiling() }
for (const mode of ['eachBatch', 'eachMessage', 'iterate', 'group'] as const) results[mode] = await consume(mode)
await creek.close()
rmSync(root, { recursive: true, force: true })

console.log(`Consumer, ${fmt(RECORDS)} records of 100 B in ${PARTITIONS} partitions, in-process:`)
console.log(`  ceiling (read + decode the log directly): ${fmt(results.ceiling)} records/s`)
for (const mode of ['eachBatch', 'eachMessage', 'iterate', 'group']) {
  console.log(`  ${mode.padEnd(12)} ${fmt(results[mode]).padStart(12)} records/s  (${fmt((100 * results[mode]) / results.ceiling, 1)}% of the ceiling)`)
}
report('consumer', {
  ceiling_rps: results.ceiling,
  each_batch_rps: results.eachBatch,
  each_message_rps: results.eachMessage,
  iterate_rps: results.iterate,
  group_each_message_rps: results.group,
})
