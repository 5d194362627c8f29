/**
 * JoinGroup: the request's fields as the coordinator takes them, with what the version implies.
 *
 * - v4+ require a known member id: a new member first gets MEMBER_ID_REQUIRED (KIP-394).
 * - Fields a version lacks are not passed on, even if an in-process caller filled them in:
 *   rebalanceTimeoutMs before v1 (the session timeout stands in), groupInstanceId before v5,
 *   reason before v8; only v9+ leaders may be told to skip the assignment (KIP-814).
 * - The member's clientId and host come from the request context (a null clientId is "").
 * - Before v7 protocolName is not nullable: a response without a protocol carries "", as Kafka's
 *   (protocolType is only on the wire from v7, where it is nullable).
 */
import { JoinGroup } from '../../protocol/apis/join-group.ts'
import { defineHandler } from '../handler.ts'

export const joinGroupHandler = defineHandler(JoinGroup, async (broker, request, context) => {
  const version = context.apiVersion
  const response = await broker.groups.joinGroup(
    {
      groupId: request.groupId,
      sessionTimeoutMs: request.sessionTimeoutMs,
      ...(version >= 1 ? { rebalanceTimeoutMs: request.rebalanceTimeoutMs } : {}),
      memberId: request.memberId,
      groupInstanceId: version >= 5 ? request.groupInstanceId : null,
      protocolType: request.protocolType,
      // Copied: the coordinator keeps them for the group's lifetime, not the request frame.
      protocols: request.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
      reason: version >= 8 ? request.reason : null,
    },
    {
      requireKnownMemberId: version >= 4,
      clientId: context.clientId ?? '',
      clientHost: context.clientHost,
      supportSkippingAssignment: version >= 9,
    },
  )
  return {
    throttleTimeMs: response.throttleTimeMs,
    errorCode: response.errorCode,
    generationId: response.generationId,
    protocolType: response.protocolType,
    protocolName: version >= 7 ? response.protocolName : (response.protocolName ?? ''),
    leader: response.leader,
    skipAssignment: response.skipAssignment,
    memberId: response.memberId,
    members: response.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata })),
  }
})
