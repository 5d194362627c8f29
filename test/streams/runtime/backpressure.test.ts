/**
 * Output backpressure, end to end: when the output topic cannot be written to (acks=all on a
 * topic whose min.insync.replicas the single broker cannot meet: every produce is refused with
 * the retriable NOT_ENOUGH_REPLICAS, and the producer retries), the stream thread stops
 * processing once the producer's buffer memory worth of output waits, its input partition is
 * paused, and everything flows again, in order and complete, once the topic accepts writes.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { Creek } from '../../../core/index.ts'
import { serdes } from '../../../serdes/index.ts'
import { mapValues } from '../../../streams/operators/map-values.ts'
import { RECORD_OVERHEAD_BYTES } from '../../../streams/runtime/record-collector.ts'
import { Topology } from '../../../streams/topology/topology.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import { CreekStreams, FAST_BROKER, appOptions, createTopics, memoryLogger, produce, readUntil, waitFor } from './helpers.ts'

const opened: Creek[] = []
const apps: CreekStreams[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close({ timeoutMs: 10_000 })))
  await Promise.all(opened.splice(0).map((c) => c.close()))
})

const RECORDS = 20_000
const VALUE_BYTES = 100
const BUFFER_MEMORY = 64 * 1024

describe('Output backpressure', () => {
  it('stops processing while output waits, pauses the input, and resumes when the output drains', async () => {
    const dir = tempDir('creek-streams-')
    const creek = await Creek.open({ dataDir: `${dir}/data`, config: FAST_BROKER })
    opened.push(creek)
    await createTopics(creek, { in: 1 })
    const admin = creek.admin()
    await admin.createTopics([{ topic: 'out', numPartitions: 1, configs: { 'min.insync.replicas': 2 } }])
    await produce(creek, 'in', Array.from({ length: RECORDS }, (_, i) => ({ key: `k${i}`, value: String(i).padStart(VALUE_BYTES, '0') })))

    let processed = 0
    const s = serdes.string()
    const topology = new Topology()
      .addSource('source', { topics: ['in'], keySerde: s, valueSerde: s })
      .addOperator('count', mapValues<string, string, string>((v) => {
        processed++
        return v
      }), 'source')
      .addSink('sink', 'out', { keySerde: s, valueSerde: s }, 'count')
    const logger = memoryLogger()
    const streams = new CreekStreams(topology, appOptions(creek, `${dir}/state`, {
      logger,
      // No commit during the test: a commit waits for the output, which would hide a missing bound.
      commitIntervalMs: 600_000,
      bufferedRecordsPerPartition: 200,
      producer: { acks: 'all', lingerMs: 1, bufferMemory: BUFFER_MEMORY, retryBackoffMs: 10, retryBackoffMaxMs: 50 },
    }))
    apps.push(streams)
    await streams.start()

    // Output blocked: processing stops at about the buffer memory's worth of records.
    const perRecord = RECORD_OVERHEAD_BYTES + VALUE_BYTES + 1
    const bound = Math.ceil(BUFFER_MEMORY / perRecord) + 1
    await waitFor('the input partition to be paused', () => logger.lines.some((l) => l.includes('paused in-0')))
    await waitFor('processing to stop', async () => {
      const before = processed
      await new Promise((r) => setTimeout(r, 300))
      return processed > 0 && processed === before
    })
    expect(processed).toBeLessThanOrEqual(bound)
    expect(processed).toBeGreaterThan(bound / 2)
    expect(streams.metadata.threads[0].activeTasks).toHaveLength(1)

    // The topic accepts writes again: the retried batches succeed and the rest follows.
    await admin.incrementalAlterConfigs({ type: 'topic', name: 'out' }, [{ name: 'min.insync.replicas', op: 'set', value: '1' }])
    await admin.close()
    const out = await readUntil(creek, 'out', (r) => r.length >= RECORDS, 30_000)
    expect(out).toHaveLength(RECORDS)
    expect(out.map((r) => r.key)).toEqual(Array.from({ length: RECORDS }, (_, i) => `k${i}`))
    expect(processed).toBe(RECORDS)
    expect(logger.lines.some((l) => l.includes('resumed in-0'))).toBe(true)
  }, 60_000)
})
