/**
 * OffsetFetch: committed offsets of one group (v1–7) or of several (v8+, `groups`).
 *
 * - Null topics (v2+) ask for every committed offset of the group.
 * - A partition without a commit answers offset -1, metadata "" and no error.
 * - A group-level error (coordinator closing) is answered as Kafka does: v1 has no top-level
 *   errorCode, so every requested partition carries it; v2–7 put it in the top-level errorCode
 *   with no topics; v8+ in the group's errorCode with no topics.
 * - requireStable (v7+) needs nothing: Creek has no transactional offset commits, so no
 *   offset is ever unstable.
 */
import type { OffsetFetchResponseGroup } from '../group/group-messages.ts'
import { OffsetFetch, type OffsetFetchResponse } from '../../protocol/apis/offset-fetch.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { defineHandler } from '../handler.ts'

/** The first version fetching several groups at once. */
const MULTI_GROUP_VERSION = 8
/** The first version with a top-level errorCode (and null topics). */
const TOP_LEVEL_ERROR_VERSION = 2

export const offsetFetchHandler = defineHandler(OffsetFetch, async (broker, request, context): Promise<OffsetFetchResponse> => {
  const version = context.apiVersion
  if (version >= MULTI_GROUP_VERSION) {
    const groups = await Promise.all(request.groups.map((g) => broker.groups.fetchOffsets(g.groupId, g.topics)))
    return {
      throttleTimeMs: 0, topics: [], errorCode: ErrorCode.NONE,
      groups: groups.map((group) => ({ groupId: group.groupId, topics: group.errorCode === ErrorCode.NONE ? toWire(group) : [], errorCode: group.errorCode })),
    }
  }
  const group = await broker.groups.fetchOffsets(request.groupId, request.topics)
  const failed = group.errorCode !== ErrorCode.NONE && version >= TOP_LEVEL_ERROR_VERSION
  return { throttleTimeMs: 0, topics: failed ? [] : toWire(group), errorCode: group.errorCode, groups: [] }
})

function toWire(group: OffsetFetchResponseGroup): OffsetFetchResponse['topics'] {
  return group.topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.map((p) => ({
      partitionIndex: p.partitionIndex,
      committedOffset: p.committedOffset,
      committedLeaderEpoch: p.committedLeaderEpoch,
      metadata: p.metadata,
      errorCode: p.errorCode,
    })),
  }))
}
