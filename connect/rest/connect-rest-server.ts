/**
 * `ConnectRestServer`: Kafka Connect's REST API (fastify) over a `Herder`, standalone or
 * distributed.
 *
 * ```ts
 * const server = await ConnectRestServer.start({ herder, port: 8083 })
 * // curl -X POST -H 'content-type: application/json' --data '{"name":"lines","config":{...}}' server.url + '/connectors'
 * await server.close() // the herder stays the caller's
 * ```
 *
 * Contracts:
 * - Paths, bodies and status codes are Kafka's (connect-routes.ts); errors are
 *   `{"error_code": <status>, "message": "..."}` (rest-errors.ts); malformed JSON is 400, an
 *   unknown path 404, a body that is not JSON 415; responses are `application/json`.
 * - Defaults: host 127.0.0.1 (Kafka listens on every interface; Creek does not unless asked),
 *   port 8083 (0 picks a free port; see `port`). A port that cannot be bound is a
 *   CONNECT_INVALID_CONFIG whose cause carries the system code (EADDRINUSE…).
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import { type Logger, silentLogger } from '../../core/index.ts'
import { ConnectError } from '../errors.ts'
import type { Herder } from '../runtime/herder.ts'
import { registerConnectRoutes } from './connect-routes.ts'
import { RestError, toRestError } from './rest-errors.ts'

export const CONNECT_REST_DEFAULTS = Object.freeze({ host: '127.0.0.1', port: 8083, bodyLimit: 16 * 1024 * 1024 })

export interface ConnectRestServerOptions {
  readonly herder: Herder
  readonly host?: string
  /** Default 8083; 0 picks a free port. */
  readonly port?: number
  readonly logger?: Logger
}

export class ConnectRestServer {
  readonly #app: FastifyInstance
  readonly host: string
  readonly port: number
  #closing: Promise<void> | undefined

  private constructor(app: FastifyInstance, host: string, port: number) {
    this.#app = app
    this.host = host
    this.port = port
  }

  static async start(options: ConnectRestServerOptions): Promise<ConnectRestServer> {
    const host = options.host ?? CONNECT_REST_DEFAULTS.host
    const port = options.port ?? CONNECT_REST_DEFAULTS.port
    if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ConnectError('CONNECT_INVALID_CONFIG', `The Connect REST port must be 0..65535, got ${port}`)
    const logger = options.logger ?? silentLogger
    const app = buildApp(options.herder, logger)
    try {
      await app.listen({ host, port })
    } catch (error) {
      await app.close().catch(() => undefined)
      throw new ConnectError('CONNECT_INVALID_CONFIG', `The Connect REST API cannot listen on ${host}:${port}: ${(error as Error).message}`, { cause: error })
    }
    const address = app.server.address()
    const bound = typeof address === 'object' && address !== null ? address.port : port
    logger.info(`Connect REST API listening on http://${host}:${bound}`)
    return new ConnectRestServer(app, host, bound)
  }

  /** `http://host:port`, for clients. */
  get url(): string {
    return restUrl(this.host, this.port)
  }

  /** Stops listening; in-flight requests get `graceMs` (default 2000) to finish. */
  close(graceMs = 2000): Promise<void> {
    this.#closing ??= (async () => {
      const closed = this.#app.close()
      let timer: NodeJS.Timeout | undefined
      await Promise.race([closed, new Promise((resolve) => { timer = setTimeout(resolve, graceMs) })])
      clearTimeout(timer)
      this.#app.server.closeAllConnections?.()
      await closed
    })()
    return this.#closing
  }
}

/** `http://host:port` with wildcard hosts replaced by loopback, IPv6 in brackets. */
export function restUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host
  return `http://${shown}:${port}`
}

function buildApp(herder: Herder, logger: Logger): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: CONNECT_REST_DEFAULTS.bodyLimit, routerOptions: { ignoreTrailingSlash: true } })
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string
    if (text.trim() === '') {
      done(null, undefined)
      return
    }
    try {
      done(null, JSON.parse(text))
    } catch (error) {
      done(new RestError(400, `Unrecognized JSON in the request body: ${(error as Error).message}`), undefined)
    }
  })
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode !== 204) reply.header('content-type', 'application/json')
    return payload
  })
  app.setReplySerializer((payload) => JSON.stringify(payload))
  app.setNotFoundHandler(async (request, reply) => {
    reply.code(404)
    return { error_code: 404, message: `HTTP 404 Not Found: no ${request.method} ${request.url.split('?')[0]}` }
  })
  app.setErrorHandler(async (error: FastifyError | Error, request, reply) => {
    const code = (error as FastifyError).code
    let failure: RestError
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') failure = new RestError(415, 'HTTP 415 Unsupported Media Type: send application/json')
    else if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') failure = new RestError(413, `The request body is larger than ${CONNECT_REST_DEFAULTS.bodyLimit} bytes`)
    else if (!(error instanceof RestError) && !(error instanceof ConnectError) && (error as FastifyError).statusCode !== undefined && (error as FastifyError).statusCode! < 500) {
      failure = new RestError((error as FastifyError).statusCode!, error.message)
    } else failure = toRestError(error)
    if (failure.status >= 500) logger.error('Connect REST request failed', { method: request.method, url: request.url, cause: String(error) })
    reply.code(failure.status)
    return failure.toJSON()
  })
  registerConnectRoutes(app, herder)
  return app
}
