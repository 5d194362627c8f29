import { describe, expect, it } from 'vitest'
import { ListOffsets, type ListOffsetsRequest } from '../../../../core/protocol/apis/list-offsets.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { batchOf } from '../../../helpers/batches.ts'
import { ctx, openBroker, produce } from './data-path-helpers.ts'

const T0 = 1_700_000_000_000

const request = (partitions: { topic?: string; partition?: number; timestamp: number; currentLeaderEpoch?: number }[], isolationLevel = 0): ListOffsetsRequest => {
  const topics: ListOffsetsRequest['topics'] = []
  for (const p of partitions) {
    const name = p.topic ?? 't'
    let topic = topics.find((t) => t.name === name)
    if (!topic) topics.push((topic = { name, partitions: [] }))
    topic.partitions.push({ partitionIndex: p.partition ?? 0, currentLeaderEpoch: p.currentLeaderEpoch ?? -1, timestamp: p.timestamp, maxNumOffsets: 1 })
  }
  return { replicaId: -1, isolationLevel, topics, timeoutMs: 0 }
}

/** A topic `t` with offsets 0-4 stamped T0+10, T0+30 | T0+50 (the max), T0+20 | T0+40 in three batches. */
async function brokerWithData() {
  const broker = await openBroker()
  await broker.logs.createTopic('t', { partitions: 2 })
  await produce(broker, 't', 0, batchOf([{ value: 'a', timestamp: T0 + 10 }, { value: 'b', timestamp: T0 + 30 }]))
  await produce(broker, 't', 0, batchOf([{ value: 'c', timestamp: T0 + 50 }, { value: 'd', timestamp: T0 + 20 }]))
  await produce(broker, 't', 0, batchOf([{ value: 'e', timestamp: T0 + 40 }]))
  return broker
}

const answer = async (broker: Awaited<ReturnType<typeof openBroker>>, timestamp: number, version = 7, isolationLevel = 0) => {
  const response = await broker.handle(ListOffsets, request([{ timestamp }], isolationLevel), ctx(version))
  return response.topics[0].partitions[0]
}

describe('ListOffsets handler', () => {
  it('latest (-1) is the log end, for read_committed the last stable offset; earliest (-2) the log start', async () => {
    const broker = await brokerWithData()
    for (const version of [1, 4, 7]) {
      expect(await answer(broker, -1, version)).toEqual({ partitionIndex: 0, errorCode: 0, oldStyleOffsets: [5], timestamp: -1, offset: 5, leaderEpoch: 0 })
      expect((await answer(broker, -1, version, 1)).offset).toBe(5)
      expect(await answer(broker, -2, version)).toMatchObject({ errorCode: 0, offset: 0, timestamp: -1 })
    }
    broker.logs.log('t', 0)!.deleteRecordsBefore(2)
    expect((await answer(broker, -2)).offset).toBe(2)
    expect((await answer(broker, -4, 8)).offset).toBe(2)
  })

  it('max timestamp (-3) gives the offset and timestamp of the first record with the largest timestamp', async () => {
    const broker = await brokerWithData()
    expect(await answer(broker, -3)).toMatchObject({ errorCode: 0, offset: 2, timestamp: T0 + 50, leaderEpoch: 0 })
    await broker.logs.createTopic('empty', { partitions: 1 })
    const none = await broker.handle(ListOffsets, request([{ topic: 'empty', timestamp: -3 }]), ctx(7))
    expect(none.topics[0].partitions[0]).toEqual({ partitionIndex: 0, errorCode: 0, oldStyleOffsets: [], timestamp: -1, offset: -1, leaderEpoch: -1 })
  })

  it('a timestamp finds the first offset stamped at or after it, else -1', async () => {
    const broker = await brokerWithData()
    expect(await answer(broker, T0)).toMatchObject({ offset: 0, timestamp: T0 + 10 })
    expect(await answer(broker, T0 + 25)).toMatchObject({ offset: 1, timestamp: T0 + 30 })
    expect(await answer(broker, T0 + 35)).toMatchObject({ offset: 2, timestamp: T0 + 50 })
    expect(await answer(broker, T0 + 50)).toMatchObject({ offset: 2, timestamp: T0 + 50 })
    expect(await answer(broker, T0 + 51)).toEqual({ partitionIndex: 0, errorCode: 0, oldStyleOffsets: [], timestamp: -1, offset: -1, leaderEpoch: -1 })
    expect(await answer(broker, -5, 9)).toMatchObject({ errorCode: 0, offset: -1, timestamp: -1 })
  })

  it('v0 answers the offset as a one-element list', async () => {
    const broker = await brokerWithData()
    const response = await broker.handle(ListOffsets, request([{ timestamp: -1 }, { partition: 1, timestamp: -2 }]), ctx(0))
    expect(response.topics[0].partitions.map((p) => [p.partitionIndex, p.errorCode, p.oldStyleOffsets])).toEqual([[0, 0, [5]], [1, 0, [0]]])
  })

  it('answers unknown partitions, future leader epochs and duplicate partitions with errors', async () => {
    const broker = await brokerWithData()
    const response = await broker.handle(ListOffsets, request([
      { topic: 'missing', timestamp: -1 },
      { partition: 7, timestamp: -1 },
      { partition: 1, timestamp: -1, currentLeaderEpoch: 2 },
      { partition: 0, timestamp: -1, currentLeaderEpoch: 0 },
      { topic: 'dup', timestamp: -1 },
      { topic: 'dup', timestamp: -2 },
    ]), ctx(5))
    expect(response.throttleTimeMs).toBe(0)
    expect(response.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.errorCode, p.offset])])).toEqual([
      ['missing', [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1]]],
      ['t', [[7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1], [1, ErrorCode.UNKNOWN_LEADER_EPOCH, -1], [0, 0, 5]]],
      ['dup', [[0, ErrorCode.INVALID_REQUEST, -1], [0, ErrorCode.INVALID_REQUEST, -1]]],
    ])
  })
})
