/**
 * Stream time and partition time in the topology test driver: stream time only moves forward,
 * out-of-order records keep it, a task reading two topics processes the head with the lowest
 * (extracted) timestamp, and `maxTaskIdleMs` decides whether it waits for an empty topic.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { serdes } from '../../../serdes/index.ts'
import {
  Consumed, type Processor, type ProcessorContext, type StreamRecord, Topology, TopologyTestDriver, type TopologyTestDriverOptions,
} from '../../../streams/index.ts'
import { PartitionGroup } from '../../../streams/runtime/partition-group.ts'
import { StampedRecord } from '../../../streams/topology/stamped-record.ts'

const string = serdes.string()
const drivers: TopologyTestDriver[] = []
afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close().catch(() => undefined)
})

/** Sources on `topics` (one sub-topology) → a processor that logs `topic:value@timestamp/streamTime` and forwards → out. */
function merged(topics: readonly string[], log: string[], extractor?: (value: string) => number): Topology {
  const topology = new Topology()
  for (const topic of topics) {
    topology.addSource(`src-${topic}`, {
      topics: [topic], keySerde: string, valueSerde: string,
      timestampExtractor: extractor === undefined ? undefined : (r) => extractor(r.value as string),
    })
  }
  return topology
    .addProcessor('log', (): Processor<string, string, string, string> => {
      let context: ProcessorContext<string, string>
      return {
        init: (c) => void (context = c),
        process: (r: StreamRecord<string, string>) => {
          log.push(`${context.recordMetadata()?.topic}:${r.value}@${r.timestamp}/${context.currentStreamTimeMs()}`)
          context.forward(r)
        },
      }
    }, ...topics.map((t) => `src-${t}`))
    .addSink('sink', 'out', { keySerde: string, valueSerde: string }, 'log')
}

function open(topology: Topology, options: TopologyTestDriverOptions = {}): TopologyTestDriver {
  const driver = new TopologyTestDriver(topology, { initialWallClockTimeMs: 0, ...options })
  drivers.push(driver)
  return driver
}

describe('stream time', () => {
  it('is the largest timestamp processed: it only moves forward, out-of-order records keep their own timestamp', async () => {
    const log: string[] = []
    const driver = open(merged(['in'], log))
    const input = driver.createInputTopic('in', string, string)
    const output = driver.createOutputTopic('out', string, string)
    for (const [value, ts] of [['a', 10], ['b', 30], ['late', 20], ['c', 40], ['later', 5]] as const) await input.pipeInput('k', value, ts)
    expect(log).toEqual(['in:a@10/10', 'in:b@30/30', 'in:late@20/30', 'in:c@40/40', 'in:later@5/40'])
    expect(output.readRecordsToList().map((r) => r.timestamp)).toEqual([10, 30, 20, 40, 5])
  })

  it('with maxTaskIdleMs 0 (default) processes each piped record at once, in piping order', async () => {
    const log: string[] = []
    const driver = open(merged(['a', 'b'], log))
    const a = driver.createInputTopic('a', string, string)
    const b = driver.createInputTopic('b', string, string)
    await a.pipeInput('k', 'a1', 30)
    await b.pipeInput('k', 'b1', 10)
    await a.pipeInput('k', 'a2', 20)
    expect(log).toEqual(['a:a1@30/30', 'b:b1@10/30', 'a:a2@20/30'])
  })

  it('picks the head with the lowest timestamp across the topics of a task, and waits for an empty topic up to maxTaskIdleMs', async () => {
    const log: string[] = []
    const driver = open(merged(['a', 'b'], log), { maxTaskIdleMs: 1_000 })
    const a = driver.createInputTopic('a', string, string)
    const b = driver.createInputTopic('b', string, string)
    await a.pipeInput('k', 'a10', 10)
    await a.pipeInput('k', 'a30', 30)
    expect(log).toEqual([]) // b is empty: the task waits
    await b.pipeInput('k', 'b20', 20)
    // Both buffered: a10 (lowest), then b20; then b is empty again and a30 waits.
    expect(log).toEqual(['a:a10@10/10', 'b:b20@20/20'])
    await driver.advanceWallClockTime(999)
    expect(log).toHaveLength(2)
    await driver.advanceWallClockTime(1)
    expect(log).toEqual(['a:a10@10/10', 'b:b20@20/20', 'a:a30@30/30'])
    expect(driver.metrics().find((m) => m.name === 'enforced-processing-total')?.value).toBe(1)
  })

  it('orders by the extracted timestamp, not the record timestamp', async () => {
    const log: string[] = []
    const driver = open(merged(['a', 'b'], log, (v) => Number(v.slice(1))), { maxTaskIdleMs: 10_000 })
    const a = driver.createInputTopic('a', string, string)
    const b = driver.createInputTopic('b', string, string)
    await a.pipeInput('k', 'a5', 100) // record time 100, event time 5
    await a.pipeInput('k', 'a50', 1)
    await b.pipeInput('k', 'b7', 0)
    await b.pipeInput('k', 'b60', 0)
    expect(log).toEqual(['a:a5@5/5', 'b:b7@7/7', 'a:a50@50/50'])
  })

  it('with maxTaskIdleMs -1 never waits', async () => {
    const log: string[] = []
    const driver = open(merged(['a', 'b'], log), { maxTaskIdleMs: -1 })
    const a = driver.createInputTopic('a', string, string)
    await a.pipeInput('k', 'a1', 30)
    expect(log).toEqual(['a:a1@30/30'])
  })
})

describe('PartitionGroup time', () => {
  const a = { topic: 'a', partition: 0 }
  const b = { topic: 'b', partition: 0 }
  const raw = (offset: number, timestamp: number) => ({ offset, timestamp, key: null, value: null, headerList: [] })

  it('keeps a partition time per partition (largest stamped), and skips records the stamper drops', () => {
    const g = new PartitionGroup([a, b], {
      stamper: (input, partitionTime) => (input.timestamp < 0 ? null : new StampedRecord(input, input.timestamp, partitionTime, null, null, true)),
    })
    g.add(a, [raw(0, 50), raw(1, -1), raw(2, 10)])
    g.add(b, [raw(0, 20)])
    expect(g.nextStamped()?.input.topic).toBe('b')
    expect(g.partitionTime(a)).toBe(50)
    expect(g.partitionTime(b)).toBe(20)
    expect(g.nextStamped()?.timestamp).toBe(50)
    g.markProcessed(0)
    expect(g.nextStamped()?.input.offset).toBe(2) // offset 1 dropped
    expect(g.droppedRecords).toBe(1)
    expect(g.partitionTime(a)).toBe(50)
    expect(g.buffered).toBe(0)
    g.setPartitionTime(b, 5) // never backwards
    expect(g.partitionTime(b)).toBe(20)
  })

  it('readyToProcess: waits while an empty partition has an unknown or positive lag, then up to maxTaskIdleMs once caught up', () => {
    let lag: number | null = null
    const g = new PartitionGroup([a, b], { maxTaskIdleMs: 100, lag: (tp) => (tp.topic === 'b' ? lag : 0) })
    g.add(a, [raw(0, 1)])
    expect(g.readyToProcess(1_000)).toBe(false)
    lag = 3
    expect(g.readyToProcess(1_000)).toBe(false)
    lag = 0
    expect(g.readyToProcess(1_000)).toBe(false)
    expect(g.nextIdleDeadline).toBe(1_100)
    expect(g.readyToProcess(1_099)).toBe(false)
    expect(g.readyToProcess(1_100)).toBe(true)
    expect(g.enforcedProcessing).toBe(1)
    g.add(b, [raw(0, 2)])
    expect(g.readyToProcess(1_100)).toBe(true)
    expect(g.nextIdleDeadline).toBe(Infinity)
    const never = new PartitionGroup([a, b], { maxTaskIdleMs: -1, lag: () => null })
    never.add(a, [raw(0, 1)])
    expect(never.readyToProcess(0)).toBe(true)
  })
})
