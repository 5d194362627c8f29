import { describe, expect, it } from 'vitest'
import { OffsetCommit } from '../../../../core/protocol/apis/offset-commit.ts'
import { OffsetFetch, type OffsetFetchRequest } from '../../../../core/protocol/apis/offset-fetch.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { call, openGroupBroker } from './group-helpers.ts'

const single = (groupId: string, topics: OffsetFetchRequest['topics']): OffsetFetchRequest => ({ groupId, topics, groups: [], requireStable: false })
const NOTHING = { committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }

async function withCommits() {
  const broker = await openGroupBroker()
  await call(broker, OffsetCommit, 8, {
    groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1,
    topics: [
      { name: 'orders', partitions: [{ partitionIndex: 1, committedOffset: 5, committedLeaderEpoch: 2, commitTimestamp: -1, committedMetadata: null }] },
      { name: 'payments', partitions: [{ partitionIndex: 0, committedOffset: 8, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: 'x' }] },
    ],
  })
  return broker
}

describe('OffsetFetch handler', () => {
  it('v1–7: the requested partitions, -1 and "" where nothing is committed; null topics (v2+) means every commit', async () => {
    const broker = await withCommits()
    for (const version of [1, 4, 7]) {
      const response = await call(broker, OffsetFetch, version, single('g', [{ name: 'orders', partitionIndexes: [0, 1] }]))
      expect(response.errorCode).toBe(0)
      expect(response.topics).toEqual([{
        name: 'orders',
        partitions: [
          { partitionIndex: 0, ...NOTHING },
          { partitionIndex: 1, committedOffset: 5, committedLeaderEpoch: version >= 5 ? 2 : -1, metadata: '', errorCode: 0 },
        ],
      }])
    }
    const all = await call(broker, OffsetFetch, 2, single('g', null))
    expect(all.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata])]).sort()).toEqual([
      ['orders', [[1, 5, '']]], ['payments', [[0, 8, 'x']]],
    ])
  })

  it('v8: one answer per group, in request order, null topics meaning all', async () => {
    const broker = await withCommits()
    const response = await call(broker, OffsetFetch, 8, {
      groupId: '', topics: [], requireStable: false,
      groups: [
        { groupId: 'unknown', memberId: null, memberEpoch: -1, topics: null },
        { groupId: 'g', memberId: null, memberEpoch: -1, topics: [{ name: 'payments', partitionIndexes: [0, 1] }] },
      ],
    })
    expect(response.groups).toEqual([
      { groupId: 'unknown', errorCode: 0, topics: [] },
      { groupId: 'g', errorCode: 0, topics: [{ name: 'payments', partitions: [{ partitionIndex: 0, committedOffset: 8, committedLeaderEpoch: -1, metadata: 'x', errorCode: 0 }, { partitionIndex: 1, ...NOTHING }] }] },
    ])
  })

  it('a group-level error: per partition in v1, top-level with no topics in v2–7, per group with no topics in v8', async () => {
    const broker = await withCommits()
    await broker.groups.close()
    const unavailable = ErrorCode.COORDINATOR_NOT_AVAILABLE
    const v1 = await call(broker, OffsetFetch, 1, single('g', [{ name: 'orders', partitionIndexes: [0, 1] }]))
    expect(v1.topics[0].partitions.map((p) => [p.partitionIndex, p.committedOffset, p.errorCode])).toEqual([[0, -1, unavailable], [1, -1, unavailable]])
    const v3 = await call(broker, OffsetFetch, 3, single('g', [{ name: 'orders', partitionIndexes: [0] }]))
    expect([v3.errorCode, v3.topics]).toEqual([unavailable, []])
    const v8 = await call(broker, OffsetFetch, 8, { groupId: '', topics: [], requireStable: false, groups: [{ groupId: 'g', memberId: null, memberEpoch: -1, topics: null }] })
    expect(v8.groups).toEqual([{ groupId: 'g', errorCode: unavailable, topics: [] }])
  })
})
