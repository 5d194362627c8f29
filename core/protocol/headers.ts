/**
 * Kafka request and response headers, and whole frames (`INT32 size` + header + body).
 *
 * | header          | layout                                                                  |
 * |-----------------|-------------------------------------------------------------------------|
 * | request v1      | apiKey INT16, apiVersion INT16, correlationId INT32, clientId NULLABLE_STRING |
 * | request v2      | v1 + tag buffer; clientId keeps its INT16 length (its JSON says `flexibleVersions: none`) |
 * | response v0     | correlationId INT32                                                     |
 * | response v1     | v0 + tag buffer                                                         |
 *
 * A flexible API version uses request header v2 and response header v1, with one exception:
 * ApiVersions responses always use header v0 (KIP-511), so that a client can read the answer
 * whatever version it asked for. Request header v0 (no clientId) is only used by
 * ControlledShutdown v0.
 *
 * Decoders take a `Reader` over one frame's payload, the size prefix already removed (framing
 * belongs to the connection). They accept any tags in the header's tag buffer and skip them.
 */
import { CoreError } from '../errors.ts'
import type { ApiDescriptor } from './api-descriptor.ts'
import { ApiKey, KNOWN_API_VERSIONS, apiName, isFlexibleVersion } from './api-keys.ts'
import type { Reader } from './reader.ts'
import type { MessageSchema, MessageType } from './schema.ts'
import { compileCodec } from './schema-codec.ts'
import { Writer } from './writer.ts'

export interface RequestHeader {
  readonly apiKey: number
  readonly apiVersion: number
  readonly correlationId: number
  readonly clientId: string | null
  /**
   * The header version read. For an API whose versions Creek does not know this is 1 and a tag
   * buffer, if the client sent one, is left unread: such a request cannot be answered anyway.
   */
  readonly headerVersion: 0 | 1 | 2
}

export interface ResponseHeader {
  readonly correlationId: number
}

export interface DecodedResponse<T> {
  readonly correlationId: number
  readonly body: T
}

/** Request header version for an API version: 2 when flexible, else 1 (0 for ControlledShutdown v0). */
export function requestHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 | 2 {
  if (apiKey === ApiKey.ControlledShutdown && apiVersion === 0) return 0
  return isFlexibleVersion(apiKey, apiVersion) ? 2 : 1
}

/** Response header version for an API version: 1 when flexible, else 0; always 0 for ApiVersions. */
export function responseHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 {
  if (apiKey === ApiKey.ApiVersions) return 0
  return isFlexibleVersion(apiKey, apiVersion) ? 1 : 0
}

/**
 * Byte values (record batches) of at least this size are not copied into frames built by the
 * `…Chunks` encoders: a frame is then several buffers, written with one vectored write.
 */
export const SHARED_VALUE_BYTES = 32 * 1024

/** A whole request frame: size prefix, header (v1 or v2) and body. */
export function encodeRequest<Req extends MessageSchema<any>>(
  api: ApiDescriptor<Req, MessageSchema<any>>,
  apiVersion: number,
  correlationId: number,
  clientId: string | null,
  body: MessageType<Req>,
): Buffer {
  return writeRequest(new Writer(), api, apiVersion, correlationId, clientId, body).finish()
}

/** `encodeRequest` as buffers to write in order, large byte values shared rather than copied. */
export function encodeRequestChunks<Req extends MessageSchema<any>>(
  api: ApiDescriptor<Req, MessageSchema<any>>,
  apiVersion: number,
  correlationId: number,
  clientId: string | null,
  body: MessageType<Req>,
): Buffer[] {
  const writer = new Writer(1024, { shareBytesFrom: SHARED_VALUE_BYTES })
  return writeRequest(writer, api, apiVersion, correlationId, clientId, body).finishChunks()
}

function writeRequest<Req extends MessageSchema<any>>(
  writer: Writer,
  api: ApiDescriptor<Req, MessageSchema<any>>,
  apiVersion: number,
  correlationId: number,
  clientId: string | null,
  body: MessageType<Req>,
): Writer {
  const codec = compileCodec(api.request).forVersion(apiVersion)
  const size = writer.reserveInt32()
  writer.int16(api.apiKey).int16(apiVersion).int32(correlationId).nullableString(clientId)
  if (codec.flexible) writer.unsignedVarint(0)
  codec.encode(body, writer)
  return writer.setInt32(size, writer.length - 4)
}

/** Reads a request header (any API, any version) from the start of a frame's payload. */
export function decodeRequestHeader(reader: Reader): RequestHeader {
  try {
    const apiKey = reader.int16()
    const apiVersion = reader.int16()
    const correlationId = reader.int32()
    if (apiKey === ApiKey.ControlledShutdown && apiVersion === 0) {
      return { apiKey, apiVersion, correlationId, clientId: null, headerVersion: 0 }
    }
    const clientId = reader.nullableString()
    const headerVersion = KNOWN_API_VERSIONS.has(apiKey) && isFlexibleVersion(apiKey, apiVersion) ? 2 : 1
    if (headerVersion === 2) skipTagBuffer(reader)
    return { apiKey, apiVersion, correlationId, clientId, headerVersion }
  } catch (error) {
    throw new CoreError('CORE_PROTOCOL', `Cannot decode request header: ${(error as Error).message}`, { cause: error })
  }
}

/**
 * Reads a request body after its header. Throws `CORE_PROTOCOL` for a version outside the
 * API's valid versions (the caller decides whether to answer UNSUPPORTED_VERSION first).
 */
export function decodeRequestBody<Req extends MessageSchema<any>>(
  api: ApiDescriptor<Req, MessageSchema<any>>,
  apiVersion: number,
  reader: Reader,
): MessageType<Req> {
  const codec = compileCodec(api.request)
  if (!codec.isValidVersion(apiVersion)) {
    throw new CoreError('CORE_PROTOCOL', `${api.name} request v${apiVersion} is not a valid version (${api.request.validVersions})`)
  }
  return codec.forVersion(apiVersion).decode(reader)
}

/** A whole response frame: size prefix, header (v0 or v1, see `responseHeaderVersion`) and body. */
export function encodeResponse<Res extends MessageSchema<any>>(
  api: ApiDescriptor<MessageSchema<any>, Res>,
  apiVersion: number,
  correlationId: number,
  body: MessageType<Res>,
): Buffer {
  return writeResponse(new Writer(), api, apiVersion, correlationId, body).finish()
}

/** `encodeResponse` as buffers to write in order, large byte values shared rather than copied. */
export function encodeResponseChunks<Res extends MessageSchema<any>>(
  api: ApiDescriptor<MessageSchema<any>, Res>,
  apiVersion: number,
  correlationId: number,
  body: MessageType<Res>,
): Buffer[] {
  const writer = new Writer(1024, { shareBytesFrom: SHARED_VALUE_BYTES })
  return writeResponse(writer, api, apiVersion, correlationId, body).finishChunks()
}

function writeResponse<Res extends MessageSchema<any>>(
  writer: Writer,
  api: ApiDescriptor<MessageSchema<any>, Res>,
  apiVersion: number,
  correlationId: number,
  body: MessageType<Res>,
): Writer {
  const codec = compileCodec(api.response).forVersion(apiVersion)
  const size = writer.reserveInt32()
  writer.int32(correlationId)
  if (responseHeaderVersion(api.apiKey, apiVersion) === 1) writer.unsignedVarint(0)
  codec.encode(body, writer)
  return writer.setInt32(size, writer.length - 4)
}

/** Reads a response header of the given version. */
export function decodeResponseHeader(reader: Reader, headerVersion: 0 | 1): ResponseHeader {
  try {
    const correlationId = reader.int32()
    if (headerVersion === 1) skipTagBuffer(reader)
    return { correlationId }
  } catch (error) {
    throw new CoreError('CORE_PROTOCOL', `Cannot decode response header: ${(error as Error).message}`, { cause: error })
  }
}

/** Reads a response (header and body) of `api` at `apiVersion` from a frame's payload. */
export function decodeResponse<Res extends MessageSchema<any>>(
  api: ApiDescriptor<MessageSchema<any>, Res>,
  apiVersion: number,
  reader: Reader,
): DecodedResponse<MessageType<Res>> {
  const codec = compileCodec(api.response)
  if (!codec.isValidVersion(apiVersion)) {
    throw new CoreError('CORE_PROTOCOL', `${apiName(api.apiKey)} response v${apiVersion} is not a valid version (${api.response.validVersions})`)
  }
  const { correlationId } = decodeResponseHeader(reader, responseHeaderVersion(api.apiKey, apiVersion))
  return { correlationId, body: codec.forVersion(apiVersion).decode(reader) }
}

function skipTagBuffer(reader: Reader): void {
  const count = reader.unsignedVarint('tagged field count')
  for (let i = 0; i < count; i++) {
    const tag = reader.unsignedVarint('tag')
    reader.skip(reader.unsignedVarint('tagged field size'), `tagged field ${tag}`)
  }
}
