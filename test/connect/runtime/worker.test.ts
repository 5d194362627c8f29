import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parseConnectorConfig } from '../../../connect/runtime/connector-config.ts'
import { Worker } from '../../../connect/runtime/worker.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import { openCreek, readTopic, standInData } from './helpers.ts'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
})

async function setup() {
  const dir = tempDir('creek-connect-worker-')
  const creek = await openCreek(join(dir, 'data'))
  cleanups.push(() => creek.close())
  const worker = new Worker({ creek, data: standInData, config: { 'offset.storage.file.filename': join(dir, 'offsets') } })
  await worker.start()
  cleanups.push(() => worker.stop())
  const input = join(dir, 'in.txt')
  return { dir, creek, worker, input }
}

describe('Worker (standalone)', () => {
  it('needs offset.storage.file.filename and start() before connectors', async () => {
    const { creek } = await setup()
    expect(() => new Worker({ creek, config: {} })).toThrow(/offset.storage.file.filename/)
    const worker = new Worker({ creek, config: { 'offset.storage.file.filename': join(tempDir(), 'o') } })
    await expect(worker.createConnector({ name: 'x' })).rejects.toThrow(/not started/)
    expect(worker.config.offsetFlushIntervalMs).toBe(60_000)
    expect(worker.config.props['value.converter']).toBe('org.apache.kafka.connect.json.JsonConverter')
  })

  it('checks configs when a connector is created', async () => {
    const { worker, input } = await setup()
    await expect(worker.createConnector({ name: 'a', 'connector.class': 'NoSuchConnector' })).rejects.toMatchObject({ code: 'CONNECT_NOT_FOUND' })
    await expect(worker.createConnector({ name: 'a', 'connector.class': 'FileStreamSink', file: input })).rejects.toThrow(/topics/)
    await expect(worker.createConnector({ name: 'a', 'connector.class': 'FileStreamSink', topics: 'a', 'topics.regex': 'a.*' })).rejects.toThrow(/topics.regex/)
    await expect(worker.createConnector({ name: 'a', 'connector.class': 'FileStreamSink', topics: 'a', 'errors.tolerance': 'some' })).rejects.toThrow(/errors.tolerance/)
    await expect(worker.createConnector({ name: 'a', 'connector.class': 'FileStreamSink', topics: 'a', 'errors.deadletterqueue.topic.name': 'a' })).rejects.toThrow(/reads its own|read its own/)
    await expect(worker.createConnector({ name: 'a', 'connector.class': 'FileStreamSource', topic: 't', 'errors.deadletterqueue.topic.name': 'd' })).rejects.toThrow(/sink connectors only/)
    await expect(worker.createConnector({ name: 'a', 'connector.class': 'FileStreamSource', topic: 't', 'tasks.max': '0' })).rejects.toThrow(/tasks.max/)
    expect(worker.connectors()).toEqual([])
    await worker.createConnector({ name: 'a', config: { 'connector.class': 'FileStreamSink', topics: 'a', file: input } })
    await expect(worker.createConnector({ name: 'a', 'connector.class': 'FileStreamSink', topics: 'a' })).rejects.toThrow(/already exists/)
    expect(() => worker.status('zzz')).toThrow(expect.objectContaining({ code: 'CONNECT_NOT_FOUND' }))
  })

  it('parses common keys with Kafka defaults', () => {
    const config = parseConnectorConfig({ name: 'n', 'connector.class': 'C', topics: 'a, b', 'consumer.override.max.poll.records': '10' }, 'sink')
    expect(config).toMatchObject({
      tasksMax: 1, topics: ['a', 'b'], topicsRegex: null, consumerOverrides: { maxPollRecords: 10 },
      errors: { tolerance: 'none', retryTimeoutMs: 0, retryDelayMaxMs: 60_000, logEnable: false, deadLetterTopic: '', deadLetterContextHeaders: false },
    })
    expect(parseConnectorConfig({ name: 'n', 'connector.class': 'C', 'topics.regex': 'a.*' }, 'sink').topicsRegex?.test('abc')).toBe(true)
  })

  it('creates paused or stopped, pauses, stops (KIP-875), resumes, restarts and deletes', async () => {
    const { creek, worker, input } = await setup()
    writeFileSync(input, 'a\n')
    const base = { 'connector.class': 'FileStreamSource', file: input, topic: 'life', 'poll.interval.ms': '50' }
    await worker.createConnector({ name: 'src', config: base, initial_state: 'PAUSED' })
    expect(worker.status('src')).toMatchObject({ connector: { state: 'PAUSED' }, tasks: [{ id: 0, state: 'PAUSED' }] })
    await new Promise((r) => setTimeout(r, 150))
    const admin = creek.admin()
    expect(await admin.listTopics()).not.toContain('life')
    await admin.close()
    await worker.resumeConnector('src')
    expect(worker.status('src').tasks[0].state).toBe('RUNNING')
    expect((await readTopic(creek, 'life', 1)).values).toEqual(['a'])

    await worker.stopConnector('src')
    expect(worker.status('src')).toMatchObject({ connector: { state: 'STOPPED' }, tasks: [] })
    expect(worker.offsets('src').offsets).toEqual([{ partition: { filename: input }, offset: { position: 2 } }])
    writeFileSync(input, 'a\nb\n')
    await worker.resumeConnector('src')
    expect(worker.status('src').connector.state).toBe('RUNNING')
    expect((await readTopic(creek, 'life', 2)).values).toEqual(['a', 'b'])

    await worker.restartConnector('src', { includeTasks: true })
    expect(worker.status('src')).toMatchObject({ connector: { state: 'RUNNING' }, tasks: [{ id: 0 }] })
    await worker.restartTask('src', 0)
    await expect(worker.restartTask('src', 3)).rejects.toMatchObject({ code: 'CONNECT_NOT_FOUND' })
    expect(worker.taskConfigs('src')).toEqual([{ id: { connector: 'src', task: 0 }, config: { file: input, topic: 'life', 'poll.interval.ms': '50' } }])

    await worker.putConnectorConfig('src', { ...base, topic: 'life2' })
    expect(worker.connectorInfo('src').config.topic).toBe('life2')
    expect((await readTopic(creek, 'life2', 0)).values).toEqual([])

    await worker.deleteConnector('src')
    expect(worker.connectors()).toEqual([])
  })

  it('created STOPPED runs nothing', async () => {
    const { worker, input } = await setup()
    await worker.createConnector({ name: 's', config: { 'connector.class': 'FileStreamSource', file: input, topic: 't' }, initial_state: 'STOPPED' })
    expect(worker.status('s')).toEqual({ name: 's', connector: { state: 'STOPPED', worker_id: worker.workerId }, tasks: [], type: 'source' })
  })
})
