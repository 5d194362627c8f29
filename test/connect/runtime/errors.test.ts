import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Creek, Logger } from '../../../core/index.ts'
import { DLQ_HEADERS } from '../../../connect/runtime/dead-letter-reporter.ts'
import { defaultPlugins } from '../../../connect/runtime/default-plugins.ts'
import { Worker } from '../../../connect/runtime/worker.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import { openCreek, readTopic, standInData, waitFor } from './helpers.ts'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
})

function lines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').slice(0, -1) : []
}

function recordingLogger() {
  const entries: { level: string; message: string; fields?: Record<string, unknown> }[] = []
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => void entries.push({ level, message, fields })
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }
  return { logger, entries }
}

async function setup(logger?: Logger) {
  const dir = tempDir('creek-connect-err-')
  const creek = await openCreek(join(dir, 'data'))
  cleanups.push(() => creek.close())
  const worker = new Worker({
    creek, plugins: defaultPlugins(), data: standInData, logger,
    config: { 'offset.storage.file.filename': join(dir, 'offsets'), 'offset.flush.interval.ms': 100 },
  })
  await worker.start()
  cleanups.push(() => worker.stop())
  return { dir, creek, worker }
}

const FAST_GROUP = { 'consumer.override.session.timeout.ms': '1000', 'consumer.override.heartbeat.interval.ms': '100', 'consumer.override.fetch.max.wait.ms': '100' }

async function produce(creek: Creek, topic: string, values: string[]) {
  const producer = creek.producer()
  await producer.send({ topic, messages: values.map((value, i) => ({ key: `k${i}`, value, headers: { origin: 'test' } })) })
}

describe('errors.tolerance', () => {
  it('none: a record that fails conversion fails the task, with its trace, and nothing after it is written', async () => {
    const { creek, worker, dir } = await setup()
    const output = join(dir, 'out.txt')
    await produce(creek, 'in', ['good', 'bad', 'after'])
    await worker.createConnector({ name: 'sink', 'connector.class': 'FileStreamSink', file: output, topics: 'in', 'value.converter': 'x', 'value.converter.fail.on': 'bad', ...FAST_GROUP })
    await waitFor(() => worker.status('sink').tasks[0]?.state === 'FAILED', 10_000, 'FAILED')
    const status = worker.status('sink')
    expect(status.connector.state).toBe('RUNNING')
    expect(status.tasks[0].trace).toMatch(/Tolerance exceeded in error handler/)
    expect(status.tasks[0].trace).toMatch(/VALUE_CONVERTER/)
    expect(status.tasks[0].trace).toMatch(/Caused by: .*stand-in converter refuses 'bad'/)
    expect(lines(output)).not.toContain('after')

    // Restarting the failed task (with the same config) fails again at the same record.
    await worker.restartConnector('sink', { includeTasks: true, onlyFailed: true })
    await waitFor(() => worker.status('sink').tasks[0]?.state === 'FAILED', 10_000, 'FAILED again')
    expect(lines(output).filter((l) => l === 'after')).toEqual([])
  })

  it('all: skips failing records, logs them, and dead-letters them with __connect.errors.* headers', async () => {
    const { logger, entries } = recordingLogger()
    const { creek, worker, dir } = await setup(logger)
    const output = join(dir, 'out.txt')
    await produce(creek, 'in', ['ok1', 'bad-convert', 'ok2', 'bad-transform', 'drop-me', 'ok3'])
    await worker.createConnector({
      name: 'sink', 'connector.class': 'FileStreamSink', file: output, topics: 'in', ...FAST_GROUP,
      'value.converter': 'x', 'value.converter.fail.on': 'bad-convert', 'transforms.fail.on': 'bad-transform', 'transforms.drop.on': 'drop-me',
      'errors.tolerance': 'all', 'errors.log.enable': 'true', 'errors.log.include.messages': 'true',
      'errors.deadletterqueue.topic.name': 'dlq', 'errors.deadletterqueue.context.headers.enable': 'true',
    })
    await waitFor(() => lines(output).length === 3, 10_000, 'the good lines')
    expect(lines(output)).toEqual(['ok1', 'ok2', 'ok3'])
    const { values, headers } = await readTopic(creek, 'dlq', 2)
    expect(values).toEqual(['bad-convert', 'bad-transform'])
    expect(headers[0]).toMatchObject({
      origin: 'test',
      [DLQ_HEADERS.TOPIC]: 'in', [DLQ_HEADERS.PARTITION]: '0', [DLQ_HEADERS.OFFSET]: '1',
      [DLQ_HEADERS.CONNECTOR_NAME]: 'sink', [DLQ_HEADERS.TASK_ID]: '0', [DLQ_HEADERS.STAGE]: 'VALUE_CONVERTER',
      [DLQ_HEADERS.CLASS_NAME]: 'x', [DLQ_HEADERS.EXCEPTION_CLASS_NAME]: 'ConnectError',
      [DLQ_HEADERS.EXCEPTION_MESSAGE]: "stand-in converter refuses 'bad-convert'",
    })
    expect(headers[0][DLQ_HEADERS.EXCEPTION_STACKTRACE]).toMatch(/ConnectError/)
    expect(headers[1]).toMatchObject({ [DLQ_HEADERS.OFFSET]: '3', [DLQ_HEADERS.STAGE]: 'TRANSFORMATION' })
    const logged = entries.filter((e) => e.level === 'error' && e.message.includes('Error encountered in task sink-0'))
    expect(logged).toHaveLength(2)
    expect(logged[0].fields?.record).toMatchObject({ topic: 'in', offset: 1 })
    expect(worker.metrics('sink')).toEqual([{ id: 0, records: 3, skipped: 2 }])
    expect(worker.status('sink').tasks[0].state).toBe('RUNNING')
  })

  it('all on a source: records that fail a transform are skipped with a warning, and their offsets move on', async () => {
    const { logger, entries } = recordingLogger()
    const { creek, worker, dir } = await setup(logger)
    const input = join(dir, 'in.txt')
    writeFileSync(input, 'x1\nboom\nx2\n')
    await worker.createConnector({ name: 'src', 'connector.class': 'FileStreamSource', file: input, topic: 't', 'poll.interval.ms': '50', 'transforms.fail.on': 'boom', 'errors.tolerance': 'all' })
    expect((await readTopic(creek, 't', 2)).values).toEqual(['x1', 'x2'])
    expect(entries.some((e) => e.level === 'warn' && e.message.includes('skipped a record'))).toBe(true)
    await worker.flushOffsets()
    expect(worker.offsets('src').offsets[0].offset).toEqual({ position: 11 })
  })

  it('retries retriable failures within errors.retry.timeout', async () => {
    const { creek, worker, dir } = await setup()
    const output = join(dir, 'out.txt')
    await produce(creek, 'in', ['v'])
    const { ConnectError } = await import('../../../connect/errors.ts')
    let calls = 0
    const data = {
      ...standInData,
      transformChain: () => ({
        apply: <R>(record: R) => {
          if (++calls < 3) throw new ConnectError('CONNECT_RETRIABLE', 'not yet')
          return record
        },
      }),
    }
    const dir2 = tempDir('creek-connect-retry-')
    const retrying = new Worker({ creek, data, config: { 'offset.storage.file.filename': join(dir2, 'o'), 'offset.flush.interval.ms': 100 } })
    await retrying.start()
    cleanups.push(() => retrying.stop())
    await retrying.createConnector({ name: 'r', 'connector.class': 'FileStreamSink', file: output, topics: 'in', 'errors.retry.timeout': '5000', 'errors.retry.delay.max.ms': '10', ...FAST_GROUP })
    await waitFor(() => lines(output).length === 1, 10_000, 'the line')
    expect(calls).toBe(3)
    void worker
  })

  it('a connector whose start fails is FAILED with its trace; it can be restarted', async () => {
    const { worker, dir } = await setup()
    const plugins = defaultPlugins()
    let failures = 1
    plugins.register({
      className: 'test.FlakyConnector', kind: 'source', version: '1',
      create: () => {
        const real = plugins.connector('FileStreamSource').create()
        return Object.assign(Object.create(Object.getPrototypeOf(real)), real, {
          config: () => real.config(),
          start: (props: Record<string, string>) => {
            if (failures-- > 0) throw new Error('cannot reach the source')
            return real.start(props)
          },
          taskConfigs: (n: number) => real.taskConfigs(n),
          taskClass: () => (real as { taskClass(): () => unknown }).taskClass(),
          stop: () => real.stop(),
        })
      },
    })
    const creek = await openCreek(join(dir, 'data2'))
    cleanups.push(() => creek.close())
    const own = new Worker({ creek, plugins, data: standInData, config: { 'offset.storage.file.filename': join(dir, 'o2') } })
    await own.start()
    cleanups.push(() => own.stop())
    await own.createConnector({ name: 'flaky', 'connector.class': 'FlakyConnector', file: join(dir, 'none.txt'), topic: 't' })
    const failed = own.status('flaky')
    expect(failed.connector.state).toBe('FAILED')
    expect(failed.connector.trace).toMatch(/cannot reach the source/)
    expect(failed.tasks).toEqual([])
    await own.restartConnector('flaky')
    expect(own.status('flaky')).toMatchObject({ connector: { state: 'RUNNING' }, tasks: [{ id: 0 }] })
    void worker
    void vi
  })
})
