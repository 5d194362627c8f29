import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Creek } from '../../../core/index.ts'
import { defaultPlugins } from '../../../connect/runtime/default-plugins.ts'
import { Worker } from '../../../connect/runtime/worker.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import { openCreek, standInData, waitFor } from '../runtime/helpers.ts'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
})

function lines(path: string): string[] {
  if (!existsSync(path)) return []
  return readFileSync(path, 'utf8').split('\n').slice(0, -1)
}

async function newWorker(creek: Creek, offsetFile: string, flushMs: number): Promise<Worker> {
  const worker = new Worker({
    creek, plugins: defaultPlugins(), data: standInData,
    config: { 'offset.storage.file.filename': offsetFile, 'offset.flush.interval.ms': flushMs },
  })
  await worker.start()
  cleanups.push(() => worker.stop())
  return worker
}

const FAST_GROUP = { 'consumer.override.session.timeout.ms': '1000', 'consumer.override.heartbeat.interval.ms': '100', 'consumer.override.fetch.max.wait.ms': '100' }

describe('FileStreamSink on a standalone worker', () => {
  it('copies a file through a topic into another file, line for line', async () => {
    const dir = tempDir('creek-connect-sink-')
    const creek = await openCreek(join(dir, 'data'))
    cleanups.push(() => creek.close())
    const input = join(dir, 'in.txt')
    const output = join(dir, 'out.txt')
    const expected = Array.from({ length: 500 }, (_, i) => `line ${i} ✓`)
    writeFileSync(input, `${expected.join('\n')}\n`)
    const worker = await newWorker(creek, join(dir, 'offsets'), 100)
    await worker.createConnector({ name: 'src', 'connector.class': 'FileStreamSource', file: input, topic: 'copy', 'poll.interval.ms': '50', 'batch.size': '64' })
    await worker.createConnector({ name: 'dst', 'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector', file: output, topics: 'copy', ...FAST_GROUP })
    await waitFor(() => lines(output).length >= expected.length, 15_000, 'the output file')
    expect(lines(output)).toEqual(expected)
    expect(worker.status('dst')).toMatchObject({ type: 'sink', connector: { state: 'RUNNING' }, tasks: [{ id: 0, state: 'RUNNING' }] })
    // Offsets are committed after the flush of the interval.
    const admin = creek.admin()
    await waitFor(async () => (await admin.listGroupOffsets('connect-dst')).some((o) => o.committedOffset === 500), 5000, 'the commit')
    await admin.close()
  })

  it('commits offsets only after flush: a crash before it re-delivers the lines, none is lost', async () => {
    const dir = tempDir('creek-connect-sink-')
    const dataDir = join(dir, 'data')
    const output = join(dir, 'out.txt')
    let creek = await openCreek(dataDir)
    const producer = creek.producer()
    await producer.send({ topic: 'events', messages: ['a', 'b', 'c'].map((value) => ({ value })) })
    const worker = await newWorker(creek, join(dir, 'offsets'), 60_000)
    await worker.createConnector({ name: 'sink', 'connector.class': 'FileStreamSink', file: output, topics: 'events', ...FAST_GROUP })
    await waitFor(() => lines(output).length === 3, 10_000, 'the lines')
    const admin = creek.admin()
    expect((await admin.listGroupOffsets('connect-sink')).filter((o) => o.committedOffset >= 0)).toEqual([])
    await admin.close()
    worker.kill()
    await creek.close()

    creek = await openCreek(dataDir)
    cleanups.push(() => creek.close())
    const again = await newWorker(creek, join(dir, 'offsets'), 60_000)
    await again.createConnector({ name: 'sink', 'connector.class': 'FileStreamSink', file: output, topics: 'events', ...FAST_GROUP })
    await waitFor(() => lines(output).length === 6, 20_000, 'the re-delivered lines')
    expect(lines(output)).toEqual(['a', 'b', 'c', 'a', 'b', 'c'])
    // A clean stop flushes and commits: a third run writes nothing more.
    await again.stop()
    const check = creek.admin()
    expect((await check.listGroupOffsets('connect-sink')).map((o) => o.committedOffset)).toEqual([3])
    await check.close()
  })

  it('pauses and resumes', async () => {
    const dir = tempDir('creek-connect-sink-')
    const creek = await openCreek(join(dir, 'data'))
    cleanups.push(() => creek.close())
    const output = join(dir, 'out.txt')
    const producer = creek.producer()
    await producer.send({ topic: 'p', messages: [{ value: 'first' }] })
    const worker = await newWorker(creek, join(dir, 'offsets'), 100)
    await worker.createConnector({ name: 'sink', 'connector.class': 'FileStreamSink', file: output, topics: 'p', ...FAST_GROUP })
    await waitFor(() => lines(output).length === 1, 10_000, 'the first line')
    await worker.pauseConnector('sink')
    expect(worker.status('sink')).toMatchObject({ connector: { state: 'PAUSED' }, tasks: [{ state: 'PAUSED' }] })
    await producer.send({ topic: 'p', messages: [{ value: 'second' }] })
    await new Promise((r) => setTimeout(r, 500))
    expect(lines(output)).toEqual(['first'])
    await worker.resumeConnector('sink')
    expect(worker.status('sink')).toMatchObject({ connector: { state: 'RUNNING' }, tasks: [{ state: 'RUNNING' }] })
    await waitFor(() => lines(output).length === 2, 10_000, 'the second line')
    expect(lines(output)).toEqual(['first', 'second'])
  })
})
