import { concatMap, delay, map, of } from 'rxjs'
import { describe, expect, it } from 'vitest'
import { serdes, type Serde } from '../../../serdes/index.ts'
import {
  DEAD_LETTER_HEADERS, type Processor, type ProcessorContext, type RecordMetadata, type StreamRecord, StreamsError, TaskPipeline, Topology,
  withValue,
} from '../../../streams/index.ts'
import { mapValues } from '../../../streams/operators/map-values.ts'
import { passThrough } from '../../../streams/operators/pass-through.ts'
import { pipeRecords } from '../../../streams/operators/pipe-records.ts'
import { FakeTaskRuntime, input } from '../helpers/fake-task-runtime.ts'

const string = serdes.string()

/** A processor that records what it saw and forwards it, upper-cased, to all children or one. */
function recorder(seen: string[], name: string, to?: string): () => Processor<string, string, string, string> {
  return () => {
    let context: ProcessorContext<string, string>
    return {
      init(ctx) {
        context = ctx
      },
      process(record) {
        seen.push(`${name}:${record.value}`)
        context.forward(withValue(record, `${record.value}>${name}`), to)
      },
    }
  }
}

function asyncSerde<T>(inner: Serde<T>): Serde<T> {
  return {
    serialize: async (topic, value, headers) => inner.serialize(topic, value, headers),
    deserialize: async (topic, data, headers) => inner.deserialize(topic, data, headers),
  }
}

describe('TaskPipeline: processing', () => {
  it('processes synchronously, returning nothing, and sends at sinks', () => {
    const topology = new Topology()
      .addSource('source', { topics: ['in'], keySerde: string, valueSerde: string })
      .addOperator('upper', mapValues((v: string) => v.toUpperCase()), 'source')
      .addSink('sink', 'out', { keySerde: string, valueSerde: string }, 'upper')
    const runtime = new FakeTaskRuntime()
    const pipeline = TaskPipeline.create(topology, 0, runtime)
    expect(pipeline.process(input('in', 'k', 'hello', 42))).toBeUndefined()
    expect(runtime.sentText()).toEqual([{ topic: 'out', key: 'k', value: 'HELLO' }])
    expect(runtime.sent[0].timestamp).toBe(42)
    expect(pipeline.streamTime).toBe(42)
  })

  it('forwards depth-first to children in the order they were added, or to a named child', () => {
    const seen: string[] = []
    const topology = new Topology()
      .addSource('source', { topics: ['in'], keySerde: string, valueSerde: string })
      .addProcessor('a', recorder(seen, 'a'), 'source')
      .addProcessor('a1', recorder(seen, 'a1'), 'a')
      .addProcessor('a2', recorder(seen, 'a2'), 'a')
      .addProcessor('b', recorder(seen, 'b', 'b2'), 'source')
      .addProcessor('b1', recorder(seen, 'b1'), 'b')
      .addProcessor('b2', recorder(seen, 'b2'), 'b')
    TaskPipeline.create(topology, 0, new FakeTaskRuntime()).process(input('in', 'k', 'v'))
    expect(seen).toEqual(['a:v', 'a1:v>a', 'a2:v>a', 'b:v', 'b2:v>b'])
  })

  it('fuses operator chains and feeds operators that hang off processors or have several parents', () => {
    const topology = new Topology()
      .addSource('s1', { topics: ['in1'], keySerde: string, valueSerde: string })
      .addSource('s2', { topics: ['in2'], keySerde: string, valueSerde: string })
      .addOperator('m1', mapValues((v: string) => `${v}1`), 's1')
      .addOperator('m2', mapValues((v: string) => `${v}2`), 'm1')
      .addOperator('merge', passThrough(), 'm2', 's2')
      .addProcessor('p', recorder([], 'p'), 'merge')
      .addOperator('after', mapValues((v: string) => `${v}!`), 'p')
      .addSink('sink', 'out', { keySerde: string, valueSerde: string }, 'after')
    const runtime = new FakeTaskRuntime()
    const pipeline = TaskPipeline.create(topology, 0, runtime)
    pipeline.process(input('in1', 'k', 'a'))
    pipeline.process(input('in2', 'k', 'b'))
    expect(runtime.sentText().map((r) => r.value)).toEqual(['a12>p!', 'b>p!'])
  })

  it('gives processors their record metadata, stream time, system time and commit requests', () => {
    const seen: (RecordMetadata | null)[] = []
    const times: number[] = []
    const topology = new Topology()
      .addSource('source', { topics: ['in'], keySerde: string, valueSerde: string })
      .addProcessor('p', () => {
        let context: ProcessorContext
        return {
          init: (ctx) => void (context = ctx),
          process() {
            const metadata = context.recordMetadata()
            seen.push(metadata === null ? null : { topic: metadata.topic, partition: metadata.partition, offset: metadata.offset })
            times.push(context.currentStreamTimeMs(), context.currentSystemTimeMs())
            context.commit()
          },
        }
      }, 'source')
    const runtime = new FakeTaskRuntime()
    const pipeline = TaskPipeline.create(topology, 0, runtime)
    const record = input('in', 'k', 'v', 500)
    pipeline.process(record)
    pipeline.process(input('in', 'k', 'v', 300))
    expect(seen[0]).toEqual({ topic: 'in', partition: 0, offset: record.offset })
    expect(times).toEqual([500, 1000, 500, 1000])
    expect(runtime.commits).toBe(2)
  })

  it('restricts stores to connected ones and names the missing one', () => {
    const topology = new Topology()
      .addSource('source', { topics: ['in'] })
      .addProcessor('p', () => ({ init: (ctx) => void ctx.getStateStore('nope'), process() {} }), 'source')
    expect(() => TaskPipeline.create(topology, 0, new FakeTaskRuntime())).toThrow(/Processor p has no access to state store nope/)
  })

  it('reads pattern sources and prefixes internal topics with the application id', () => {
    const topology = new Topology()
      .addSource('source', { pattern: /in-\d+/, keySerde: string, valueSerde: string })
      .addInternalTopic('x-repartition')
      .addSink('to-x', 'x-repartition', { keySerde: string, valueSerde: string }, 'source')
      .addSource('from-x', { topics: ['x-repartition'], keySerde: string, valueSerde: string })
      .addSink('out', 'out', { keySerde: string, valueSerde: string }, 'from-x')
    const first = new FakeTaskRuntime({ applicationId: 'app' })
    TaskPipeline.create(topology, 0, first).process(input('in-7', 'k', 'v'))
    expect(first.sent.map((r) => r.topic)).toEqual(['app-x-repartition'])
    const second = new FakeTaskRuntime({ applicationId: 'app' }, 1)
    const pipeline = TaskPipeline.create(topology, 1, second)
    expect(pipeline.sourceTopics).toEqual(['app-x-repartition'])
    pipeline.process(input('app-x-repartition', 'k', 'v'))
    expect(second.sent.map((r) => r.topic)).toEqual(['out'])
    expect(() => pipeline.process(input('elsewhere', 'k', 'v'))).toThrow(/has no source for topic elsewhere/)
    expect(() => TaskPipeline.create(topology, 0, first).process(input('in-x', 'k', 'v'))).toThrow(/no source for topic in-x/)
  })

  it('applies the timestamp extractor, drops invalid timestamps and fails on a throwing extractor', () => {
    const topology = new Topology()
      .addSource('source', {
        topics: ['in'], keySerde: string, valueSerde: string,
        timestampExtractor: (record, partitionTime) => {
          if (record.value === 'boom') throw new Error('no time')
          return record.value === 'late' ? partitionTime - 1 : Number(record.value)
        },
      })
      .addSink('sink', 'out', { keySerde: string, valueSerde: string }, 'source')
    const runtime = new FakeTaskRuntime()
    const pipeline = TaskPipeline.create(topology, 0, runtime)
    pipeline.process(input('in', 'k', '700'))
    pipeline.process(input('in', 'k', 'late'))
    pipeline.process(input('in', 'k', '-5'))
    expect(runtime.sent.map((r) => r.timestamp)).toEqual([700, 699])
    expect(pipeline.metrics.droppedRecords).toBe(1)
    expect(runtime.lines.some((l) => l.level === 'warn' && /negative extracted timestamp/.test(l.message) && l.fields?.extractedTimestamp === -5)).toBe(true)
    const error = (() => {
      try {
        pipeline.process(input('in', 'k', 'boom'))
      } catch (e) {
        return e as StreamsError
      }
    })()
    expect(error?.code).toBe('STREAMS_PROCESSING')
    expect(error?.message).toMatch(/timestamp extractor .* of source source \(task 0_0\) threw on the record of in-0 at offset \d+: no time/)
  })

  it('uses a partitioner when the topic has a known partition count', () => {
    const topology = new Topology()
      .addSource('source', { topics: ['in'], keySerde: string, valueSerde: string })
      .addSink('sink', 'out', { keySerde: string, valueSerde: string, partitioner: (_t, key: string, _v, n) => key.length % n }, 'source')
    const runtime = new FakeTaskRuntime()
    runtime.partitions.set('out', 3)
    TaskPipeline.create(topology, 0, runtime).process(input('in', 'abcd', 'v'))
    expect(runtime.sent[0].partition).toBe(1)
  })
})

describe('TaskPipeline: fused operator chains', () => {
  it('runs record operators around a pipe() in order, a failing step dropping only its record', () => {
    const topology = new Topology()
      .addSource('source', { topics: ['in'], keySerde: string, valueSerde: string })
      .addOperator('trim', mapValues((v: string) => v.trim()), 'source')
      .addOperator('check', mapValues((v: string) => {
        if (v === 'bad') throw new Error('bad value')
        return v
      }), 'trim')
      .addOperator('piped', pipeRecords([map((r: StreamRecord<string, string>) => withValue(r, `${r.value}|`))]), 'check')
      .addOperator('upper', mapValues((v: string) => v.toUpperCase()), 'piped')
      .addOperator('bang', mapValues((v: string) => `${v}!`), 'upper')
      .addSink('sink', 'out', { keySerde: string, valueSerde: string }, 'bang')
    const runtime = new FakeTaskRuntime({ processingExceptionHandler: 'log-and-continue' })
    const pipeline = TaskPipeline.create(topology, 0, runtime)
    for (const value of [' a ', 'bad', 'b']) expect(pipeline.process(input('in', 'k', value))).toBeUndefined()
    expect(runtime.sentText().map((r) => r.value)).toEqual(['A|!', 'B|!'])
    expect(runtime.lines.some((l) => l.level === 'warn' && /check/.test(JSON.stringify(l)))).toBe(true)
  })
})

describe('TaskPipeline: asynchronous work', () => {
  it('returns a promise only when a serde answers asynchronously, and keeps output order', async () => {
    const topology = new Topology()
      .addSource('source', { topics: ['in'], keySerde: asyncSerde(string), valueSerde: string })
      .addSink('sink', 'out', { keySerde: string, valueSerde: asyncSerde(string) }, 'source')
    const runtime = new FakeTaskRuntime()
    const pipeline = TaskPipeline.create(topology, 0, runtime)
    const pending = pipeline.process(input('in', 'k', 'v1'))
    expect(pending).toBeInstanceOf(Promise)
    expect(() => pipeline.process(input('in', 'k', 'v2'))).toThrow(/while earlier work is still running/)
    await pending
    await pipeline.process(input('in', 'k', 'v2'))
    expect(runtime.sentText().map((r) => r.value)).toEqual(['v1', 'v2'])
  })

  it('keeps order through asynchronous user operators, one record at a time', async () => {
    const topology = new Topology()
      .addSource('source', { topics: ['in'], keySerde: string, valueSerde: string })
      .addOperator('split', (ctx) => (source) => source.pipe(concatMap((r) => of(r, withValue(r, `${r.value}+`)))), 'source')
      .addOperator('slow', pipeRecords([concatMap((r: StreamRecord<string, string>) => of(withValue(r, `${r.value}!`)).pipe(delay(r.value.endsWith('+') ? 1 : 5)))]), 'split')
      .addSink('sink', 'out', { keySerde: string, valueSerde: string }, 'slow')
    const runtime = new FakeTaskRuntime()
    const pipeline = TaskPipeline.create(topology, 0, runtime)
    await pipeline.process(input('in', 'k', 'a'))
    await pipeline.process(input('in', 'k', 'b'))
    expect(runtime.sentText().map((r) => r.value)).toEqual(['a!', 'a+!', 'b!', 'b+!'])
  })

  it('stays synchronous when user operators complete synchronously', () => {
    const topology = new Topology()
      .addSource('source', { topics: ['in'], keySerde: string, valueSerde: string })
      .addOperator('pipe', pipeRecords([map((r: StreamRecord<string, string>) => withValue(r, r.value.length))]), 'source')
      .addSink('sink', 'out', { keySerde: string, valueSerde: serdes.int32() }, 'pipe')
    const runtime = new FakeTaskRuntime()
    expect(TaskPipeline.create(topology, 0, runtime).process(input('in', 'k', 'four'))).toBeUndefined()
    expect(runtime.sent[0].value?.readInt32BE(0)).toBe(4)
  })

  it('gives records forwarded by async operators the metadata of the record that caused them', async () => {
    const offsets: (number | undefined)[] = []
    const topology = new Topology()
      .addSource('source', { topics: ['in'], keySerde: string, valueSerde: string })
      .addOperator('wait', pipeRecords([delay(1)]), 'source')
      .addProcessor('p', () => {
        let context: ProcessorContext
        return { init: (c) => void (context = c), process: () => void offsets.push(context.recordMetadata()?.offset) }
      }, 'wait')
    const pipeline = TaskPipeline.create(topology, 0, new FakeTaskRuntime())
    const record = input('in', 'k', 'v')
    await pipeline.process(record)
    expect(offsets).toEqual([record.offset])
  })
})

describe('TaskPipeline: exception handlers', () => {
  const throwing = (): Topology =>
    new Topology()
      .addSource('source', { topics: ['in'], keySerde: string, valueSerde: string })
      .addOperator('boom', mapValues((v: string) => {
        if (v === 'bad') throw new Error('bad value')
        return v
      }), 'source')
      .addSink('sink', 'out', { keySerde: string, valueSerde: string }, 'boom')

  it('log-and-continue skips the record at the failing node and logs it', () => {
    const runtime = new FakeTaskRuntime({ processingExceptionHandler: 'log-and-continue' })
    const pipeline = TaskPipeline.create(throwing(), 0, runtime)
    pipeline.process(input('in', 'k', 'bad'))
    pipeline.process(input('in', 'k', 'good'))
    expect(runtime.sentText().map((r) => r.value)).toEqual(['good'])
    expect(runtime.lines[0]).toMatchObject({ level: 'warn', message: expect.stringMatching(/Processor boom of task 0_0 failed .*in-0 at offset \d+: bad value; skipping it/) })
  })

  it('log-and-fail throws STREAMS_PROCESSING naming the node, topic, partition and offset', () => {
    const runtime = new FakeTaskRuntime()
    const pipeline = TaskPipeline.create(throwing(), 0, runtime)
    const record = input('in', 'k', 'bad')
    let error: StreamsError | undefined
    try {
      pipeline.process(record)
    } catch (e) {
      error = e as StreamsError
    }
    expect(error).toBeInstanceOf(StreamsError)
    expect(error?.code).toBe('STREAMS_PROCESSING')
    expect(error?.message).toContain(`Processor boom of task 0_0 failed on the record from in-0 at offset ${record.offset}: bad value`)
    expect((error?.cause as Error).message).toBe('bad value')
    pipeline.process(input('in', 'k', 'next'))
    expect(runtime.sentText().map((r) => r.value)).toEqual(['next'])
  })

  it('a dead-letter topic gets the raw input record with __streams.errors.* headers', () => {
    const runtime = new FakeTaskRuntime({ processingExceptionHandler: { deadLetterTopic: 'dlt' } })
    const record = input('in', 'k', 'bad', 77, [{ key: 'trace', value: Buffer.from('1') }])
    TaskPipeline.create(throwing(), 0, runtime).process(record)
    expect(runtime.sent).toHaveLength(1)
    const dead = runtime.sent[0]
    expect(dead).toMatchObject({ topic: 'dlt', key: Buffer.from('k'), value: Buffer.from('bad'), timestamp: 77 })
    const headers = Object.fromEntries(dead.headers.map((h) => [h.key, h.value?.toString()]))
    expect(headers).toMatchObject({
      trace: '1',
      [DEAD_LETTER_HEADERS.exception]: 'Error',
      [DEAD_LETTER_HEADERS.message]: 'bad value',
      [DEAD_LETTER_HEADERS.topic]: 'in',
      [DEAD_LETTER_HEADERS.partition]: '0',
      [DEAD_LETTER_HEADERS.offset]: String(record.offset),
    })
    expect(headers[DEAD_LETTER_HEADERS.stacktrace]).toContain('bad value')
  })

  it('a handler function decides, synchronously or with a promise', async () => {
    const calls: string[] = []
    const runtime = new FakeTaskRuntime({
      processingExceptionHandler: async (error, context) => {
        calls.push(`${error.message}@${context.processorName}:${context.value?.toString()}`)
        return calls.length === 1 ? 'continue' : 'fail'
      },
    })
    const pipeline = TaskPipeline.create(throwing(), 0, runtime)
    await pipeline.process(input('in', 'k', 'bad'))
    await expect(pipeline.process(input('in', 'k', 'bad'))).rejects.toThrow(/decided to fail the task/)
    expect(calls).toEqual(['bad value@boom:bad', 'bad value@boom:bad'])
  })

  it('processor errors go to the handler; other branches still get the record', () => {
    const seen: string[] = []
    const topology = new Topology()
      .addSource('source', { topics: ['in'], keySerde: string, valueSerde: string })
      .addProcessor('fails', () => ({ process: () => { throw new Error('nope') } }), 'source')
      .addProcessor('works', recorder(seen, 'works'), 'source')
    const runtime = new FakeTaskRuntime({ processingExceptionHandler: 'log-and-continue' })
    TaskPipeline.create(topology, 0, runtime).process(input('in', 'k', 'v'))
    expect(seen).toEqual(['works:v'])
    expect(runtime.lines[0].message).toMatch(/Processor fails of task 0_0 failed/)
  })

  it('deserialization errors go to the deserialization handler', () => {
    const topology = new Topology()
      .addSource('source', { topics: ['in'], keySerde: string, valueSerde: serdes.int32() })
      .addSink('sink', 'out', { keySerde: string, valueSerde: serdes.int32() }, 'source')
    const failing = TaskPipeline.create(topology, 0, new FakeTaskRuntime())
    expect(() => failing.process(input('in', 'k', 'xx'))).toThrow(expect.objectContaining({
      code: 'STREAMS_DESERIALIZATION', message: expect.stringMatching(/Source source of task 0_0 could not deserialize the record from in-0/),
    }))
    const runtime = new FakeTaskRuntime({ deserializationExceptionHandler: { deadLetterTopic: 'dlt' } })
    TaskPipeline.create(topology, 0, runtime).process(input('in', 'k', 'xx'))
    expect(runtime.sentText()).toEqual([{ topic: 'dlt', key: 'k', value: 'xx' }])
  })

  it('async deserialization failures go to the handler too', async () => {
    const broken: Serde<string> = { serialize: () => null, deserialize: async () => { throw new Error('registry down') } }
    const topology = new Topology().addSource('source', { topics: ['in'], valueSerde: broken }).addSink('sink', 'out', {}, 'source')
    const runtime = new FakeTaskRuntime({ deserializationExceptionHandler: 'log-and-continue' })
    await TaskPipeline.create(topology, 0, runtime).process(input('in', 'k', 'v'))
    expect(runtime.sent).toEqual([])
    expect(runtime.lines[0].message).toMatch(/could not deserialize .* registry down/)
  })

  it('serialization errors at sinks go to the production handler', () => {
    const topology = new Topology()
      .addSource('source', { topics: ['in'], keySerde: string, valueSerde: string })
      .addSink('sink', 'out', { keySerde: string, valueSerde: serdes.int32() as Serde<unknown> }, 'source')
    expect(() => TaskPipeline.create(topology, 0, new FakeTaskRuntime()).process(input('in', 'k', 'v'))).toThrow(expect.objectContaining({
      code: 'STREAMS_PRODUCTION', message: expect.stringMatching(/Sink sink of task 0_0 could not write the record from in-0 at offset \d+ to out/),
    }))
    const runtime = new FakeTaskRuntime({ productionExceptionHandler: 'log-and-continue' })
    TaskPipeline.create(topology, 0, runtime).process(input('in', 'k', 'v'))
    expect(runtime.sent).toEqual([])
  })

  it('an error in a user RxJS operator drops that record only', async () => {
    const topology = new Topology()
      .addSource('source', { topics: ['in'], keySerde: string, valueSerde: string })
      .addOperator('pipe', pipeRecords([concatMap(async (r: StreamRecord<string, string>) => {
        if (r.value === 'bad') throw new Error('async boom')
        return r
      })]), 'source')
      .addSink('sink', 'out', { keySerde: string, valueSerde: string }, 'pipe')
    const runtime = new FakeTaskRuntime({ processingExceptionHandler: 'log-and-continue' })
    const pipeline = TaskPipeline.create(topology, 0, runtime)
    await pipeline.process(input('in', 'k', 'bad'))
    await pipeline.process(input('in', 'k', 'ok'))
    expect(runtime.sentText().map((r) => r.value)).toEqual(['ok'])
    expect(runtime.lines[0].message).toMatch(/Processor pipe of task 0_0 failed .*async boom/)
    const failing = TaskPipeline.create(topology, 0, new FakeTaskRuntime())
    await expect(failing.process(input('in', 'k', 'bad'))).rejects.toMatchObject({ code: 'STREAMS_PROCESSING' })
  })

  it('refuses records after close', () => {
    const pipeline = TaskPipeline.create(throwing(), 0, new FakeTaskRuntime())
    pipeline.close()
    expect(() => pipeline.process(input('in', 'k', 'v'))).toThrow(expect.objectContaining({ code: 'STREAMS_CLOSED' }))
  })
})
