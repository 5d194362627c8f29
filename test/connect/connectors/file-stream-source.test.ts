import { appendFileSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Creek } from '../../../core/index.ts'
import { defaultPlugins } from '../../../connect/runtime/default-plugins.ts'
import { Worker } from '../../../connect/runtime/worker.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import { openCreek, readTopic, standInData, waitFor } from '../runtime/helpers.ts'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setup(options: { flushMs?: number } = {}) {
  const dir = tempDir('creek-connect-src-')
  const creek = await openCreek(join(dir, 'data'))
  cleanups.push(() => creek.close())
  const offsetFile = join(dir, 'connect.offsets')
  const newWorker = async (c: Creek = creek) => {
    const worker = new Worker({
      creek: c, plugins: defaultPlugins(), data: standInData,
      config: { 'offset.storage.file.filename': offsetFile, 'offset.flush.interval.ms': options.flushMs ?? 60_000 },
    })
    await worker.start()
    cleanups.push(() => worker.stop())
    return worker
  }
  return { dir, creek, offsetFile, newWorker, input: join(dir, 'in.txt') }
}

const sourceConfig = (file: string, extra: Record<string, string> = {}) => ({
  name: 'lines', 'connector.class': 'FileStreamSource', file, topic: 'lines', 'poll.interval.ms': '50', ...extra,
})

describe('FileStreamSource on a standalone worker', () => {
  it('produces one record per line, with \\n, \\r\\n and \\r terminators, and not the unterminated tail', async () => {
    const { creek, input, newWorker } = await setup()
    writeFileSync(input, 'alpha\nbeta\r\ngamma\rdelta\nunfinished')
    const worker = await newWorker()
    await worker.createConnector(sourceConfig(input))
    expect(worker.status('lines')).toMatchObject({ name: 'lines', type: 'source', connector: { state: 'RUNNING' }, tasks: [{ id: 0, state: 'RUNNING' }] })
    const { values } = await readTopic(creek, 'lines', 4)
    expect(values).toEqual(['alpha', 'beta', 'gamma', 'delta'])
    appendFileSync(input, ' now\n')
    expect((await readTopic(creek, 'lines', 5)).values.at(-1)).toBe('unfinished now')
  })

  it('stores byte positions only after acknowledgement, flushes them on stop and resumes without duplicates', async () => {
    const { creek, input, offsetFile, newWorker } = await setup()
    writeFileSync(input, 'é1\nline2\n')
    const first = await newWorker()
    await first.createConnector(sourceConfig(input))
    await readTopic(creek, 'lines', 2)
    await first.stop()
    const stored = JSON.parse(readFileSync(offsetFile, 'utf8'))
    expect(stored.offsets).toEqual([{ connector: 'lines', partition: { filename: input }, offset: { position: Buffer.byteLength('é1\nline2\n') } }])

    appendFileSync(input, 'line3\n')
    const second = await newWorker()
    await second.createConnector(sourceConfig(input))
    const { values } = await readTopic(creek, 'lines', 3)
    expect(values).toEqual(['é1', 'line2', 'line3'])
    expect(second.offsets('lines').offsets[0].offset).toEqual({ position: Buffer.byteLength('é1\nline2\n') })
  })

  it('flushes offsets every offset.flush.interval.ms', async () => {
    const { creek, input, offsetFile, newWorker } = await setup({ flushMs: 100 })
    writeFileSync(input, 'a\nb\n')
    const worker = await newWorker()
    await worker.createConnector(sourceConfig(input))
    await readTopic(creek, 'lines', 2)
    await waitFor(() => {
      try {
        return JSON.parse(readFileSync(offsetFile, 'utf8')).offsets[0]?.offset.position === 4
      } catch {
        return false
      }
    }, 5000, 'the offsets file')
  })

  it('after a crash (no flush) replays from the last flushed offset: at-least-once, nothing lost', async () => {
    const { creek, input, newWorker } = await setup()
    writeFileSync(input, 'one\ntwo\n')
    const first = await newWorker()
    await first.createConnector(sourceConfig(input))
    await readTopic(creek, 'lines', 2)
    await first.flushOffsets()
    appendFileSync(input, 'three\n')
    await readTopic(creek, 'lines', 3)
    first.kill()
    const second = await newWorker()
    await second.createConnector(sourceConfig(input))
    const { values } = await readTopic(creek, 'lines', 4)
    expect(values).toEqual(['one', 'two', 'three', 'three'])
  })

  it('restarts from 0 when the file was truncated, and reads a rotated file from its start', async () => {
    const { creek, input, newWorker } = await setup()
    writeFileSync(input, 'old1\nold2\n')
    const worker = await newWorker()
    await worker.createConnector(sourceConfig(input))
    await readTopic(creek, 'lines', 2)
    truncateSync(input, 0)
    await new Promise((r) => setTimeout(r, 120))
    appendFileSync(input, 'new\n')
    expect((await readTopic(creek, 'lines', 3)).values).toEqual(['old1', 'old2', 'new'])

    // Rotation: the old file gets a last line after the move, then a new file appears.
    renameSync(input, `${input}.1`)
    appendFileSync(`${input}.1`, 'last-of-old\n')
    writeFileSync(input, 'rotated1\nrotated2\n')
    expect((await readTopic(creek, 'lines', 6)).values.slice(3)).toEqual(['last-of-old', 'rotated1', 'rotated2'])
    await worker.flushOffsets()
    expect(worker.offsets('lines').offsets[0].offset).toEqual({ position: Buffer.byteLength('rotated1\nrotated2\n') })
  })

  it('waits for a file that does not exist yet', async () => {
    const { creek, input, newWorker } = await setup()
    const worker = await newWorker()
    await worker.createConnector(sourceConfig(input))
    await new Promise((r) => setTimeout(r, 100))
    writeFileSync(input, 'late\n')
    expect((await readTopic(creek, 'lines', 1)).values).toEqual(['late'])
  })

  it('takes Kafka class names and refuses a config without topic', async () => {
    const { input, newWorker } = await setup()
    const worker = await newWorker()
    await expect(worker.createConnector({ name: 'x', 'connector.class': 'FileStreamSource', file: input }))
      .rejects.toMatchObject({ code: 'CONNECT_INVALID_CONFIG' })
    const info = await worker.createConnector({ name: 'y', config: { 'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector', file: input, topic: 't', 'tasks.max': 3 } })
    expect(info).toMatchObject({ name: 'y', type: 'source', tasks: [{ connector: 'y', task: 0 }] })
  })
})
