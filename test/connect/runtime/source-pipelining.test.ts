/**
 * The source task runner polls again while earlier polls' sends are unacknowledged, and still
 * records offsets (and calls commitRecord) in poll order, only for acknowledged records.
 */
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigDef } from '../../../connect/api/config-def-impl.ts'
import type { SourceConnector, SourceTask } from '../../../connect/api/connector.ts'
import type { SourceRecord } from '../../../connect/api/records.ts'
import { Schemas } from '../../../connect/api/schema-builder.ts'
import { PluginRegistry } from '../../../connect/runtime/plugins.ts'
import { Worker } from '../../../connect/runtime/worker.ts'
import { MAX_SENDS_IN_FLIGHT } from '../../../connect/runtime/worker-source-task.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import { openCreek, standInData, waitFor } from './helpers.ts'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined)
})

/** What the counting task saw, shared with the test. */
interface Seen {
  polls: number
  committed: number[]
  /** Polls at the time each record was acknowledged. */
  pollsAtFirstAck: number | null
}

/** A source of POLLS polls of PER_POLL numbered records into `topic`, one source partition. */
function countingPlugin(seen: Seen, polls: number, perPoll: number, valueBytes = 0) {
  const task = (): SourceTask => {
    let topic = ''
    let next = 0
    return {
      version: '1',
      initialize() {},
      start(props) {
        topic = props.topic ?? ''
      },
      async poll(): Promise<SourceRecord[] | null> {
        if (seen.polls >= polls) {
          await new Promise((r) => setTimeout(r, 10))
          return null
        }
        seen.polls++
        return Array.from({ length: perPoll }, () => {
          const n = next++
          return {
            topic, kafkaPartition: 0, keySchema: null, key: null, valueSchema: Schemas.STRING, value: String(n).padStart(valueBytes, ' '),
            timestamp: null, headers: [], sourcePartition: { source: 'counter' }, sourceOffset: { n },
          }
        })
      },
      commitRecord(record) {
        seen.pollsAtFirstAck ??= seen.polls
        seen.committed.push(record.sourceOffset.n as number)
      },
      stop() {},
    }
  }
  let props: Readonly<Record<string, string>> = {}
  const connector = (): SourceConnector => ({
    kind: 'source',
    version: '1',
    config: () => new ConfigDef().define({ name: 'topic', type: 'STRING', importance: 'HIGH', documentation: 'where' }),
    start(p) {
      props = p
    },
    taskConfigs: () => [{ ...props }],
    stop() {},
    taskClass: () => task,
  })
  return new PluginRegistry([{ className: 'test.CountingSourceConnector', kind: 'source', version: '1', create: connector }])
}

describe('WorkerSourceTask pipelining', () => {
  it('polls on while sends linger, then records offsets and commitRecord in poll order', async () => {
    const dir = tempDir('creek-connect-pipelining-')
    const creek = await openCreek(join(dir, 'data'))
    cleanups.push(() => creek.close())
    await creek.admin().createTopics([{ topic: 'counted', numPartitions: 1 }])
    const seen: Seen = { polls: 0, committed: [], pollsAtFirstAck: null }
    const polls = 12
    const perPoll = 50
    // A long linger keeps each send unacknowledged for a while: the worker must poll meanwhile.
    const worker = new Worker({
      creek, plugins: countingPlugin(seen, polls, perPoll), data: standInData,
      config: { 'offset.storage.file.filename': join(dir, 'offsets'), 'producer.linger.ms': '150' },
    })
    await worker.start()
    cleanups.push(() => worker.stop())
    await worker.createConnector({ name: 'count', config: { 'connector.class': 'CountingSource', topic: 'counted' } })

    await waitFor(() => seen.committed.length === polls * perPoll, 20_000, 'every record acknowledged')
    // Before the first acknowledgement the worker had already polled the next polls, up to its bound.
    expect(seen.pollsAtFirstAck).toBeGreaterThan(1)
    expect(seen.pollsAtFirstAck).toBeLessThanOrEqual(MAX_SENDS_IN_FLIGHT + 1)
    expect(seen.committed.map(Number)).toEqual(Array.from({ length: polls * perPoll }, (_, i) => i))
    await worker.flushOffsets()
    expect(worker.offsets('count').offsets).toEqual([{ partition: { source: 'counter' }, offset: { n: polls * perPoll - 1 } }])
    const end = await creek.admin().fetchTopicOffsets('counted')
    expect(end[0].latest).toBe(polls * perPoll)
  })

  it('a failed send fails the task and records no offset of it or of a later poll', async () => {
    const dir = tempDir('creek-connect-pipelining-')
    const creek = await openCreek(join(dir, 'data'))
    cleanups.push(() => creek.close())
    // Records of 1 KiB against a topic that takes at most 100 bytes per batch: every send fails.
    await creek.admin().createTopics([{ topic: 'tiny', numPartitions: 1, configs: { 'max.message.bytes': '100' } }])
    const seen: Seen = { polls: 0, committed: [], pollsAtFirstAck: null }
    const worker = new Worker({
      creek, plugins: countingPlugin(seen, 5, 20, 1024), data: standInData,
      config: { 'offset.storage.file.filename': join(dir, 'offsets') },
    })
    await worker.start()
    cleanups.push(() => worker.stop())
    await worker.createConnector({ name: 'count', config: { 'connector.class': 'CountingSource', topic: 'tiny' } })

    await waitFor(() => worker.status('count').tasks[0]?.state === 'FAILED', 20_000, 'the task to fail')
    expect(worker.status('count').tasks[0].trace).toMatch(/could not produce to tiny/)
    expect(seen.committed).toEqual([])
    await worker.flushOffsets()
    expect(worker.offsets('count').offsets).toEqual([])
  })
})
