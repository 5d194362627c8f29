/**
 * Timestamp extractors: Kafka's built-ins (record timestamp failing on invalid ones, log and
 * skip, partition time, wall clock), the `defaultTimestampExtractor` option, a per-source
 * extractor (`Consumed.withTimestampExtractor`) overriding it, and the failure rules.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { serdes } from '../../../serdes/index.ts'
import {
  Consumed, type ConsumedRecord, ExtractRecordMetadataTimestamp, FailOnInvalidTimestamp, LogAndSkipOnInvalidTimestamp, Produced, StreamsBuilder,
  StreamsError, type TimestampExtractor, TopologyTestDriver, type TopologyTestDriverOptions, UsePartitionTimeOnInvalidTimestamp, WallclockTimestampExtractor,
  resolveStreamsConfig,
} from '../../../streams/index.ts'

const string = serdes.string()
const drivers: TopologyTestDriver[] = []
afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close().catch(() => undefined)
})

function echo(extractor?: TimestampExtractor, options: TopologyTestDriverOptions = {}): TopologyTestDriver {
  const builder = new StreamsBuilder()
  const consumed = extractor === undefined ? Consumed.with(string, string) : Consumed.with(string, string).withTimestampExtractor(extractor)
  builder.stream('in', consumed).to('out', Produced.with(string, string))
  const driver = new TopologyTestDriver(builder.build(), options)
  drivers.push(driver)
  return driver
}

function record(timestamp: number, value = 'v'): ConsumedRecord {
  return { topic: 't', partition: 2, offset: 7, timestamp, key: null, value, headers: [] }
}

async function rejection(promise: Promise<unknown>): Promise<StreamsError> {
  try {
    await promise
  } catch (error) {
    return error as StreamsError
  }
  throw new Error('expected a rejection')
}

describe('built-in timestamp extractors (unit)', () => {
  it('FailOnInvalidTimestamp returns the record timestamp and throws STREAMS_INVALID_TIMESTAMP naming the record', () => {
    const extractor = new FailOnInvalidTimestamp()
    expect(extractor.extract(record(0), -1)).toBe(0)
    expect(extractor.extract(record(123), 500)).toBe(123)
    const error = (() => {
      try {
        extractor.extract(record(-1), 500)
      } catch (e) {
        return e as StreamsError
      }
    })()
    expect(error).toBeInstanceOf(StreamsError)
    expect(error?.code).toBe('STREAMS_INVALID_TIMESTAMP')
    expect(error?.message).toContain('t-2 at offset 7')
    expect(error?.retriable).toBe(false)
  })

  it('LogAndSkipOnInvalidTimestamp hands the negative timestamp back (the task drops the record)', () => {
    const extractor = new LogAndSkipOnInvalidTimestamp()
    expect(extractor.extract(record(5), -1)).toBe(5)
    expect(extractor.extract(record(-3), 100)).toBe(-3)
  })

  it('UsePartitionTimeOnInvalidTimestamp falls back to the partition time, and fails when there is none', () => {
    const extractor = new UsePartitionTimeOnInvalidTimestamp()
    expect(extractor.extract(record(5), 100)).toBe(5)
    expect(extractor.extract(record(-3), 100)).toBe(100)
    expect(() => extractor.extract(record(-3), -1)).toThrow(/partition time is unknown/)
  })

  it('WallclockTimestampExtractor returns the current time', () => {
    const before = Date.now()
    const at = new WallclockTimestampExtractor().extract()
    expect(at).toBeGreaterThanOrEqual(before)
    expect(at).toBeLessThanOrEqual(Date.now())
  })

  it('validates defaultTimestampExtractor and maxTaskIdleMs', () => {
    const config = resolveStreamsConfig({ applicationId: 'a' }, '/tmp')
    expect(config.defaultTimestampExtractor).toBeInstanceOf(FailOnInvalidTimestamp)
    expect(config.maxTaskIdleMs).toBe(0)
    expect(resolveStreamsConfig({ applicationId: 'a', maxTaskIdleMs: -1 }, '/tmp').maxTaskIdleMs).toBe(-1)
    expect(() => resolveStreamsConfig({ applicationId: 'a', maxTaskIdleMs: -2 }, '/tmp')).toThrow(/Invalid maxTaskIdleMs: -2/)
    expect(() => resolveStreamsConfig({ applicationId: 'a', defaultTimestampExtractor: 42 as never }, '/tmp')).toThrow(/Invalid defaultTimestampExtractor: 42/)
  })
})

describe('timestamp extractors in a topology', () => {
  it('uses the record timestamp by default and fails the task on a negative one, naming topic, partition and offset', async () => {
    const driver = echo()
    const input = driver.createInputTopic('in', string, string)
    const output = driver.createOutputTopic('out', string, string)
    await input.pipeInput('k', 'a', 1_000)
    expect(output.readRecordsToList().map((r) => r.timestamp)).toEqual([1_000])
    const error = await rejection(input.pipeInput('k', 'b', -5))
    expect(error.code).toBe('STREAMS_INVALID_TIMESTAMP')
    expect(error.message).toContain('in-0 at offset 1')
    expect(error.message).toContain('invalid (negative) timestamp -5')
  })

  it('fails on an invalid timestamp even when the processing handler would continue (it is not a processing error)', async () => {
    const driver = echo(undefined, { processingExceptionHandler: 'log-and-continue' })
    const input = driver.createInputTopic('in', string, string)
    expect((await rejection(input.pipeInput('k', 'b', -1))).code).toBe('STREAMS_INVALID_TIMESTAMP')
  })

  it('LogAndSkipOnInvalidTimestamp as the default drops negative timestamps and counts them in dropped-records', async () => {
    const driver = echo(undefined, { defaultTimestampExtractor: new LogAndSkipOnInvalidTimestamp() })
    const input = driver.createInputTopic('in', string, string)
    const output = driver.createOutputTopic('out', string, string)
    await input.pipeInput('k', 'a', 10)
    await input.pipeInput('k', 'skipped', -1)
    await input.pipeInput('k', 'c', 30)
    expect(output.readRecordsToList().map((r) => [r.value, r.timestamp])).toEqual([['a', 10], ['c', 30]])
    const dropped = driver.metrics().find((m) => m.name === 'dropped-records-total')
    expect(dropped).toEqual({ name: 'dropped-records-total', group: 'stream-task-metrics', tags: { 'thread-id': 'topology-test-driver', 'task-id': '0_0' }, value: 1 })
  })

  it('UsePartitionTimeOnInvalidTimestamp stamps an invalid record with the partition time', async () => {
    const driver = echo(undefined, { defaultTimestampExtractor: new UsePartitionTimeOnInvalidTimestamp() })
    const input = driver.createInputTopic('in', string, string)
    const output = driver.createOutputTopic('out', string, string)
    await input.pipeInput('k', 'a', 50)
    await input.pipeInput('k', 'b', 20)
    await input.pipeInput('k', 'c', -1)
    expect(output.readRecordsToList().map((r) => [r.value, r.timestamp])).toEqual([['a', 50], ['b', 20], ['c', 50]])
  })

  it('UsePartitionTimeOnInvalidTimestamp fails when the first record of a partition is invalid', async () => {
    const driver = echo(new UsePartitionTimeOnInvalidTimestamp())
    const input = driver.createInputTopic('in', string, string)
    const error = await rejection(input.pipeInput('k', 'a', -1))
    expect(error.code).toBe('STREAMS_INVALID_TIMESTAMP')
    expect(error.message).toMatch(/in-0 at offset 0.*partition time is unknown/)
  })

  it('WallclockTimestampExtractor stamps records with processing time', async () => {
    const driver = echo(new WallclockTimestampExtractor())
    const input = driver.createInputTopic('in', string, string)
    const output = driver.createOutputTopic('out', string, string)
    const before = Date.now()
    await input.pipeInput('k', 'a', 5)
    const after = Date.now()
    const [out] = output.readRecordsToList()
    expect(out.timestamp).toBeGreaterThanOrEqual(before)
    expect(out.timestamp).toBeLessThanOrEqual(after)
  })

  it('a source extractor (Consumed.withTimestampExtractor) overrides the default, and sees the deserialized record', async () => {
    const seen: [unknown, number][] = []
    const byValue: TimestampExtractor = (r, partitionTime) => {
      seen.push([r.value, partitionTime])
      return Number(r.value)
    }
    const builder = new StreamsBuilder()
    builder.stream('a', Consumed.with(string, string).withTimestampExtractor(byValue)).to('out', Produced.with(string, string))
    builder.stream('b', Consumed.with(string, string)).to('out', Produced.with(string, string))
    const driver = new TopologyTestDriver(builder.build(), { defaultTimestampExtractor: new LogAndSkipOnInvalidTimestamp() })
    drivers.push(driver)
    const a = driver.createInputTopic('a', string, string)
    const b = driver.createInputTopic('b', string, string)
    const output = driver.createOutputTopic('out', string, string)
    await a.pipeInput('k', '300', 1)
    await a.pipeInput('k', '200', 2)
    await b.pipeInput('k', 'x', -7)
    await b.pipeInput('k', 'y', 9)
    expect(output.readRecordsToList().map((r) => [r.value, r.timestamp])).toEqual([['300', 300], ['200', 200], ['y', 9]])
    expect(seen).toEqual([['300', -1], ['200', 300]])
    // Two sub-topologies: b's task dropped the record.
    expect(driver.metrics().filter((m) => m.name === 'dropped-records-total').map((m) => [m.tags['task-id'], m.value])).toEqual([['0_0', 0], ['1_0', 1]])
  })

  it('accepts Kafka-style extractor classes (subclasses of ExtractRecordMetadataTimestamp)', async () => {
    class ZeroOnInvalid extends ExtractRecordMetadataTimestamp {
      onInvalidTimestamp(): number {
        return 0
      }
    }
    const driver = echo(new ZeroOnInvalid())
    const input = driver.createInputTopic('in', string, string)
    const output = driver.createOutputTopic('out', string, string)
    await input.pipeInput('k', 'a', -9)
    expect(output.readRecordsToList().map((r) => r.timestamp)).toEqual([0])
  })

  it('an extractor that throws fails the task (not the processing handler), naming source and record', async () => {
    const driver = echo(() => {
      throw new Error('no event time')
    }, { processingExceptionHandler: 'log-and-continue' })
    const input = driver.createInputTopic('in', string, string)
    const error = await rejection(input.pipeInput('k', 'a', 1))
    expect(error.code).toBe('STREAMS_PROCESSING')
    expect(error.message).toMatch(/timestamp extractor .* of source KSTREAM-SOURCE-0000000000 \(task 0_0\) threw on the record of in-0 at offset 0: no event time/)
  })

  it('an extractor returning a non-finite time drops the record', async () => {
    const driver = echo(() => Number.NaN)
    const input = driver.createInputTopic('in', string, string)
    const output = driver.createOutputTopic('out', string, string)
    await input.pipeInput('k', 'a', 1)
    expect(output.readRecordsToList()).toEqual([])
    expect(driver.metrics().find((m) => m.name === 'dropped-records-total')?.value).toBe(1)
  })
})
