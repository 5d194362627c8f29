/**
 * Distributed Connect workers on one embedded broker, in-process, each with its own REST API:
 * shared configs, tasks spread over the group, failover when a worker stops or dies (stops
 * heartbeating) with source offsets resumed from the offsets topic, and configs that outlive
 * every worker.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ConnectRestServer } from '../../../connect/rest/connect-rest-server.ts'
import { decodeAssignment, decodeMetadata, encodeAssignment, encodeMetadata, assignRoundRobin } from '../../../connect/runtime/distributed/connect-protocol.ts'
import { DistributedHerder } from '../../../connect/runtime/distributed/distributed-herder.ts'
import type { Creek } from '../../../core/index.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import { openCreek, readTopic, waitFor } from '../runtime/helpers.ts'

const STRING = 'org.apache.kafka.connect.storage.StringConverter'
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
})

interface TestWorker {
  readonly herder: DistributedHerder
  readonly server: ConnectRestServer
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>
  stop(): Promise<void>
  kill(): Promise<void>
}

async function startWorker(creek: Creek, overrides: Record<string, unknown> = {}): Promise<TestWorker> {
  const herder = new DistributedHerder({
    creek,
    config: {
      'group.id': 'connect-test', 'session.timeout.ms': 1500, 'heartbeat.interval.ms': 150, 'rebalance.timeout.ms': 10_000,
      'offset.flush.interval.ms': 200, 'offset.storage.partitions': 3, 'status.storage.partitions': 2,
      'consumer.session.timeout.ms': 1500, 'consumer.heartbeat.interval.ms': 150,
      'key.converter': STRING, 'value.converter': STRING, ...overrides,
    },
  })
  const server = await ConnectRestServer.start({ herder, port: 0 })
  await herder.start({ url: server.url })
  let done = false
  const worker: TestWorker = {
    herder,
    server,
    async call(method, path, body) {
      const response = await fetch(server.url + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
      const text = await response.text()
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text) }
    },
    async stop() {
      if (done) return
      done = true
      await server.close()
      await herder.stop()
    },
    async kill() {
      if (done) return
      done = true
      await server.close()
      await herder.kill()
    },
  }
  cleanups.push(() => worker.stop())
  return worker
}

async function setup(): Promise<{ dir: string; creek: Creek }> {
  const dir = tempDir('creek-connect-distributed-')
  const creek = await openCreek(join(dir, 'data'))
  cleanups.push(() => creek.close())
  return { dir, creek }
}

/** The status once every task is RUNNING (at least `tasks` of them). */
async function runningStatus(worker: TestWorker, name: string, tasks: number, timeoutMs = 15_000): Promise<any> {
  let status: any
  await waitFor(async () => {
    status = (await worker.call('GET', `/connectors/${name}/status`)).body
    return status?.connector?.state === 'RUNNING' && status.tasks.length === tasks && status.tasks.every((t: { state: string }) => t.state === 'RUNNING')
  }, timeoutMs, `connector ${name} RUNNING with ${tasks} tasks`)
  return status
}

const lines = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => `line-${from + i}`)

describe('Connect protocol', () => {
  it('encodes metadata and assignments as Kafka does, and assigns round-robin', () => {
    const metadata = encodeMetadata({ url: 'http://a:8083', configOffset: 7 })
    expect(metadata.toString('hex')).toBe('0000' + '000d' + Buffer.from('http://a:8083').toString('hex') + '0000000000000007')
    expect(decodeMetadata(metadata)).toEqual({ url: 'http://a:8083', configOffset: 7 })
    const assignment = { error: 0, leader: 'm1', leaderUrl: 'http://a:8083', configOffset: 9, connectors: ['c'], tasks: [{ connector: 'c', task: 0 }, { connector: 'd', task: 1 }] }
    expect(decodeAssignment(encodeAssignment(assignment))).toEqual(assignment)
    const plan = assignRoundRobin(['b', 'a'], ['x'], [{ connector: 'x', task: 1 }, { connector: 'x', task: 0 }])
    expect(plan.get('a')).toEqual({ connectors: ['x'], tasks: [{ connector: 'x', task: 1 }] })
    expect(plan.get('b')).toEqual({ connectors: [], tasks: [{ connector: 'x', task: 0 }] })
  })
})

describe('Distributed workers', () => {
  it('share connectors created through either worker and spread tasks over both', async () => {
    const { dir, creek } = await setup()
    const a = await startWorker(creek)
    const b = await startWorker(creek)
    const admin = creek.admin()
    await admin.createTopics([{ topic: 'in', numPartitions: 2 }])
    await admin.close()
    const output = join(dir, 'out.txt')
    const created = await a.call('POST', '/connectors', { name: 'sink', config: { 'connector.class': 'FileStreamSink', topics: 'in', file: output, 'tasks.max': '2' } })
    expect(created.status).toBe(201)
    expect((await b.call('POST', '/connectors', { name: 'sink', config: { 'connector.class': 'FileStreamSink', topics: 'in' } })).status).toBe(409)
    expect((await b.call('GET', '/connectors')).body).toEqual(['sink'])
    expect((await b.call('GET', '/connectors/sink/config')).body).toMatchObject({ 'connector.class': 'FileStreamSink', file: output, name: 'sink' })

    const status = await runningStatus(b, 'sink', 2)
    const workers = new Set(status.tasks.map((t: { worker_id: string }) => t.worker_id))
    expect(workers).toEqual(new Set([a.herder.workerId, b.herder.workerId]))
    expect((await a.call('GET', '/connectors/sink/tasks')).body).toEqual([
      { id: { connector: 'sink', task: 0 }, config: { file: output } },
      { id: { connector: 'sink', task: 1 }, config: { file: output } },
    ])

    const producer = creek.producer()
    await producer.send({ topic: 'in', messages: lines(1, 20).map((value, i) => ({ value, partition: i % 2 })) })
    await producer.close()
    await waitFor(() => { try { return readFileSync(output, 'utf8').split('\n').filter(Boolean).length >= 20 } catch { return false } }, 15_000, 'the sink file')
    expect(new Set(readFileSync(output, 'utf8').split('\n').filter(Boolean))).toEqual(new Set(lines(1, 20)))

    // Pause and resume through the other worker reach every task.
    expect((await b.call('PUT', '/connectors/sink/pause')).status).toBe(202)
    await waitFor(async () => (await a.call('GET', '/connectors/sink/status')).body.tasks.every((t: { state: string }) => t.state === 'PAUSED'), 10_000, 'paused tasks')
    expect((await a.call('PUT', '/connectors/sink/resume')).status).toBe(202)
    await runningStatus(a, 'sink', 2)
    expect((await a.call('DELETE', '/connectors/sink')).status).toBe(204)
    await waitFor(async () => (await b.call('GET', '/connectors')).body.length === 0 && b.herder.localWork().tasks.length === 0 && a.herder.localWork().tasks.length === 0, 10_000, 'the deletion')
    expect((await b.call('GET', '/connectors/sink')).status).toBe(404)
  })

  it('moves a file source to another worker when its worker stops or dies, resuming from stored offsets', async () => {
    const { dir, creek } = await setup()
    const a = await startWorker(creek)
    const b = await startWorker(creek)
    const input = join(dir, 'in.txt')
    writeFileSync(input, lines(1, 50).map((l) => `${l}\n`).join(''))
    expect((await b.call('POST', '/connectors', { name: 'src', config: { 'connector.class': 'FileStreamSource', file: input, topic: 'lines', 'poll.interval.ms': '50' } })).status).toBe(201)
    let status = await runningStatus(a, 'src', 1)
    expect((await readTopic(creek, 'lines', 50)).values).toEqual(lines(1, 50))

    // A clean stop: the task's offsets are flushed, so the new owner goes on without repeating.
    const owner = [a, b].find((w) => w.herder.workerId === status.tasks[0].worker_id)!
    const other = owner === a ? b : a
    await owner.stop()
    await waitFor(async () => {
      status = (await other.call('GET', '/connectors/src/status')).body
      return status.tasks[0]?.state === 'RUNNING' && status.tasks[0].worker_id === other.herder.workerId && status.connector.worker_id === other.herder.workerId
    }, 15_000, 'the task on the remaining worker')
    appendFileSync(input, lines(51, 100).map((l) => `${l}\n`).join(''))
    expect((await readTopic(creek, 'lines', 100)).values).toEqual(lines(1, 100))
    expect((await other.call('GET', '/connectors/src/offsets')).body).toEqual({ offsets: [{ partition: { filename: input }, offset: { position: expect.any(Number) } }] })

    // A third worker joins; then the task's worker dies without leaving: after the session
    // timeout the task runs elsewhere, from the last flushed offset (repeats allowed, no loss).
    const c = await startWorker(creek)
    status = await runningStatus(c, 'src', 1)
    const victim = [other, c].find((w) => w.herder.workerId === status.tasks[0].worker_id)!
    const survivor = victim === c ? other : c
    await survivor.herder.localWork()
    await victim.kill()
    appendFileSync(input, lines(101, 150).map((l) => `${l}\n`).join(''))
    await waitFor(async () => {
      status = (await survivor.call('GET', '/connectors/src/status')).body
      return status.tasks[0]?.state === 'RUNNING' && status.tasks[0].worker_id === survivor.herder.workerId
    }, 20_000, 'the task on the surviving worker')
    await waitFor(async () => {
      const { values } = await readTopic(creek, 'lines', 150)
      return lines(1, 150).every((l) => values.includes(l))
    }, 15_000, 'every line in the topic')
    const { values } = await readTopic(creek, 'lines', 150)
    // Order kept for first occurrences; anything repeated was repeated from a flushed offset on.
    expect([...new Set(values)]).toEqual(lines(1, 150))
  })

  it('keeps configs, target states and offsets in the topics across worker restarts', async () => {
    const { dir, creek } = await setup()
    const input = join(dir, 'in.txt')
    writeFileSync(input, lines(1, 10).map((l) => `${l}\n`).join(''))
    const a = await startWorker(creek)
    await a.call('POST', '/connectors', { name: 'src', config: { 'connector.class': 'FileStreamSource', file: input, topic: 'kept', 'poll.interval.ms': '50' } })
    await a.call('POST', '/connectors', { name: 'idle', config: { 'connector.class': 'FileStreamSink', topics: 'kept', file: join(dir, 'idle.txt') }, initial_state: 'STOPPED' })
    await runningStatus(a, 'src', 1)
    expect((await readTopic(creek, 'kept', 10)).values).toEqual(lines(1, 10))
    await a.stop()

    appendFileSync(input, lines(11, 20).map((l) => `${l}\n`).join(''))
    const b = await startWorker(creek)
    expect((await b.call('GET', '/connectors')).body).toEqual(['idle', 'src'])
    expect((await b.call('GET', '/connectors/src/config')).body).toMatchObject({ file: input, topic: 'kept' })
    await runningStatus(b, 'src', 1)
    await waitFor(async () => (await b.call('GET', '/connectors/idle/status')).body.connector?.state === 'STOPPED', 10_000, 'idle STOPPED')
    expect((await b.call('GET', '/connectors/idle/status')).body).toMatchObject({ connector: { state: 'STOPPED', worker_id: b.herder.workerId }, tasks: [] })
    expect((await readTopic(creek, 'kept', 20)).values).toEqual(lines(1, 20))

    // Stop, edit the offsets (KIP-875), resume: the source starts from the edited position.
    expect((await b.call('PATCH', '/connectors/src/offsets', { offsets: [{ partition: { filename: input }, offset: { position: 0 } }] })).status).toBe(400)
    await b.call('PUT', '/connectors/src/stop')
    await waitFor(async () => (await b.call('GET', '/connectors/src/status')).body.connector.state === 'STOPPED', 10_000, 'src STOPPED')
    expect((await b.call('PATCH', '/connectors/src/offsets', { offsets: [{ partition: { filename: input }, offset: { position: 0 } }] })).status).toBe(200)
    await b.call('PUT', '/connectors/src/resume')
    expect((await readTopic(creek, 'kept', 40)).values).toEqual([...lines(1, 20), ...lines(1, 20)])
  })
})
