import { expect } from 'vitest'
import type { ApiDescriptor, RequestOf } from '../../core/protocol/api-descriptor.ts'
import { decodeRequestBody, decodeRequestHeader, encodeRequest } from '../../core/protocol/headers.ts'
import { Reader } from '../../core/protocol/reader.ts'
import type { MessageSchema } from '../../core/protocol/schema.ts'
import { encodeMessage } from '../../core/protocol/schema-codec.ts'
import { kafkajsDecodeResponse, kafkajsRequestFrame } from './kafkajs.ts'

type AnyApi = ApiDescriptor<MessageSchema<any>, MessageSchema<any>>

/**
 * Encodes `args` with kafkajs 2.2.4's request encoder (`requests/<kafkajsApi>/v<version>`),
 * checks that Creek decodes the whole frame and writes the very same bytes back, and returns
 * Creek's decoding for field checks.
 */
export async function decodeKafkajsRequest<A extends ApiDescriptor>(
  api: A, version: number, kafkajsApi: string, args: unknown,
): Promise<RequestOf<A>> {
  const frame = await kafkajsRequestFrame(kafkajsApi, version, args as Record<string, unknown>, 7, 'kafkajs')
  const reader = new Reader(frame, 4)
  expect(decodeRequestHeader(reader)).toEqual({ apiKey: api.apiKey, apiVersion: version, correlationId: 7, clientId: 'kafkajs', headerVersion: 1 })
  const decoded = decodeRequestBody(api as AnyApi, version, reader) as RequestOf<A>
  expect(reader.remaining, `${api.name} v${version}: bytes left after the body`).toBe(0)
  expect(encodeRequest(api as AnyApi, version, 7, 'kafkajs', decoded).equals(frame), `${api.name} v${version}: re-encoding`).toBe(true)
  return decoded
}

/** kafkajs 2.2.4's decoding (`requests/<kafkajsApi>/v<version>/response`) of the body Creek encodes for `response`. */
export function kafkajsReadsResponse(api: ApiDescriptor, version: number, kafkajsApi: string, response: unknown): Promise<any> {
  return kafkajsDecodeResponse(kafkajsApi, version, encodeMessage(api.response, version, response as never))
}
