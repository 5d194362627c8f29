/** Heartbeat: passed to the coordinator; groupInstanceId only from v3, where it is on the wire. */
import { Heartbeat } from '../../protocol/apis/heartbeat.ts'
import { defineHandler } from '../handler.ts'

export const heartbeatHandler = defineHandler(Heartbeat, async (broker, request, context) => {
  const response = await broker.groups.heartbeat({
    groupId: request.groupId,
    generationId: request.generationId,
    memberId: request.memberId,
    groupInstanceId: context.apiVersion >= 3 ? request.groupInstanceId : null,
  })
  return { throttleTimeMs: response.throttleTimeMs, errorCode: response.errorCode }
})
