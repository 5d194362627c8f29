import { existsSync, readdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { startCreek } from '../helpers/creek-process.ts'
import { tempDir } from '../helpers/temp-dir.ts'
import { runCreek } from './run-creek.ts'

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

  it('serves the schema registry beside the broker, on the same data directory across restarts', { timeout: 60_000 }, async () => {
    const dataDir = tempDir()
    const first = await startCreek(dataDir, {}, { registry: true })
    expect(first.registryUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const register = await fetch(`${first.registryUrl}/subjects/kept-value/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: '"string"' }),
    })
    expect(await register.json()).toEqual({ id: 1 })
    await first.stop()
    expect(first.child.exitCode).toBe(0)

    const again = await startCreek(dataDir, {}, { registry: true })
    expect(await (await fetch(`${again.registryUrl}/subjects/kept-value/versions/latest`)).json())
      .toEqual({ subject: 'kept-value', version: 1, id: 1, schema: '"string"' })
    await again.stop()
  })

  it('names the port and the options when the registry port is taken, and exits', { timeout: 60_000 }, async () => {
    const taken = createServer()
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
    const { port } = taken.address() as { port: number }
    try {
      const run = await runCreek(['start', '--data-dir', tempDir(), '--port', '0', '--registry-port', String(port), '--log-level', 'warn'])
      expect(run).toEqual({
        code: 1,
        stdout: '',
        stderr: `creek: port ${port} on 127.0.0.1 is already in use, so the schema registry cannot listen there; `
          + 'choose another with --registry-port <port> (0: any free port), or run without it with --no-registry\n',
      })
    } finally {
      await new Promise((resolve) => taken.close(resolve))
    }
  })
})
