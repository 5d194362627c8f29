/**
 * OffsetCommit: the coordinator validates the member and generation (or takes a "simple" commit
 * with generation -1 and no member) and answers per partition.
 *
 * - committedLeaderEpoch is passed on from v6 (-1 before), groupInstanceId from v7.
 * - v1's commitTimestamp is ignored, as Kafka 4 ignores it: the broker stamps each commit.
 * - v2–4 retentionTimeMs is ignored: offsets expire after the broker's
 *   `offsets.retention.minutes` (the only rule from v5; kafkajs sends -1, "use the broker's").
 */
import { OffsetCommit } from '../../protocol/apis/offset-commit.ts'
import { defineHandler } from '../handler.ts'

export const offsetCommitHandler = defineHandler(OffsetCommit, async (broker, request, context) => {
  const version = context.apiVersion
  const response = await broker.groups.commitOffsets({
    groupId: request.groupId,
    generationIdOrMemberEpoch: request.generationIdOrMemberEpoch,
    memberId: request.memberId,
    groupInstanceId: version >= 7 ? request.groupInstanceId : null,
    topics: request.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        committedOffset: p.committedOffset,
        committedLeaderEpoch: version >= 6 ? p.committedLeaderEpoch : -1,
        committedMetadata: p.committedMetadata,
      })),
    })),
  })
  return {
    throttleTimeMs: response.throttleTimeMs,
    topics: response.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: p.errorCode })),
    })),
  }
})
