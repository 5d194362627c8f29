import { describe, expect, it } from 'vitest'
import { OffsetCommit, type OffsetCommitRequest } from '../../../../core/protocol/apis/offset-commit.ts'
import { OffsetFetch } from '../../../../core/protocol/apis/offset-fetch.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { call, joinAlone, openGroupBroker } from './group-helpers.ts'

const commit = (groupId: string, overrides: Partial<OffsetCommitRequest> = {}): OffsetCommitRequest => ({
  groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1,
  topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 10, committedLeaderEpoch: 3, commitTimestamp: -1, committedMetadata: 'md' }] }],
  ...overrides,
})

const fetchOne = async (broker: Awaited<ReturnType<typeof openGroupBroker>>, groupId: string) =>
  (await call(broker, OffsetFetch, 5, { groupId, topics: [{ name: 'orders', partitionIndexes: [0] }], groups: [], requireStable: false })).topics[0].partitions[0]

describe('OffsetCommit handler', () => {
  it('simple commits (generation -1, no member) at v2, retention ignored; the empty group id is allowed, as in Kafka', async () => {
    const broker = await openGroupBroker()
    for (const groupId of ['standalone', '']) {
      const response = await call(broker, OffsetCommit, 2, commit(groupId, { retentionTimeMs: 1 }))
      expect(response.topics).toEqual([{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }] }])
      // v2 has no leader epoch: the commit stores -1.
      expect(await fetchOne(broker, groupId)).toMatchObject({ committedOffset: 10, committedLeaderEpoch: -1, metadata: 'md' })
    }
  })

  it('the leader epoch is kept from v6; unknown topics and partitions are UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const broker = await openGroupBroker()
    await call(broker, OffsetCommit, 6, commit('g'))
    expect(await fetchOne(broker, 'g')).toMatchObject({ committedOffset: 10, committedLeaderEpoch: 3 })
    const response = await call(broker, OffsetCommit, 8, commit('g', {
      topics: [
        { name: 'nope', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null }] },
        { name: 'orders', partitions: [{ partitionIndex: 9, committedOffset: 1, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null }] },
      ],
    }))
    expect(response.topics.map((t) => t.partitions[0].errorCode)).toEqual([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
  })

  it('a member commits in its generation; groupInstanceId counts from v7 only', async () => {
    const broker = await openGroupBroker()
    const { memberId, generationId } = await joinAlone(broker, 'g', { groupInstanceId: 'instance-1' })
    const member = { generationIdOrMemberEpoch: generationId, memberId }
    expect((await call(broker, OffsetCommit, 7, commit('g', { ...member, groupInstanceId: 'instance-1' }))).topics[0].partitions[0].errorCode).toBe(0)
    expect((await call(broker, OffsetCommit, 7, commit('g', { generationIdOrMemberEpoch: generationId, memberId: 'other', groupInstanceId: 'instance-1' })))
      .topics[0].partitions[0].errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID)
    const v6 = await broker.handle(OffsetCommit, commit('g', { generationIdOrMemberEpoch: generationId, memberId: 'other', groupInstanceId: 'instance-1' }), {
      apiVersion: 6, clientId: 'c', clientHost: 'in-process',
    })
    expect(v6.topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect((await call(broker, OffsetCommit, 5, commit('g'))).topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })
})
