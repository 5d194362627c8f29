/**
 * kafkajs 2.2.4's own protocol encoders and decoders (`kafkajs/src/protocol/requests/<api>/v<N>/`),
 * used as an independent implementation in golden-byte tests. CommonJS, untyped.
 */
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

interface KafkajsEncoder {
  readonly buffer: Buffer
}

interface KafkajsRequest {
  readonly apiKey: number
  readonly apiVersion: number
  encode(): Promise<KafkajsEncoder>
}

/** `requests/<api>/v<version>/request.js` called with `args`. */
export function kafkajsRequest(api: string, version: number, args: Record<string, unknown> = {}): KafkajsRequest {
  return require(`kafkajs/src/protocol/requests/${api}/v${version}/request`)(args)
}

/** The request body kafkajs encodes. */
export async function kafkajsRequestBody(api: string, version: number, args: Record<string, unknown> = {}): Promise<Buffer> {
  return (await kafkajsRequest(api, version, args).encode()).buffer
}

/** The whole request frame kafkajs sends (size prefix, header v1, body). */
export async function kafkajsRequestFrame(
  api: string, version: number, args: Record<string, unknown>, correlationId: number, clientId: string,
): Promise<Buffer> {
  const frame = require('kafkajs/src/protocol/request')
  return (await frame({ correlationId, clientId, request: kafkajsRequest(api, version, args) })).buffer
}

/** kafkajs's decoding of a response body (`requests/<api>/v<version>/response.js` `decode`). */
export async function kafkajsDecodeResponse(api: string, version: number, body: Buffer): Promise<any> {
  return require(`kafkajs/src/protocol/requests/${api}/v${version}/response`).decode(body)
}
