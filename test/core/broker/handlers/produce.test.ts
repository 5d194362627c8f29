import { describe, expect, it } from 'vitest'
import { Produce } from '../../../../core/protocol/apis/produce.ts'
import { CompressionType } from '../../../../core/protocol/compression/codecs.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { batchCompression } from '../../../../core/protocol/record-batch-header.ts'
import { decodeRecordBatches, encodeRecordBatch } from '../../../../core/protocol/record-batch.ts'
import { batchOf } from '../../../helpers/batches.ts'
import { ctx, fetch, fetchRequest, openBroker, produce, recordsOf } from './data-path-helpers.ts'

const T0 = 1_700_000_000_000

describe('Produce handler', () => {
  it('appends, answers the base offset, and the records come back from Fetch', async () => {
    const broker = await openBroker()
    await broker.logs.createTopic('orders', { partitions: 2 })
    for (const version of [3, 7, 9]) {
      const response = await produce(broker, 'orders', 1, batchOf([{ key: `k${version}`, value: `v${version}` }, { key: null, value: 'x' }]), { version })
      expect(response, `v${version}`).toEqual({
        index: 1, errorCode: 0, baseOffset: { 3: 0, 7: 2, 9: 4 }[version], logAppendTimeMs: -1, logStartOffset: 0,
        recordErrors: [], errorMessage: null, currentLeader: { leaderId: -1, leaderEpoch: -1 },
      })
    }
    const fetched = await fetch(broker, fetchRequest([{ topic: 'orders', partition: 1, fetchOffset: 0 }]))
    expect(await recordsOf(fetched.responses[0].partitions[0].records)).toEqual([
      [0, 'k3', 'v3'], [1, null, 'x'], [2, 'k7', 'v7'], [3, null, 'x'], [4, 'k9', 'v9'], [5, null, 'x'],
    ])
  })

  it('answers every partition of a request, in request order, with a response per topic', async () => {
    const broker = await openBroker()
    await broker.logs.createTopic('a', { partitions: 2 })
    const response = await broker.handle(Produce, {
      transactionalId: null, acks: 1, timeoutMs: 1000,
      topicData: [
        { name: 'a', partitionData: [{ index: 1, records: batchOf([{ value: '1' }]) }, { index: 0, records: batchOf([{ value: '0' }]) }, { index: 5, records: batchOf([{ value: '5' }]) }] },
        { name: 'bad/name', partitionData: [{ index: 0, records: batchOf([{ value: 'x' }]) }] },
      ],
    }, ctx(9))
    expect(response.throttleTimeMs).toBe(0)
    expect(response.responses.map((t) => [t.name, t.partitionResponses.map((p) => [p.index, p.errorCode, p.baseOffset])])).toEqual([
      ['a', [[1, 0, 0], [0, 0, 0], [5, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1]]],
      ['bad/name', [[0, ErrorCode.INVALID_TOPIC_EXCEPTION, -1]]],
    ])
  })

  it('refuses acks other than -1, 0 and 1 with INVALID_REQUIRED_ACKS; acks=0 appends', async () => {
    const broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 1 })
    for (const acks of [2, -2]) {
      const response = await produce(broker, 't', 0, batchOf([{ value: 'v' }]), { acks })
      expect(response).toMatchObject({ errorCode: ErrorCode.INVALID_REQUIRED_ACKS, baseOffset: -1, errorMessage: expect.stringContaining(`${acks}`) })
    }
    expect(broker.logs.log('t', 0)!.logEndOffset).toBe(0)
    expect(Produce.expectsResponse({ transactionalId: null, acks: 0, timeoutMs: 0, topicData: [] })).toBe(false)
    expect((await produce(broker, 't', 0, batchOf([{ value: 'v' }]), { acks: 0 })).errorCode).toBe(0)
    expect(broker.logs.log('t', 0)!.logEndOffset).toBe(1)
  })

  it('auto-creates an unknown topic on first produce, or answers UNKNOWN_TOPIC_OR_PARTITION when disabled', async () => {
    const broker = await openBroker({ 'num.partitions': 2 })
    expect(await produce(broker, 'new-topic', 1, batchOf([{ value: 'v' }]))).toMatchObject({ errorCode: 0, baseOffset: 0 })
    expect(broker.logs.topic('new-topic')?.partitions).toBe(2)
    expect((await produce(broker, 'new-topic2', 2, batchOf([{ value: 'v' }]))).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)

    const strict = await openBroker({ 'auto.create.topics.enable': false })
    expect((await produce(strict, 'nope', 0, batchOf([{ value: 'v' }]))).errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    expect(strict.logs.topic('nope')).toBeUndefined()
  })

  it('maps request and log validation errors to Kafka codes, with an error message', async () => {
    const broker = await openBroker()
    await broker.logs.createTopic('t', { partitions: 1, configs: { 'max.message.bytes': 200 } })
    const corrupt = batchOf([{ value: 'v' }])
    corrupt[corrupt.length - 1] ^= 0xff
    const two = Buffer.concat([batchOf([{ value: 'a' }]), batchOf([{ value: 'b' }])])
    const zstd = await encodeRecordBatch({ records: [{ value: Buffer.from('z'), timestamp: T0 }], compression: CompressionType.Zstd })
    const cases: [Buffer | null, number, number, RegExp][] = [
      [null, 9, ErrorCode.CORRUPT_MESSAGE, /no records/],
      [Buffer.alloc(0), 9, ErrorCode.CORRUPT_MESSAGE, /no records/],
      [corrupt, 9, ErrorCode.CORRUPT_MESSAGE, /CRC/],
      [batchOf([{ value: 'x'.repeat(300) }]), 9, ErrorCode.MESSAGE_TOO_LARGE, /max.message.bytes/],
      [two, 9, ErrorCode.INVALID_RECORD, /exactly one record batch/],
      [zstd, 5, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, /zstd/],
    ]
    for (const [records, version, code, message] of cases) {
      const response = await produce(broker, 't', 0, records, { version })
      expect(response.errorCode, String(message)).toBe(code)
      expect(response.errorMessage).toMatch(message)
      expect([response.baseOffset, response.logStartOffset]).toEqual([-1, -1])
    }
    expect((await produce(broker, 't', 0, zstd, { version: 7 })).errorCode).toBe(0)
    expect(broker.logs.log('t', 0)!.logEndOffset).toBe(1)
  })

  it('refuses producing to internal topics and acks=-1 below min.insync.replicas', async () => {
    const broker = await openBroker()
    expect((await produce(broker, '__consumer_offsets', 0, batchOf([{ key: 'k', value: 'v' }]))).errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION)
    await broker.logs.createTopic('safe', { partitions: 1, configs: { 'min.insync.replicas': 2 } })
    const refused = await produce(broker, 'safe', 0, batchOf([{ value: 'v' }]), { acks: -1 })
    expect(refused).toMatchObject({ errorCode: ErrorCode.NOT_ENOUGH_REPLICAS, errorMessage: expect.stringContaining('min.insync.replicas') })
    expect((await produce(broker, 'safe', 0, batchOf([{ value: 'v' }]), { acks: 1 })).errorCode).toBe(0)
  })

  it('stamps LogAppendTime topics with the broker clock', async () => {
    let now = T0 + 5_000
    const broker = await openBroker({}, () => now)
    await broker.logs.createTopic('stamped', { partitions: 1, configs: { 'message.timestamp.type': 'LogAppendTime' } })
    const response = await produce(broker, 'stamped', 0, batchOf([{ value: 'v', timestamp: T0 }]))
    expect(response).toMatchObject({ errorCode: 0, logAppendTimeMs: T0 + 5_000 })
    now += 1
    const fetched = await fetch(broker, fetchRequest([{ topic: 'stamped', partition: 0, fetchOffset: 0 }]))
    const [batch] = await decodeRecordBatches(fetched.responses[0].partitions[0].records!)
    expect(batch.records[0].timestamp).toBe(T0 + 5_000)
  })

  it('compacted topics refuse records without a key (INVALID_RECORD with record errors), compressed or not', async () => {
    const broker = await openBroker()
    await broker.logs.createTopic('table', { partitions: 1, configs: { 'cleanup.policy': 'compact' } })
    const records = [{ key: Buffer.from('k'), value: Buffer.from('1'), timestamp: T0 }, { key: null, value: Buffer.from('2'), timestamp: T0 }]
    for (const compression of [CompressionType.None, CompressionType.Gzip]) {
      const response = await produce(broker, 'table', 0, await encodeRecordBatch({ records, compression }))
      expect(response).toMatchObject({
        errorCode: ErrorCode.INVALID_RECORD,
        recordErrors: [{ batchIndex: 1, batchIndexErrorMessage: 'Compacted topic cannot accept message without key' }],
        errorMessage: expect.stringContaining('Compacted topic cannot accept message without key'),
      })
    }
    expect(broker.logs.log('table', 0)!.logEndOffset).toBe(0)
    const keyed = await encodeRecordBatch({ records: [records[0], { ...records[0], value: null }], compression: CompressionType.Gzip })
    expect((await produce(broker, 'table', 0, keyed)).errorCode).toBe(0)
    expect(broker.logs.log('table', 0)!.logEndOffset).toBe(2)
  })

  it('re-encodes batches to the topic compression.type, keeping records and producer fields', async () => {
    const broker = await openBroker()
    await broker.logs.createTopic('gz', { partitions: 1, configs: { 'compression.type': 'gzip' } })
    await broker.logs.createTopic('plain', { partitions: 1, configs: { 'compression.type': 'uncompressed' } })
    await broker.logs.createTopic('asis', { partitions: 1 })
    const options = {
      records: [
        { key: Buffer.from('a'), value: Buffer.from('1'), timestamp: T0, headers: [{ key: 'h', value: Buffer.from('x') }] },
        { key: Buffer.from('b'), value: null, timestamp: T0 + 7 },
      ],
      producerId: 42, producerEpoch: 3, baseSequence: 10,
    }
    const plain = await encodeRecordBatch(options)
    const snappy = await encodeRecordBatch({ ...options, compression: CompressionType.Snappy })
    const expectations: [string, Buffer, number][] = [['gz', plain, CompressionType.Gzip], ['plain', snappy, CompressionType.None], ['asis', snappy, CompressionType.Snappy]]
    for (const [topic, batch, codec] of expectations) {
      expect((await produce(broker, topic, 0, Buffer.from(batch))).errorCode, topic).toBe(0)
      const fetched = await fetch(broker, fetchRequest([{ topic, partition: 0, fetchOffset: 0 }]))
      const stored = fetched.responses[0].partitions[0].records!
      expect(batchCompression(stored), topic).toBe(codec)
      const [decoded] = await decodeRecordBatches(stored)
      expect(decoded).toMatchObject({ producerId: 42, producerEpoch: 3, baseSequence: 10, baseOffset: 0, lastOffsetDelta: 1, maxTimestamp: T0 + 7 })
      expect(decoded.records.map((r) => [r.offset, r.key?.toString(), r.value?.toString() ?? null, r.timestamp, r.headers])).toEqual([
        [0, 'a', '1', T0, [{ key: 'h', value: Buffer.from('x') }]], [1, 'b', null, T0 + 7, []],
      ])
    }
  })

  it('keeps request order on a partition when an earlier append needs asynchronous re-encoding', async () => {
    const broker = await openBroker()
    await broker.logs.createTopic('gz', { partitions: 1, configs: { 'compression.type': 'gzip' } })
    const slow = batchOf([{ value: 'first' }, { value: 'second' }]) // uncompressed: re-encoded (async)
    const fast = await encodeRecordBatch({ records: [{ value: Buffer.from('third'), timestamp: T0 }], compression: CompressionType.Gzip })
    const [a, b] = await Promise.all([produce(broker, 'gz', 0, slow), produce(broker, 'gz', 0, fast)])
    expect([a.baseOffset, b.baseOffset]).toEqual([0, 2])
    const fetched = await fetch(broker, fetchRequest([{ topic: 'gz', partition: 0, fetchOffset: 0 }]))
    expect((await recordsOf(fetched.responses[0].partitions[0].records)).map((r) => r[2])).toEqual(['first', 'second', 'third'])
  })

  it('flush.messages=1 answers once the batch is on disk', async () => {
    const broker = await openBroker()
    await broker.logs.createTopic('durable', { partitions: 1, configs: { 'flush.messages': 1 } })
    await broker.logs.createTopic('lazy', { partitions: 1 })
    const responses = await Promise.all([1, 2, 3].map((i) => produce(broker, 'durable', 0, batchOf([{ value: `v${i}` }]))))
    expect(responses.map((r) => r.baseOffset)).toEqual([0, 1, 2])
    expect(broker.logs.log('durable', 0)!.recoveryPoint).toBe(3)
    await produce(broker, 'lazy', 0, batchOf([{ value: 'v' }]))
    expect(broker.logs.log('lazy', 0)!.recoveryPoint).toBe(0)
  })
})
