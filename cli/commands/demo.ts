/**
 * `creek demo`: a short demonstration of the embedded log: opens the data directory, appends
 * keyed records to a demo topic, reads them back, and shows the log's offsets and files.
 */
import type { Command } from 'commander'
import { consoleLogger, decodeRecordBatches, encodeRecordBatch, CompressionType, LogManager } from '../../core/index.ts'

const DEMO_TOPIC = 'creek-demo'

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('append and read back records on the embedded log of a data directory')
    .option('-d, --data-dir <dir>', 'data directory', './data')
    .option('-n, --records <count>', 'records to append', '100000')
    .action(async (options: { dataDir: string; records: string }) => {
      const count = Number(options.records)
      if (!Number.isInteger(count) || count < 1) throw new Error(`--records must be a positive integer, got ${options.records}`)
      const manager = await LogManager.open({ dataDir: options.dataDir, logger: consoleLogger('warn') })
      try {
        await demo(manager, count)
      } finally {
        await manager.close()
      }
    })
}

async function demo(manager: LogManager, count: number): Promise<void> {
  const partitions = 3
  if (!manager.topic(DEMO_TOPIC)) await manager.createTopic(DEMO_TOPIC, { partitions, configs: { 'segment.bytes': 4 * 1024 * 1024 } })
  const meta = manager.topic(DEMO_TOPIC)!
  console.log(`Creek log in ${manager.dataDir}: topic '${meta.name}' (id ${meta.topicId}), ${meta.partitions} partitions`)

  const start = performance.now()
  const perBatch = 500
  for (let sent = 0; sent < count; sent += perBatch) {
    const partition = (sent / perBatch) % meta.partitions
    const records = []
    for (let i = sent; i < Math.min(count, sent + perBatch); i++) {
      records.push({ key: Buffer.from(`user-${i % 1000}`), value: Buffer.from(JSON.stringify({ n: i, at: Date.now() })) })
    }
    manager.log(DEMO_TOPIC, partition)!.append(await encodeRecordBatch({ records, compression: CompressionType.Lz4 }))
  }
  await manager.flushAll()
  const seconds = (performance.now() - start) / 1000
  console.log(`Appended ${count.toLocaleString()} records (lz4 batches of ${perBatch}) and fsynced them in ${seconds.toFixed(2)} s`)

  for (let p = 0; p < meta.partitions; p++) {
    const log = manager.log(DEMO_TOPIC, p)!
    const { records } = log.read(Math.max(log.logStartOffset, log.logEndOffset - 1), 1 << 20)
    const [batch] = await decodeRecordBatches(records)
    const last = batch.records[batch.records.length - 1]
    console.log(
      `  partition ${p}: offsets ${log.logStartOffset}..${log.logEndOffset - 1}, ${log.segmentCount} segment(s), ` +
        `${(log.size / 1024 / 1024).toFixed(1)} MiB; last record key=${last.key?.toString()} value=${last.value?.toString()}`,
    )
  }
  console.log(`Run it again to append more: offsets continue where they stopped. Files: ${manager.dataDir}/${DEMO_TOPIC}-<partition>/`)
}
