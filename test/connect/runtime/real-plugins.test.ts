import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Worker } from '../../../connect/runtime/worker.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import { openCreek, readTopic, waitFor } from './helpers.ts'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
})

describe('Worker with the default converters and transforms', () => {
  it('JsonConverter envelopes and a RegexRouter between a file source and a file sink', async () => {
    const dir = tempDir('creek-connect-real-')
    const creek = await openCreek(join(dir, 'data'))
    cleanups.push(() => creek.close())
    const worker = new Worker({ creek, config: { 'offset.storage.file.filename': join(dir, 'offsets'), 'offset.flush.interval.ms': 100 } })
    await worker.start()
    cleanups.push(() => worker.stop())
    const input = join(dir, 'in.txt')
    const output = join(dir, 'out.txt')
    writeFileSync(input, 'hello\nworld\n')
    await worker.createConnector({
      name: 'src', 'connector.class': 'FileStreamSource', file: input, topic: 'raw', 'poll.interval.ms': '50',
      transforms: 'route', 'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
      'transforms.route.regex': 'raw', 'transforms.route.replacement': 'routed',
    })
    const { values } = await readTopic(creek, 'routed', 2)
    expect(JSON.parse(values[0])).toEqual({ schema: { type: 'string', optional: false }, payload: 'hello' })
    await worker.createConnector({
      name: 'dst', 'connector.class': 'FileStreamSink', file: output, topics: 'routed',
      'consumer.override.fetch.max.wait.ms': '100', 'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    })
    await waitFor(() => existsSync(output) && readFileSync(output, 'utf8') === 'hello\nworld\n', 10_000, 'the output')
  })

  it('refuses unknown converters and bad transform configs when the connector is created', async () => {
    const dir = tempDir('creek-connect-real-')
    const creek = await openCreek(join(dir, 'data'))
    cleanups.push(() => creek.close())
    const worker = new Worker({ creek, config: { 'offset.storage.file.filename': join(dir, 'offsets') } })
    await worker.start()
    cleanups.push(() => worker.stop())
    const base = { name: 's', 'connector.class': 'FileStreamSource', file: join(dir, 'x'), topic: 't' }
    await expect(worker.createConnector({ ...base, 'value.converter': 'com.example.Nope' })).rejects.toThrow(/Unknown converter class/)
    await expect(worker.createConnector({ ...base, transforms: 'x' })).rejects.toThrow(/transforms.x.type/)
    expect(worker.connectors()).toEqual([])
  })
})
