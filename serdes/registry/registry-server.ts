/**
 * `SchemaRegistryServer`: Confluent Schema Registry's REST API (fastify) over a registry node.
 *
 * ```ts
 * const server = await SchemaRegistryServer.start({ creek, port: 8081 })
 * // clients: new RestSchemaRegistry({ url: server.url }), or any Confluent client
 * await server.close()
 * ```
 *
 * Contracts:
 * - Paths, query parameters and bodies are Confluent's (registry-routes.ts). Request bodies are
 *   accepted as `application/vnd.schemaregistry.v1+json`, `application/vnd.schemaregistry+json`,
 *   `application/json` and `application/octet-stream` (parsed as JSON; other types are 415);
 *   every response is `application/vnd.schemaregistry.v1+json`.
 * - Errors are `{error_code, message}` with the HTTP status of the code (registry-errors.ts):
 *   malformed JSON is 400/400, a body of the wrong shape 422/422, an unknown path 404/404,
 *   an unexpected failure 500/500.
 * - `start({ creek })` opens its own registry node on `creek` and closes it with the server;
 *   `start({ registry })` serves an `EmbeddedSchemaRegistry` the caller keeps (and closes).
 *   The Creek instance is never closed here.
 * - Defaults: host 127.0.0.1, port 8081 (0 picks a free port; see `port`), topic `_schemas`.
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import type { Creek, Logger } from '../../core/index.ts'
import { silentLogger } from '../../core/index.ts'
import { SerdesError } from '../errors.ts'
import { type EmbeddedSchemaRegistry, serviceOf } from './embedded-schema-registry.ts'
import { RegistryError, registryErrors } from './registry-errors.ts'
import { registerRoutes } from './registry-routes.ts'
import { RegistryService } from './registry-service.ts'

export const SCHEMA_REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json'
const ACCEPTED_CONTENT_TYPES = [SCHEMA_REGISTRY_CONTENT_TYPE, 'application/vnd.schemaregistry+json', 'application/json', 'application/octet-stream']

export const SCHEMA_REGISTRY_SERVER_DEFAULTS = Object.freeze({ host: '127.0.0.1', port: 8081, bodyLimit: 16 * 1024 * 1024 })

export interface SchemaRegistryServerOptions {
  /** The Creek instance to open a registry node on (unless `registry` is given). */
  readonly creek?: Creek
  /** A registry node to serve instead of opening one; it stays the caller's to close. */
  readonly registry?: EmbeddedSchemaRegistry
  readonly host?: string
  /** Default 8081; 0 picks a free port. */
  readonly port?: number
  /** The registry topic when opening a node (default `_schemas`). */
  readonly topic?: string
  /** Read-back timeout of writes, when opening a node (default 10000 ms). */
  readonly timeoutMs?: number
  readonly logger?: Logger
}

export class SchemaRegistryServer {
  readonly #app: FastifyInstance
  readonly #service: RegistryService
  readonly #ownsService: boolean
  readonly host: string
  readonly port: number
  #closing: Promise<void> | undefined

  private constructor(app: FastifyInstance, service: RegistryService, ownsService: boolean, host: string, port: number) {
    this.#app = app
    this.#service = service
    this.#ownsService = ownsService
    this.host = host
    this.port = port
  }

  /** Opens (or takes) a registry node and listens; resolves once requests are served. */
  static async start(options: SchemaRegistryServerOptions): Promise<SchemaRegistryServer> {
    const host = options.host ?? SCHEMA_REGISTRY_SERVER_DEFAULTS.host
    const port = options.port ?? SCHEMA_REGISTRY_SERVER_DEFAULTS.port
    if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new SerdesError('SERDES_INVALID_CONFIG', `Schema registry port must be 0..65535, got ${port}`)
    if (options.registry === undefined && options.creek === undefined) {
      throw new SerdesError('SERDES_INVALID_CONFIG', 'SchemaRegistryServer.start needs a creek (to open a registry on) or a registry (to serve)')
    }
    const logger = options.logger ?? silentLogger
    const owns = options.registry === undefined
    const service = options.registry !== undefined
      ? serviceOf(options.registry)
      : await RegistryService.open({ creek: options.creek!, topic: options.topic, timeoutMs: options.timeoutMs, logger })
    const app = buildApp(service, logger)
    try {
      await app.listen({ host, port })
    } catch (error) {
      await app.close().catch(() => undefined)
      if (owns) await service.close().catch(() => undefined)
      throw new SerdesError('SERDES_INVALID_CONFIG', `The schema registry cannot listen on ${host}:${port}: ${(error as Error).message}`, {}, { cause: error })
    }
    const address = app.server.address()
    const bound = typeof address === 'object' && address !== null ? address.port : port
    logger.info(`Schema registry listening on http://${host}:${bound} (topic '${service.topic}')`)
    return new SchemaRegistryServer(app, service, owns, host, bound)
  }

  /** `http://host:port`, for clients. */
  get url(): string {
    const host = this.host === '0.0.0.0' ? '127.0.0.1' : this.host === '::' ? '[::1]' : this.host.includes(':') ? `[${this.host}]` : this.host
    return `http://${host}:${this.port}`
  }

  /**
   * Stops listening and closes the registry node if this server opened it. In-flight requests
   * get `graceMs` (default 2000) to finish; then the node closes under them and they fail
   * with 50001.
   */
  close(graceMs = 2000): Promise<void> {
    this.#closing ??= (async () => {
      const appClosed = this.#app.close()
      let timer: NodeJS.Timeout | undefined
      await Promise.race([appClosed, new Promise((resolve) => { timer = setTimeout(resolve, graceMs) })])
      clearTimeout(timer)
      if (this.#ownsService) await this.#service.close()
      await appClosed
    })()
    return this.#closing
  }
}

function buildApp(service: RegistryService, logger: Logger): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: SCHEMA_REGISTRY_SERVER_DEFAULTS.bodyLimit, routerOptions: { ignoreTrailingSlash: true } })
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(ACCEPTED_CONTENT_TYPES, { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string
    if (text.trim() === '') {
      done(null, undefined)
      return
    }
    try {
      done(null, JSON.parse(text))
    } catch (error) {
      done(new RegistryError(400, `Unrecognized JSON in the request body: ${(error as Error).message}`), undefined)
    }
  })
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-type', SCHEMA_REGISTRY_CONTENT_TYPE)
    return payload
  })
  app.setReplySerializer((payload) => JSON.stringify(payload))
  app.setNotFoundHandler(async (request, reply) => {
    reply.code(404)
    return { error_code: 404, message: `HTTP 404 Not Found: no ${request.method} ${request.url.split('?')[0]}` }
  })
  app.setErrorHandler(async (error: FastifyError | RegistryError | Error, request, reply) => {
    if (error instanceof RegistryError) {
      reply.code(error.httpStatus)
      return error.toJSON()
    }
    const code = (error as FastifyError).code
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      reply.code(415)
      return { error_code: 415, message: `HTTP 415 Unsupported Media Type: send ${SCHEMA_REGISTRY_CONTENT_TYPE} or application/json` }
    }
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const tooLarge = new RegistryError(42209, `The request body is larger than ${SCHEMA_REGISTRY_SERVER_DEFAULTS.bodyLimit} bytes`)
      reply.code(tooLarge.httpStatus)
      return tooLarge.toJSON()
    }
    const status = (error as FastifyError).statusCode
    if (status !== undefined && status >= 400 && status < 500) {
      reply.code(status)
      return { error_code: status, message: error.message }
    }
    logger.error('Schema registry request failed', { method: request.method, url: request.url, cause: String(error) })
    const failure = error instanceof SerdesError && error.code === 'SERDES_REGISTRY_UNAVAILABLE'
      ? registryErrors.storeError(error.detail)
      : new RegistryError(500, `Internal server error: ${error.message}`)
    reply.code(failure.httpStatus)
    return failure.toJSON()
  })
  registerRoutes(app, service)
  return app
}
