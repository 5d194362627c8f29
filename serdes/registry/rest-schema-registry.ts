/**
 * `RestSchemaRegistry`: a `SchemaRegistryClient` (and `SchemaRegistryAdmin`) over Confluent
 * Schema Registry's REST API, for Creek's own registry server, Confluent's, or any compatible
 * one (Redpanda, Apicurio's compatibility API, Karapace).
 *
 * ```ts
 * const registry = new RestSchemaRegistry({ url: 'http://user:secret@localhost:8081' })
 * const value = serdes.avro<Payment>({ registry, schema })
 * ```
 *
 * Caching (what never changes is asked once): the id of a (subject, schema) pair, the schema of
 * an id, a (subject, version)'s schema and a lookup's answer are kept for the life of the
 * client; `latest` is kept for `latestTtlMs` (default 0: always asked). Concurrent identical
 * requests share one HTTP call; failures are not cached. Sizes are bounded by the schemas in
 * the registry, not by the data.
 *
 * Errors: an answer with Confluent's `{error_code, message}` is a `RegistryError` carrying that
 * code (404xx → SERDES_SCHEMA_NOT_FOUND, 40901 → SERDES_INCOMPATIBLE_SCHEMA, 42201 →
 * SERDES_INVALID_SCHEMA, other refusals SERDES_REGISTRY_REJECTED); a network failure, a timeout
 * or a 5xx is SERDES_REGISTRY_UNAVAILABLE (retriable), after trying the next URL when several
 * are given.
 *
 * Authentication: basic auth from the URL's userinfo (`http://user:pass@host`) or `auth`.
 */
import { SerdesError } from '../errors.ts'
import type { RegisteredSchema, Schema, SchemaRegistryClient, SchemaType } from '../schema-registry-client.ts'
import { canonicalSchemaText, schemaIdentity } from './canonical-schema.ts'
import type { CompatibilityLevel } from './compatibility/index.ts'
import { RegistryError, registryErrorInfo } from './registry-errors.ts'
import type { RegistryMode } from './registry-state.ts'
import type { CompatibilityCheck, SchemaRegistryAdmin, SubjectVersion, VersionSelector } from './schema-registry-admin.ts'

export interface RestSchemaRegistryOptions {
  /** The registry's base URL, or several (comma-separated or a list) tried in turn on network failures. */
  readonly url: string | readonly string[]
  /** Basic auth credentials (instead of userinfo in the URL). */
  readonly auth?: { readonly username: string; readonly password: string }
  /** Extra headers on every request. */
  readonly headers?: Readonly<Record<string, string>>
  /** Per-request timeout (default 30000 ms). */
  readonly timeoutMs?: number
  /** How long `getLatest` answers are reused (default 0: never). */
  readonly latestTtlMs?: number
  /** The fetch to use (default the global one); tests count requests with it. */
  readonly fetch?: typeof globalThis.fetch
}

export const REST_SCHEMA_REGISTRY_DEFAULTS = Object.freeze({ timeoutMs: 30_000, latestTtlMs: 0 })

const ACCEPT = 'application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json'
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json'

interface Endpoint {
  readonly base: string
  readonly authorization: string | undefined
}

interface VersionBody {
  subject: string
  version: number
  id: number
  schemaType?: SchemaType
  references?: RegisteredSchema['references']
  schema: string
}

function toRegistered(body: VersionBody): RegisteredSchema {
  return {
    id: body.id, subject: body.subject, version: body.version, schemaType: body.schemaType ?? 'AVRO',
    schema: body.schema, references: body.references ?? [],
  }
}

/** The cache key of a schema: its identity when it canonicalises, else its raw text. */
function schemaKey(schema: Schema): string {
  let text = schema.schema
  try {
    text = canonicalSchemaText(schema.schemaType, schema.schema)
  } catch {
    // The registry will answer 42201; nothing is cached for it.
  }
  return schemaIdentity(schema.schemaType, text, schema.references ?? [])
}

function schemaBody(schema: Schema): Record<string, unknown> {
  const body: Record<string, unknown> = { schema: schema.schema }
  if (schema.schemaType !== 'AVRO') body.schemaType = schema.schemaType
  if (schema.references !== undefined && schema.references.length > 0) body.references = schema.references
  return body
}

function parseEndpoints(url: RestSchemaRegistryOptions['url'], auth: RestSchemaRegistryOptions['auth']): Endpoint[] {
  const urls = (typeof url === 'string' ? url.split(',') : [...(url ?? [])]).map((u) => u.trim()).filter((u) => u !== '')
  if (urls.length === 0) throw new SerdesError('SERDES_INVALID_CONFIG', 'RestSchemaRegistry needs a url (http://host:8081)')
  return urls.map((text) => {
    let parsed: URL
    try {
      parsed = new URL(text)
    } catch (error) {
      throw new SerdesError('SERDES_INVALID_CONFIG', `RestSchemaRegistry url ${JSON.stringify(text)} is not a URL`, {}, { cause: error })
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new SerdesError('SERDES_INVALID_CONFIG', `RestSchemaRegistry url ${JSON.stringify(text)} must be http or https`)
    }
    const user = parsed.username !== '' ? { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) } : auth
    parsed.username = ''
    parsed.password = ''
    const authorization = user === undefined ? undefined : `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`
    return { base: parsed.toString().replace(/\/+$/, ''), authorization }
  })
}

const enc = encodeURIComponent

export class RestSchemaRegistry implements SchemaRegistryClient, SchemaRegistryAdmin {
  readonly #endpoints: Endpoint[]
  readonly #headers: Readonly<Record<string, string>>
  readonly #timeoutMs: number
  readonly #latestTtlMs: number
  readonly #fetch: typeof globalThis.fetch
  /** subject → schema key → id */
  readonly #ids = new Map<string, Map<string, Promise<number>>>()
  readonly #schemas = new Map<number, Promise<Schema>>()
  readonly #versions = new Map<string, Promise<RegisteredSchema>>()
  readonly #lookups = new Map<string, Map<string, Promise<RegisteredSchema>>>()
  readonly #latest = new Map<string, { readonly at: number; readonly value: Promise<RegisteredSchema> }>()
  /** The endpoint that answered last (tried first). */
  #current = 0

  constructor(options: RestSchemaRegistryOptions) {
    this.#endpoints = parseEndpoints(options?.url, options.auth)
    this.#headers = { ...options.headers }
    this.#timeoutMs = options.timeoutMs ?? REST_SCHEMA_REGISTRY_DEFAULTS.timeoutMs
    this.#latestTtlMs = options.latestTtlMs ?? REST_SCHEMA_REGISTRY_DEFAULTS.latestTtlMs
    this.#fetch = options.fetch ?? globalThis.fetch
    if (!Number.isSafeInteger(this.#timeoutMs) || this.#timeoutMs <= 0) throw new SerdesError('SERDES_INVALID_CONFIG', `RestSchemaRegistry timeoutMs must be a positive integer, got ${this.#timeoutMs}`)
    if (!Number.isSafeInteger(this.#latestTtlMs) || this.#latestTtlMs < 0) throw new SerdesError('SERDES_INVALID_CONFIG', `RestSchemaRegistry latestTtlMs must be an integer ≥ 0, got ${this.#latestTtlMs}`)
  }

  // ------------------------------------------------------------------------- HTTP

  /** One request, failing over to the next URL when a registry cannot be reached or fails (5xx). */
  async #request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let lastError: unknown
    for (let i = 0; i < this.#endpoints.length; i++) {
      const index = (this.#current + i) % this.#endpoints.length
      try {
        const result = await this.#requestOnce<T>(this.#endpoints[index], method, path, body)
        this.#current = index
        return result
      } catch (error) {
        if (!(error instanceof SerdesError) || error.code !== 'SERDES_REGISTRY_UNAVAILABLE') throw error
        lastError = error
      }
    }
    throw lastError
  }

  async #requestOnce<T>(endpoint: Endpoint, method: string, path: string, body: unknown): Promise<T> {
    const url = `${endpoint.base}${path}`
    const headers: Record<string, string> = { accept: ACCEPT, ...this.#headers }
    if (endpoint.authorization !== undefined) headers.authorization = endpoint.authorization
    if (body !== undefined) headers['content-type'] = CONTENT_TYPE
    let response: Response
    let text: string
    try {
      response = await this.#fetch(url, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(this.#timeoutMs),
      })
      text = await response.text()
    } catch (error) {
      throw new SerdesError('SERDES_REGISTRY_UNAVAILABLE', `Schema registry ${method} ${url} failed: ${(error as Error).message}; check that the registry runs and the URL is right`, {}, { cause: error })
    }
    let parsed: unknown
    try {
      parsed = text === '' ? undefined : JSON.parse(text)
    } catch {
      parsed = text
    }
    if (response.ok) return parsed as T
    const errorBody = parsed as { error_code?: unknown; message?: unknown } | undefined
    const errorCode = typeof errorBody?.error_code === 'number' ? errorBody.error_code : response.status
    const message = typeof errorBody?.message === 'string' ? errorBody.message : `HTTP ${response.status} ${response.statusText}`
    const info = registryErrorInfo(errorCode)
    if (response.status >= 500 || info.code === 'SERDES_REGISTRY_UNAVAILABLE') {
      throw new RegistryError(errorCode, `Schema registry ${method} ${url} failed with ${response.status}: ${message}`, {}, { retriable: true })
    }
    throw new RegistryError(errorCode, message)
  }

  /** `cache.get(key)`, or `load()` stored under it until it fails. */
  #cached<K, V>(cache: Map<K, Promise<V>>, key: K, load: () => Promise<V>): Promise<V> {
    let pending = cache.get(key)
    if (pending === undefined) {
      pending = load()
      cache.set(key, pending)
      pending.catch(() => {
        if (cache.get(key) === pending) cache.delete(key)
      })
    }
    return pending
  }

  #nested<V>(cache: Map<string, Map<string, Promise<V>>>, subject: string): Map<string, Promise<V>> {
    let inner = cache.get(subject)
    if (inner === undefined) cache.set(subject, inner = new Map())
    return inner
  }

  // ------------------------------------------------------------------------- SchemaRegistryClient

  register(subject: string, schema: Schema): Promise<number> {
    return this.#cached(this.#nested(this.#ids, subject), schemaKey(schema), async () => {
      const { id } = await this.#request<{ id: number }>('POST', `/subjects/${enc(subject)}/versions`, schemaBody(schema))
      // The schema of this id is now known: a deserializer in this process need not ask for it.
      if (!this.#schemas.has(id)) this.#schemas.set(id, Promise.resolve({ schemaType: schema.schemaType, schema: schema.schema, references: schema.references ?? [] }))
      return id
    }).catch((error: unknown) => { throw withSubject(error, subject) })
  }

  getById(id: number): Promise<Schema> {
    return this.#cached(this.#schemas, id, async () => {
      const body = await this.#request<{ schema: string; schemaType?: SchemaType; references?: Schema['references'] }>('GET', `/schemas/ids/${id}`)
      return { schemaType: body.schemaType ?? 'AVRO', schema: body.schema, references: body.references ?? [] }
    }).catch((error: unknown) => { throw error instanceof SerdesError ? error.withContext({ schemaId: id }) : error })
  }

  getLatest(subject: string): Promise<RegisteredSchema> {
    const cached = this.#latest.get(subject)
    if (cached !== undefined && Date.now() - cached.at < this.#latestTtlMs) return cached.value
    const value = this.#request<VersionBody>('GET', `/subjects/${enc(subject)}/versions/latest`).then(toRegistered)
      .catch((error: unknown) => { throw withSubject(error, subject) })
    if (this.#latestTtlMs > 0) {
      this.#latest.set(subject, { at: Date.now(), value })
      value.catch(() => this.#latest.delete(subject))
    }
    return value
  }

  getVersion(subject: string, version: number): Promise<RegisteredSchema> {
    return this.#cached(this.#versions, `${subject}\u0000${version}`, async () =>
      toRegistered(await this.#request<VersionBody>('GET', `/subjects/${enc(subject)}/versions/${version}`)))
      .catch((error: unknown) => { throw withSubject(error, subject) })
  }

  lookup(subject: string, schema: Schema): Promise<RegisteredSchema> {
    return this.#cached(this.#nested(this.#lookups, subject), schemaKey(schema), async () =>
      toRegistered(await this.#request<VersionBody>('POST', `/subjects/${enc(subject)}`, schemaBody(schema))))
      .catch((error: unknown) => { throw withSubject(error, subject) })
  }

  // ------------------------------------------------------------------------- SchemaRegistryAdmin

  subjects(options: { readonly deleted?: boolean; readonly subjectPrefix?: string } = {}): Promise<string[]> {
    return this.#request('GET', `/subjects${query({ deleted: options.deleted, subjectPrefix: options.subjectPrefix })}`)
  }

  versions(subject: string, options: { readonly deleted?: boolean } = {}): Promise<number[]> {
    return this.#request('GET', `/subjects/${enc(subject)}/versions${query({ deleted: options.deleted })}`)
  }

  deleteSubject(subject: string, options: { readonly permanent?: boolean } = {}): Promise<number[]> {
    return this.#request('DELETE', `/subjects/${enc(subject)}${query({ permanent: options.permanent })}`)
  }

  deleteVersion(subject: string, version: VersionSelector, options: { readonly permanent?: boolean } = {}): Promise<number> {
    return this.#request('DELETE', `/subjects/${enc(subject)}/versions/${version}${query({ permanent: options.permanent })}`)
  }

  referencedBy(subject: string, version: VersionSelector): Promise<number[]> {
    return this.#request('GET', `/subjects/${enc(subject)}/versions/${version}/referencedby`)
  }

  versionsOfId(id: number, options: { readonly deleted?: boolean } = {}): Promise<SubjectVersion[]> {
    return this.#request('GET', `/schemas/ids/${id}/versions${query({ deleted: options.deleted })}`)
  }

  async getConfig(subject?: string, options: { readonly defaultToGlobal?: boolean } = {}): Promise<CompatibilityLevel> {
    const path = subject === undefined ? '/config' : `/config/${enc(subject)}${query({ defaultToGlobal: options.defaultToGlobal })}`
    return (await this.#request<{ compatibilityLevel: CompatibilityLevel }>('GET', path)).compatibilityLevel
  }

  async setConfig(level: CompatibilityLevel, subject?: string): Promise<CompatibilityLevel> {
    const path = subject === undefined ? '/config' : `/config/${enc(subject)}`
    return (await this.#request<{ compatibility: CompatibilityLevel }>('PUT', path, { compatibility: level })).compatibility
  }

  async deleteConfig(subject?: string): Promise<CompatibilityLevel> {
    const path = subject === undefined ? '/config' : `/config/${enc(subject)}`
    return (await this.#request<{ compatibilityLevel: CompatibilityLevel }>('DELETE', path)).compatibilityLevel
  }

  async getMode(subject?: string, options: { readonly defaultToGlobal?: boolean } = {}): Promise<RegistryMode> {
    const path = subject === undefined ? '/mode' : `/mode/${enc(subject)}${query({ defaultToGlobal: options.defaultToGlobal })}`
    return (await this.#request<{ mode: RegistryMode }>('GET', path)).mode
  }

  async setMode(mode: RegistryMode, subject?: string, options: { readonly force?: boolean } = {}): Promise<RegistryMode> {
    const path = `${subject === undefined ? '/mode' : `/mode/${enc(subject)}`}${query({ force: options.force })}`
    return (await this.#request<{ mode: RegistryMode }>('PUT', path, { mode })).mode
  }

  async deleteMode(subject?: string): Promise<RegistryMode> {
    const path = subject === undefined ? '/mode' : `/mode/${enc(subject)}`
    return (await this.#request<{ mode: RegistryMode }>('DELETE', path)).mode
  }

  async testCompatibility(subject: string, schema: Schema, version: VersionSelector | 'all' = 'latest'): Promise<CompatibilityCheck> {
    const path = `/compatibility/subjects/${enc(subject)}/versions${version === 'all' ? '' : `/${version}`}?verbose=true`
    const body = await this.#request<{ is_compatible: boolean; messages?: string[] }>('POST', path, schemaBody(schema))
    return { isCompatible: body.is_compatible, messages: body.messages ?? [] }
  }

  schemaTypes(): Promise<SchemaType[]> {
    return this.#request('GET', '/schemas/types')
  }
}

function query(params: Record<string, string | boolean | undefined>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== false && v !== '')
  return entries.length === 0 ? '' : `?${entries.map(([k, v]) => `${enc(k)}=${enc(String(v))}`).join('&')}`
}

function withSubject(error: unknown, subject: string): unknown {
  return error instanceof SerdesError ? error.withContext({ subject }) : error
}
