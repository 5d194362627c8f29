/**
 * Set-up for the group handler tests: a Broker on a temporary directory (no background timers,
 * no initial rebalance delay, 2 offsets partitions) with some topics, closed after each test,
 * and ways to call it as a client would:
 * - `call`: Creek's codecs on both sides (request encoded and decoded at the version, response
 *   likewise), so a handler answer the version cannot carry fails the test;
 * - `kafkajsCall`: the request frame built by kafkajs 2.2.4's encoder, the response read by its
 *   decoder.
 */
import { afterEach, expect } from 'vitest'
import { Broker } from '../../../../core/broker/broker.ts'
import type { ApiDescriptor, RequestOf, ResponseOf } from '../../../../core/protocol/api-descriptor.ts'
import { decodeRequestBody, decodeRequestHeader, decodeResponse, encodeRequest, encodeResponse } from '../../../../core/protocol/headers.ts'
import { JoinGroup } from '../../../../core/protocol/apis/join-group.ts'
import { SyncGroup } from '../../../../core/protocol/apis/sync-group.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { Reader } from '../../../../core/protocol/reader.ts'
import { encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { kafkajsDecodeResponse, kafkajsRequestFrame } from '../../../helpers/kafkajs.ts'
import { tempDir } from '../../../helpers/temp-dir.ts'

export const CLIENT_HOST = '/127.0.0.1'

const open: Broker[] = []
afterEach(async () => {
  for (const broker of open.splice(0)) await broker.close()
})

/** A broker with `topics` (name → partitions) created. */
export async function openGroupBroker(topics: Record<string, number> = { orders: 3, payments: 2 }): Promise<Broker> {
  const broker = await Broker.open({
    dataDir: tempDir(),
    config: { 'offsets.topic.num.partitions': 2, 'group.initial.rebalance.delay.ms': 0 },
    background: false,
  })
  open.push(broker)
  for (const [name, partitions] of Object.entries(topics)) await broker.logs.createTopic(name, { partitions })
  return broker
}

/**
 * Sends `request` as a client of `clientId` at `version` would: encoded, decoded by the broker,
 * handled, and the response encoded and decoded again.
 */
export async function call<A extends ApiDescriptor>(
  broker: Broker, api: A, version: number, request: RequestOf<A>, clientId: string | null = 'creek-test',
): Promise<ResponseOf<A>> {
  const frame = encodeRequest(api, version, 1, clientId, request)
  const reader = new Reader(frame, 4)
  const header = decodeRequestHeader(reader)
  const decoded = decodeRequestBody(api, version, reader) as RequestOf<A>
  const response = await broker.handle(api, decoded, { apiVersion: version, clientId: header.clientId, clientHost: CLIENT_HOST })
  const { correlationId, body } = decodeResponse(api, version, new Reader(encodeResponse(api, version, header.correlationId, response), 4))
  expect(correlationId).toBe(1)
  return body as ResponseOf<A>
}

/** kafkajs' request `kafkajsApi` v`version` built from `args`, handled, and its response as kafkajs decodes it. */
export async function kafkajsCall(broker: Broker, api: ApiDescriptor, kafkajsApi: string, version: number, args: unknown): Promise<any> {
  const frame = await kafkajsRequestFrame(kafkajsApi, version, args as Record<string, unknown>, 1, 'kafkajs')
  const reader = new Reader(frame, 4)
  const header = decodeRequestHeader(reader)
  expect([header.apiKey, header.apiVersion]).toEqual([api.apiKey, version])
  const request = decodeRequestBody(api, version, reader)
  const response = await broker.handle(api, request, { apiVersion: version, clientId: header.clientId, clientHost: CLIENT_HOST })
  return kafkajsDecodeResponse(kafkajsApi, version, encodeMessage(api.response, version, response))
}

export interface JoinedMember {
  readonly memberId: string
  readonly generationId: number
}

/**
 * One member joins `groupId` at JoinGroup v5 (a dynamic one after the MEMBER_ID_REQUIRED round
 * trip, a static one at once) and syncs `assignment` at SyncGroup v3: the group is Stable with
 * that member alone.
 */
export async function joinAlone(
  broker: Broker, groupId: string, options: { groupInstanceId?: string | null; assignment?: Buffer; protocolType?: string } = {},
): Promise<JoinedMember> {
  const groupInstanceId = options.groupInstanceId ?? null
  const join = (memberId: string) => call(broker, JoinGroup, 5, {
    groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId, groupInstanceId,
    protocolType: options.protocolType ?? 'consumer', protocols: [{ name: 'range', metadata: Buffer.from('subscription') }], reason: null,
  })
  let joined = await join('')
  if (joined.errorCode === ErrorCode.MEMBER_ID_REQUIRED) joined = await join(joined.memberId)
  expect(joined.errorCode).toBe(ErrorCode.NONE)
  const { memberId, generationId } = joined
  const synced = await call(broker, SyncGroup, 3, {
    groupId, generationId, memberId, groupInstanceId, protocolType: null, protocolName: null,
    assignments: [{ memberId, assignment: options.assignment ?? Buffer.from('assignment') }],
  })
  expect(synced.errorCode).toBe(ErrorCode.NONE)
  return { memberId, generationId }
}
