/**
 * SyncGroup: the leader's assignments in, each member's own assignment out.
 *
 * - groupInstanceId is passed on from v3, protocolType and protocolName from v5.
 * - v5+ must name the protocol type and name (KIP-559): without them the request is refused
 *   with INCONSISTENT_GROUP_PROTOCOL, as Kafka does; the coordinator checks that they match.
 */
import { SyncGroup, type SyncGroupResponse } from '../../protocol/apis/sync-group.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { defineHandler } from '../handler.ts'

/** The first version that must carry protocolType and protocolName. */
const PROTOCOL_FIELDS_VERSION = 5

export const syncGroupHandler = defineHandler(SyncGroup, async (broker, request, context): Promise<SyncGroupResponse> => {
  const version = context.apiVersion
  if (version >= PROTOCOL_FIELDS_VERSION && (request.protocolType === null || request.protocolName === null)) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) }
  }
  const response = await broker.groups.syncGroup({
    groupId: request.groupId,
    generationId: request.generationId,
    memberId: request.memberId,
    groupInstanceId: version >= 3 ? request.groupInstanceId : null,
    ...(version >= PROTOCOL_FIELDS_VERSION ? { protocolType: request.protocolType, protocolName: request.protocolName } : {}),
    // Copied: the coordinator keeps them for the generation's lifetime, not the request frame.
    assignments: request.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment) })),
  })
  return {
    throttleTimeMs: response.throttleTimeMs,
    errorCode: response.errorCode,
    protocolType: response.protocolType,
    protocolName: response.protocolName,
    assignment: response.assignment,
  }
})
