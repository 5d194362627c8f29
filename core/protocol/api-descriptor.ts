/**
 * The descriptor of one Kafka API: its key, its request and response schemas, and the versions
 * Creek advertises. Each `apis/<api>.ts` file exports one, and `headers.ts` encodes and decodes
 * frames from it.
 */
import { CoreError } from '../errors.ts'
import { KNOWN_API_VERSIONS, apiName } from './api-keys.ts'
import type { MessageSchema, MessageType } from './schema.ts'
import { type VersionRange, parseVersionRange } from './version-range.ts'

export interface ApiDescriptor<Req extends MessageSchema<any> = MessageSchema<any>, Res extends MessageSchema<any> = MessageSchema<any>> {
  readonly apiKey: number
  readonly name: string
  readonly request: Req
  readonly response: Res
  /**
   * The versions Creek's broker advertises in ApiVersions (a sub-range of the valid versions,
   * every one fully implemented), and that Creek's clients may pick from.
   */
  readonly advertisedVersions: VersionRange
  /** False when the broker must not answer this request (Produce with acks = 0). */
  readonly expectsResponse: (request: MessageType<Req>) => boolean
}

export interface ApiDefinition<Req extends MessageSchema<any>, Res extends MessageSchema<any>> {
  readonly request: Req
  readonly response: Res
  /** Kafka's version notation, e.g. `'3-9'`. */
  readonly advertisedVersions: string
  readonly expectsResponse?: (request: MessageType<Req>) => boolean
}

/**
 * Builds an API descriptor, checking that request and response agree on key and versions, that
 * the header table in `api-keys.ts` has the same flexible versions, and that the advertised
 * versions are valid ones.
 */
export function defineApi<Req extends MessageSchema<any>, Res extends MessageSchema<any>>(
  definition: ApiDefinition<Req, Res>,
): ApiDescriptor<Req, Res> {
  const { request, response } = definition
  const name = apiName(request.apiKey)
  const fail = (problem: string): never => {
    throw new CoreError('CORE_INVALID_ARGUMENT', `Invalid API descriptor ${name}: ${problem}`)
  }
  if (request.type !== 'request' || response.type !== 'response') fail('needs a request and a response schema')
  if (request.apiKey !== response.apiKey) fail(`request key ${request.apiKey} and response key ${response.apiKey} differ`)
  if (request.validVersions !== response.validVersions || request.flexibleVersions !== response.flexibleVersions) {
    fail('request and response must have the same valid and flexible versions')
  }
  // Headers are chosen from KNOWN_API_VERSIONS, bodies from the schema: they must agree.
  if (KNOWN_API_VERSIONS.get(request.apiKey)?.flexibleVersions !== request.flexibleVersions) {
    fail(`flexible versions ${request.flexibleVersions} differ from KNOWN_API_VERSIONS in api-keys.ts`)
  }
  const valid = parseVersionRange(request.validVersions)
  const advertisedVersions = parseVersionRange(definition.advertisedVersions)
  if (advertisedVersions.min < valid.min || advertisedVersions.max > valid.max) {
    fail(`advertised versions ${definition.advertisedVersions} are outside the valid ${request.validVersions}`)
  }
  return Object.freeze({
    apiKey: request.apiKey,
    name,
    request,
    response,
    advertisedVersions,
    expectsResponse: definition.expectsResponse ?? (() => true),
  })
}

/** The request object type of an API descriptor. */
export type RequestOf<A extends ApiDescriptor> = A extends ApiDescriptor<infer Req extends MessageSchema<any>, any> ? MessageType<Req> : never
/** The response object type of an API descriptor. */
export type ResponseOf<A extends ApiDescriptor> = A extends ApiDescriptor<any, infer Res extends MessageSchema<any>> ? MessageType<Res> : never
