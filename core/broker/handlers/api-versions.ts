/**
 * ApiVersions: the APIs and version ranges this broker implements. An unsupported request
 * version is answered by the server in v0 format with UNSUPPORTED_VERSION (see core/server);
 * here the request has already been decoded at a supported version.
 */
import { ApiVersions } from '../../protocol/apis/api-versions.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { defineHandler } from '../handler.ts'

export const apiVersionsHandler = defineHandler(ApiVersions, async (broker) => ({
  errorCode: ErrorCode.NONE,
  apiKeys: broker.apis().map((api) => ({
    apiKey: api.apiKey,
    minVersion: api.advertisedVersions.min,
    maxVersion: api.advertisedVersions.max,
  })),
  throttleTimeMs: 0,
  supportedFeatures: [],
  finalizedFeaturesEpoch: -1,
  finalizedFeatures: [],
  zkMigrationReady: false,
}))
