/**
 * The Connect REST API's contract (paths, status codes, bodies, error shape) against a
 * standalone herder running the real file connectors on an embedded Creek.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectRestServer } from '../../../connect/rest/connect-rest-server.ts'
import { StandaloneHerder } from '../../../connect/runtime/standalone-herder.ts'
import type { Creek } from '../../../core/index.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import { openCreek, readTopic, waitFor } from '../runtime/helpers.ts'

let dir: string
let creek: Creek
let herder: StandaloneHerder
let server: ConnectRestServer

const STRING = 'org.apache.kafka.connect.storage.StringConverter'

beforeAll(async () => {
  dir = tempDir('creek-connect-rest-')
  creek = await openCreek(join(dir, 'data'))
  herder = new StandaloneHerder({ creek, config: { 'offset.storage.file.filename': join(dir, 'offsets'), 'offset.flush.interval.ms': 200 } })
  await herder.start()
  server = await ConnectRestServer.start({ herder, port: 0 })
})

afterAll(async () => {
  await server?.close()
  await herder?.stop()
  await creek?.close()
})

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(server.url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text), headers: response.headers }
}

function sourceConfig(file: string, topic: string): Record<string, string> {
  return { 'connector.class': 'FileStreamSource', file, topic, 'poll.interval.ms': '50', 'value.converter': STRING, 'key.converter': STRING }
}

describe('Connect REST API (standalone herder)', () => {
  it('GET / reports version, commit and the cluster id; unknown paths are 404 with Kafka\'s error body', async () => {
    const root = await call('GET', '/')
    expect(root.status).toBe(200)
    expect(root.body).toEqual({ version: expect.any(String), commit: expect.any(String), kafka_cluster_id: creek.broker.clusterId })
    expect(root.headers.get('content-type')).toMatch(/application\/json/)
    const missing = await call('GET', '/nothing/here')
    expect(missing.status).toBe(404)
    expect(missing.body).toEqual({ error_code: 404, message: expect.stringContaining('/nothing/here') })
  })

  it('lists plugins, their configs, and validates configs with Kafka\'s ConfigInfos', async () => {
    const plugins = await call('GET', '/connector-plugins')
    expect(plugins.status).toBe(200)
    expect(plugins.body).toEqual(expect.arrayContaining([
      { class: 'org.apache.kafka.connect.file.FileStreamSourceConnector', type: 'source', version: expect.any(String) },
      { class: 'org.apache.kafka.connect.file.FileStreamSinkConnector', type: 'sink', version: expect.any(String) },
    ]))
    const config = await call('GET', '/connector-plugins/FileStreamSource/config')
    expect(config.status).toBe(200)
    expect(config.body.find((k: { name: string }) => k.name === 'topic')).toMatchObject({ name: 'topic', type: 'STRING', required: true, importance: 'HIGH' })
    expect((await call('GET', '/connector-plugins/NoSuch/config')).status).toBe(404)

    const bad = await call('PUT', '/connector-plugins/FileStreamSinkConnector/config/validate', { 'connector.class': 'FileStreamSink', name: 'x', 'tasks.max': '0', 'errors.tolerance': 'some' })
    expect(bad.status).toBe(200)
    expect(bad.body).toMatchObject({ name: 'org.apache.kafka.connect.file.FileStreamSinkConnector', error_count: expect.any(Number), groups: expect.arrayContaining(['Common', 'Error Handling']) })
    const byName = new Map(bad.body.configs.map((c: { value: { name: string } }) => [c.value.name, c]))
    expect(byName.get('tasks.max')).toMatchObject({ definition: { name: 'tasks.max', type: 'INT', default_value: '1', group: 'Common' }, value: { name: 'tasks.max', value: '0', errors: [expect.stringContaining('at least 1')], visible: true } })
    expect(byName.get('errors.tolerance')).toMatchObject({ value: { errors: [expect.any(String)], recommended_values: ['none', 'all'] } })
    expect(byName.get('topics')).toMatchObject({ value: { errors: [expect.stringContaining('topics')] } })
    expect(bad.body.error_count).toBe(3)

    const good = await call('PUT', '/connector-plugins/FileStreamSink/config/validate', { 'connector.class': 'FileStreamSink', name: 'x', topics: 't' })
    expect(good.body.error_count).toBe(0)
  })

  it('creates, reads, updates, patches, pauses, resumes, stops, restarts and deletes connectors', async () => {
    const input = join(dir, 'in.txt')
    writeFileSync(input, 'one\ntwo\n')
    const created = await call('POST', '/connectors', { name: 'src', config: sourceConfig(input, 'lines') })
    expect(created.status).toBe(201)
    expect(created.headers.get('location')).toBe('/connectors/src')
    expect(created.body).toEqual({ name: 'src', config: { ...sourceConfig(input, 'lines'), name: 'src' }, tasks: [{ connector: 'src', task: 0 }], type: 'source' })
    expect((await readTopic(creek, 'lines', 2)).values).toEqual(['one', 'two'])

    const again = await call('POST', '/connectors', { name: 'src', config: sourceConfig(input, 'lines') })
    expect(again.status).toBe(409)
    expect(again.body).toEqual({ error_code: 409, message: expect.stringContaining('src') })

    expect(await call('GET', '/connectors')).toMatchObject({ status: 200, body: ['src'] })
    const expanded = await call('GET', '/connectors?expand=status&expand=info')
    expect(expanded.body.src).toMatchObject({ status: { name: 'src', connector: { state: 'RUNNING' }, type: 'source' }, info: { name: 'src', type: 'source' } })
    expect((await call('GET', '/connectors?expand=info')).body.src).toEqual({ info: created.body })

    expect((await call('GET', '/connectors/src')).body).toEqual(created.body)
    expect((await call('GET', '/connectors/src/config')).body).toEqual({ ...sourceConfig(input, 'lines'), name: 'src' })
    expect((await call('GET', '/connectors/src/tasks')).body).toEqual([{ id: { connector: 'src', task: 0 }, config: { file: input, topic: 'lines', 'poll.interval.ms': '50' } }])
    const status = await call('GET', '/connectors/src/status')
    expect(status.body).toEqual({ name: 'src', connector: { state: 'RUNNING', worker_id: herder.workerId }, tasks: [{ id: 0, state: 'RUNNING', worker_id: herder.workerId }], type: 'source' })
    expect((await call('GET', '/connectors/src/tasks/0/status')).body).toEqual({ id: 0, state: 'RUNNING', worker_id: herder.workerId })
    expect((await call('GET', '/connectors/src/tasks/7/status')).status).toBe(404)
    expect((await call('GET', '/connectors/src/tasks/x/status')).status).toBe(404)

    // PUT config: 200 when it updates, 201 when it creates.
    const updated = await call('PUT', '/connectors/src/config', { ...sourceConfig(input, 'lines'), 'poll.interval.ms': '60' })
    expect(updated.status).toBe(200)
    expect(updated.body.config['poll.interval.ms']).toBe('60')
    const mismatch = await call('PUT', '/connectors/src/config', { ...sourceConfig(input, 'lines'), name: 'other' })
    expect(mismatch.status).toBe(400)
    const patched = await call('PATCH', '/connectors/src/config', { 'poll.interval.ms': '70', 'key.converter': null })
    expect(patched.status).toBe(200)
    expect(patched.body.config).toMatchObject({ 'poll.interval.ms': '70' })
    expect(patched.body.config['key.converter']).toBeUndefined()

    expect((await call('PUT', '/connectors/src/pause')).status).toBe(202)
    expect((await call('GET', '/connectors/src/status')).body).toMatchObject({ connector: { state: 'PAUSED' }, tasks: [{ state: 'PAUSED' }] })
    expect((await call('PUT', '/connectors/src/resume')).status).toBe(202)
    expect((await call('GET', '/connectors/src/status')).body).toMatchObject({ connector: { state: 'RUNNING' }, tasks: [{ state: 'RUNNING' }] })

    const plain = await call('POST', '/connectors/src/restart')
    expect(plain.status).toBe(204)
    expect(plain.body).toBeUndefined()
    const withTasks = await call('POST', '/connectors/src/restart?includeTasks=true&onlyFailed=false')
    expect(withTasks.status).toBe(202)
    expect(withTasks.body).toMatchObject({ name: 'src', connector: { state: 'RESTARTING' }, tasks: [{ id: 0, state: 'RESTARTING' }], type: 'source' })
    const onlyFailed = await call('POST', '/connectors/src/restart?includeTasks=true&onlyFailed=true')
    expect(onlyFailed.status).toBe(202)
    expect(onlyFailed.body).toMatchObject({ connector: { state: 'RUNNING' }, tasks: [{ state: 'RUNNING' }] })
    expect((await call('POST', '/connectors/src/restart?includeTasks=maybe')).status).toBe(400)
    expect((await call('POST', '/connectors/src/tasks/0/restart')).status).toBe(204)
    expect((await call('POST', '/connectors/src/tasks/3/restart')).status).toBe(404)

    // Offsets: readable always, editable only while STOPPED.
    await herder.worker.flushOffsets()
    await waitFor(async () => (await call('GET', '/connectors/src/offsets')).body.offsets.length === 1, 5000, 'stored offsets')
    expect((await call('GET', '/connectors/src/offsets')).body).toEqual({ offsets: [{ partition: { filename: input }, offset: { position: 8 } }] })
    const running = await call('PATCH', '/connectors/src/offsets', { offsets: [{ partition: { filename: input }, offset: { position: 4 } }] })
    expect(running.status).toBe(400)
    expect(running.body.message).toMatch(/STOPPED/)
    expect((await call('PUT', '/connectors/src/stop')).status).toBe(202)
    expect((await call('GET', '/connectors/src/status')).body).toMatchObject({ connector: { state: 'STOPPED' }, tasks: [] })
    const altered = await call('PATCH', '/connectors/src/offsets', { offsets: [{ partition: { filename: input }, offset: { position: 4 } }] })
    expect(altered).toMatchObject({ status: 200, body: { message: expect.stringContaining('altered') } })
    expect((await call('GET', '/connectors/src/offsets')).body).toEqual({ offsets: [{ partition: { filename: input }, offset: { position: 4 } }] })
    // Resuming from position 4 sends "two" again.
    expect((await call('PUT', '/connectors/src/resume')).status).toBe(202)
    expect((await readTopic(creek, 'lines', 3)).values).toEqual(['one', 'two', 'two'])
    await call('PUT', '/connectors/src/stop')
    expect((await call('DELETE', '/connectors/src/offsets')).status).toBe(200)
    expect((await call('GET', '/connectors/src/offsets')).body).toEqual({ offsets: [] })

    const deleted = await call('DELETE', '/connectors/src')
    expect(deleted.status).toBe(204)
    expect((await call('GET', '/connectors/src')).status).toBe(404)
    expect((await call('GET', '/connectors/src/status')).body).toEqual({ error_code: 404, message: expect.stringContaining('src') })
    expect((await call('DELETE', '/connectors/src')).status).toBe(404)

    const put = await call('PUT', '/connectors/fresh/config', sourceConfig(input, 'fresh'))
    expect(put.status).toBe(201)
    expect(put.body).toMatchObject({ name: 'fresh', type: 'source' })
    expect((await call('DELETE', '/connectors/fresh')).status).toBe(204)
  })

  it('refuses bad requests with 400 and the validation errors', async () => {
    const invalid = await call('POST', '/connectors', { name: 'bad', config: { 'connector.class': 'FileStreamSink', 'tasks.max': '0' } })
    expect(invalid.status).toBe(400)
    expect(invalid.body.error_code).toBe(400)
    expect(invalid.body.message).toMatch(/Connector configuration is invalid and contains the following 2 error\(s\)/)
    expect(invalid.body.message).toMatch(/tasks.max/)
    expect(invalid.body.message).toMatch(/topics/)
    expect((await call('POST', '/connectors', { name: 'bad', config: { 'connector.class': 'Nope' } })).status).toBe(400)
    expect((await call('POST', '/connectors', { name: 'bad', config: { topics: 'x' } })).status).toBe(400)
    expect((await call('POST', '/connectors', { config: { 'connector.class': 'FileStreamSink', topics: 'x' } })).status).toBe(400)
    expect((await call('POST', '/connectors', { name: 'bad', config: { 'connector.class': 'FileStreamSink', topics: 'x' }, initial_state: 'SLEEPING' })).status).toBe(400)
    const malformed = await call('POST', '/connectors', '{"name": ')
    expect(malformed.status).toBe(400)
    expect(malformed.body).toEqual({ error_code: 400, message: expect.stringContaining('JSON') })
    expect(await call('GET', '/connectors')).toMatchObject({ body: [] })
  })

  it('creates paused, runs a sink to a file, shows sink offsets, and shows a failed task with its trace', async () => {
    const output = join(dir, 'out.txt')
    const producer = creek.producer()
    await producer.send({ topic: 'to-file', messages: [{ value: 'alpha' }, { value: 'beta' }] })
    await producer.close()
    const sink = { 'connector.class': 'FileStreamSink', topics: 'to-file', file: output, 'value.converter': STRING, 'key.converter': STRING }
    const created = await call('POST', '/connectors', { name: 'sink', config: sink, initial_state: 'PAUSED' })
    expect(created.status).toBe(201)
    expect((await call('GET', '/connectors/sink/status')).body).toMatchObject({ connector: { state: 'PAUSED' }, type: 'sink' })
    await call('PUT', '/connectors/sink/resume')
    await waitFor(() => { try { return readFileSync(output, 'utf8') === 'alpha\nbeta\n' } catch { return false } }, 10_000, 'the sink file')
    await call('PUT', '/connectors/sink/stop')
    expect((await call('GET', '/connectors/sink/offsets')).body).toEqual({ offsets: [{ partition: { kafka_topic: 'to-file', kafka_partition: 0 }, offset: { kafka_offset: 2 } }] })
    expect((await call('PATCH', '/connectors/sink/offsets', { offsets: [{ partition: { kafka_topic: 'to-file', kafka_partition: 0 }, offset: { kafka_offset: 1 } }] })).status).toBe(200)
    expect((await call('GET', '/connectors/sink/offsets')).body.offsets[0].offset).toEqual({ kafka_offset: 1 })
    expect((await call('DELETE', '/connectors/sink/offsets')).status).toBe(200)
    expect((await call('GET', '/connectors/sink/offsets')).body).toEqual({ offsets: [] })
    await call('DELETE', '/connectors/sink')

    // A sink writing into a directory fails; its status carries the trace.
    const broken = await call('POST', '/connectors', { name: 'broken', config: { ...sink, file: dir } })
    expect(broken.status).toBe(201)
    await waitFor(async () => (await call('GET', '/connectors/broken/status')).body.tasks[0]?.state === 'FAILED', 10_000, 'a FAILED task')
    const task = (await call('GET', '/connectors/broken/tasks/0/status')).body
    expect(task).toMatchObject({ id: 0, state: 'FAILED', worker_id: herder.workerId, trace: expect.stringMatching(/EISDIR|directory/i) })
    const restart = await call('POST', '/connectors/broken/restart?includeTasks=true&onlyFailed=true')
    expect(restart.body).toMatchObject({ connector: { state: 'RUNNING' }, tasks: [{ id: 0, state: 'RESTARTING' }] })
    await call('DELETE', '/connectors/broken')
  })
})
