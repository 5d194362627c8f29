/**
 * DescribeGroups: state, protocol and members of each group, in request order. An unknown group
 * is Dead with no error (Kafka's answer); the empty group id is a valid id here, as in Kafka.
 *
 * authorizedOperations (v3+) stays INT32_MIN unless includeAuthorizedOperations is set; then,
 * as Kafka without an authorizer answers, it holds every operation a group supports: READ (3),
 * DELETE (6) and DESCRIBE (8), as bits of a 32-bit field.
 */
import { DescribeGroups } from '../../protocol/apis/describe-groups.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { defineHandler } from '../handler.ts'

/** Kafka's AclOperation codes of the operations on a group. */
const GROUP_OPERATIONS = [3, 6, 8]
export const GROUP_AUTHORIZED_OPERATIONS = GROUP_OPERATIONS.reduce((bits, op) => bits | (1 << op), 0)
const INT32_MIN = -(2 ** 31)

export const describeGroupsHandler = defineHandler(DescribeGroups, async (broker, request, context) => {
  const includeOperations = context.apiVersion >= 3 && request.includeAuthorizedOperations
  const response = await broker.groups.describeGroups(request.groups)
  return {
    throttleTimeMs: response.throttleTimeMs,
    groups: response.groups.map((g) => ({
      errorCode: g.errorCode,
      groupId: g.groupId,
      groupState: g.groupState,
      protocolType: g.protocolType,
      protocolData: g.protocolData,
      members: g.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: m.memberMetadata,
        memberAssignment: m.memberAssignment,
      })),
      authorizedOperations: includeOperations && g.errorCode === ErrorCode.NONE ? GROUP_AUTHORIZED_OPERATIONS : INT32_MIN,
    })),
  }
})
