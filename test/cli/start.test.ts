import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { startCreek } from '../helpers/creek-process.ts'
import { tempDir } from '../helpers/temp-dir.ts'

describe('creek start', () => {
  it('serves the Kafka protocol until SIGTERM, then shuts down cleanly and restarts without recovery', { timeout: 60_000 }, async () => {
    const dataDir = tempDir()
    const creek = await startCreek(dataDir, { 'num.partitions': 2 })
    const kafka = new Kafka({ brokers: [creek.bootstrap], logLevel: logLevel.NOTHING })
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic: 'kept', messages: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] })
    await producer.disconnect()
    await creek.stop()
    expect(creek.child.exitCode).toBe(0)
    expect(creek.output()).toMatch(/stopped cleanly/)
    for (const dir of readdirSync(dataDir).filter((d) => d.startsWith('kept-'))) {
      expect(existsSync(join(dataDir, dir, '.clean_shutdown')), dir).toBe(true)
    }
    // Restarted on the same directory, the records are still there.
    const again = await startCreek(dataDir)
    const admin = new Kafka({ brokers: [again.bootstrap], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    const offsets = await admin.fetchTopicOffsets('kept')
    await admin.disconnect()
    expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(2)
    await again.stop()
  })

  it('refuses a second broker on a data directory that one already holds', { timeout: 60_000 }, async () => {
    const dataDir = tempDir()
    const first = await startCreek(dataDir)
    const second = await startCreek(dataDir).catch((error: Error) => error)
    expect(second).toBeInstanceOf(Error)
    expect((second as Error).message).toMatch(/in use by|locked|CORE_DATA_DIR_LOCKED/i)
    await first.stop()
  })
})
