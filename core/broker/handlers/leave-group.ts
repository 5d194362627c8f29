/**
 * LeaveGroup: v0–2 name one `memberId` and get its error as the top-level errorCode (Kafka's
 * LeaveGroupResponse for those versions); v3+ name a batch of `members` and get one result per
 * member next to a group-level errorCode. Reasons are passed on from v5.
 */
import { LeaveGroup } from '../../protocol/apis/leave-group.ts'
import { defineHandler } from '../handler.ts'

/** The first version with a batch of members (KIP-345). */
const BATCH_VERSION = 3

export const leaveGroupHandler = defineHandler(LeaveGroup, async (broker, request, context) => {
  const version = context.apiVersion
  const response = await broker.groups.leaveGroup(
    version >= BATCH_VERSION
      ? {
          groupId: request.groupId,
          members: request.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, reason: version >= 5 ? m.reason : null })),
        }
      : { groupId: request.groupId, memberId: request.memberId },
  )
  return {
    throttleTimeMs: response.throttleTimeMs,
    errorCode: response.errorCode,
    members: version >= BATCH_VERSION ? response.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: m.errorCode })) : [],
  }
})
