/**
 * ApiVersions (key 18): which versions of which APIs a broker supports. Valid versions 0–4,
 * flexible from 3; Creek advertises 0–3.
 *
 * - v1 adds ThrottleTimeMs; v3 adds ClientSoftwareName/Version to the request and the tagged
 *   feature fields to the response; v4 only allows SupportedFeatures.MinVersion 0.
 * - The response always uses response header v0 (see `headers.ts`).
 * - A broker that does not support the requested version answers a v0 body with
 *   UNSUPPORTED_VERSION (35) and its ApiKeys, so that the client can retry at a version both
 *   support; `decodeApiVersionsResponse` reads such an answer by falling back to v0, as Kafka's
 *   clients do.
 */
import { CoreError } from '../../errors.ts'
import { defineApi } from '../api-descriptor.ts'
import { Reader } from '../reader.ts'
import { type MessageType, message, t } from '../schema.ts'
import { compileCodec } from '../schema-codec.ts'

export const ApiVersionsRequestSchema = message({
  name: 'ApiVersionsRequest',
  type: 'request',
  apiKey: 18,
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: {
    clientSoftwareName: { type: t.string, versions: '3+', ignorable: true },
    clientSoftwareVersion: { type: t.string, versions: '3+', ignorable: true },
  },
})

export const ApiVersionsResponseSchema = message({
  name: 'ApiVersionsResponse',
  type: 'response',
  apiKey: 18,
  validVersions: '0-4',
  flexibleVersions: '3+',
  fields: {
    errorCode: { type: t.int16, versions: '0+' },
    apiKeys: {
      type: t.array(t.struct('ApiVersion', {
        apiKey: { type: t.int16, versions: '0+' },
        minVersion: { type: t.int16, versions: '0+' },
        maxVersion: { type: t.int16, versions: '0+' },
      })),
      versions: '0+',
    },
    throttleTimeMs: { type: t.int32, versions: '1+', ignorable: true },
    supportedFeatures: {
      type: t.array(t.struct('SupportedFeatureKey', {
        name: { type: t.string, versions: '3+' },
        minVersion: { type: t.int16, versions: '3+' },
        maxVersion: { type: t.int16, versions: '3+' },
      })),
      versions: '3+', tag: 0, taggedVersions: '3+', ignorable: true,
    },
    finalizedFeaturesEpoch: { type: t.int64, versions: '3+', tag: 1, taggedVersions: '3+', default: -1, ignorable: true },
    finalizedFeatures: {
      type: t.array(t.struct('FinalizedFeatureKey', {
        name: { type: t.string, versions: '3+' },
        maxVersionLevel: { type: t.int16, versions: '3+' },
        minVersionLevel: { type: t.int16, versions: '3+' },
      })),
      versions: '3+', tag: 2, taggedVersions: '3+', ignorable: true,
    },
    zkMigrationReady: { type: t.bool, versions: '3+', tag: 3, taggedVersions: '3+', default: false, ignorable: true },
  },
})

export type ApiVersionsRequest = MessageType<typeof ApiVersionsRequestSchema>
export type ApiVersionsResponse = MessageType<typeof ApiVersionsResponseSchema>

export const ApiVersions = defineApi({
  request: ApiVersionsRequestSchema,
  response: ApiVersionsResponseSchema,
  advertisedVersions: '0-3',
})

/**
 * Decodes an ApiVersions response body of `apiVersion`; if it cannot be read at that version,
 * re-reads it as v0 (the broker's UNSUPPORTED_VERSION answer). Throws `CORE_PROTOCOL` when
 * neither reading works.
 */
export function decodeApiVersionsResponse(apiVersion: number, reader: Reader): ApiVersionsResponse {
  const codec = compileCodec(ApiVersionsResponseSchema)
  const start = reader.offset
  const end = start + reader.remaining
  try {
    return codec.forVersion(apiVersion).decode(reader)
  } catch (error) {
    if (apiVersion === 0 || !(error instanceof CoreError)) throw error
    const fallback = new Reader(reader.buffer, start, end)
    try {
      const value = codec.forVersion(0).decode(fallback)
      reader.seek(fallback.offset)
      return value
    } catch {
      throw error
    }
  }
}
