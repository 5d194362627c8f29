/**
 * The TCP listener that makes a Broker speak Kafka's wire protocol: any Kafka client (kafkajs,
 * librdkafka/kcat, Java) can produce to and consume from it.
 *
 * It owns sockets only: each connection decodes frames into the request objects the broker's
 * handlers take and encodes their responses (see Connection). Limits use Kafka's names:
 * `socket.request.max.bytes` (100 MiB), `connections.max.idle.ms` (10 min), `max.connections`.
 *
 * Shutdown (`close`) stops accepting, lets every connection finish the request it is handling
 * (long polls end early because the broker's close signal aborts them) within a grace period,
 * then closes the sockets. It does not close the broker.
 */
import { type Server, type Socket, createServer } from 'node:net'
import type { Broker } from '../broker/broker.ts'
import { CoreError } from '../errors.ts'
import { type Logger, silentLogger } from '../logger.ts'
import { Connection } from './connection.ts'

export interface KafkaServerOptions {
  /** Largest request frame accepted (Kafka's socket.request.max.bytes). Default 100 MiB. */
  readonly socketRequestMaxBytes?: number
  /** Close connections idle this long (connections.max.idle.ms). Default 600000. */
  readonly connectionsMaxIdleMs?: number
  /** Cap on open connections (max.connections). Default 10000. */
  readonly maxConnections?: number
  /** How long `close()` waits for in-flight requests. Default 5000 ms. */
  readonly shutdownGraceMs?: number
  readonly logger?: Logger
}

export interface ListenOptions {
  /** Interface to bind; default 127.0.0.1. */
  readonly host?: string
  /** Port; 0 lets the OS pick. Default 9092. */
  readonly port?: number
  /** Host put in Metadata/FindCoordinator (default: the bound host, or localhost for 0.0.0.0). */
  readonly advertisedHost?: string
  /** Port put in Metadata/FindCoordinator (default: the bound port). */
  readonly advertisedPort?: number
}

export interface ServerAddress {
  readonly host: string
  readonly port: number
}

export class KafkaServer {
  readonly #broker: Broker
  readonly #server: Server
  readonly #connections = new Set<Connection>()
  readonly #logger: Logger
  readonly #maxRequestBytes: number
  readonly #idleMs: number
  readonly #graceMs: number
  #nextId = 1
  #address: ServerAddress | undefined
  #closing: Promise<void> | undefined

  constructor(broker: Broker, options: KafkaServerOptions = {}) {
    this.#broker = broker
    this.#logger = options.logger ?? broker.logger ?? silentLogger
    this.#maxRequestBytes = positive(options.socketRequestMaxBytes ?? 104_857_600, 'socket.request.max.bytes')
    this.#idleMs = positive(options.connectionsMaxIdleMs ?? 600_000, 'connections.max.idle.ms')
    this.#graceMs = options.shutdownGraceMs ?? 5000
    this.#server = createServer({ noDelay: true }, (socket) => this.#accept(socket))
    this.#server.maxConnections = positive(options.maxConnections ?? 10_000, 'max.connections')
    this.#server.on('drop', (data) => this.#logger.warn(`Refused a connection from ${data?.remoteAddress ?? '?'}: max.connections reached`))
  }

  /** Starts listening; resolves with the bound address. */
  listen(options: ListenOptions = {}): Promise<ServerAddress> {
    const host = options.host ?? '127.0.0.1'
    const port = options.port ?? 9092
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => {
        reject(new CoreError('CORE_NETWORK', `Cannot listen on ${host}:${port}: ${error.message}`, { cause: error }))
      }
      this.#server.once('error', onError)
      this.#server.listen(port, host, () => {
        this.#server.off('error', onError)
        const address = this.#server.address()
        const boundPort = typeof address === 'object' && address ? address.port : port
        this.#address = { host, port: boundPort }
        const advertisedHost = options.advertisedHost ?? (host === '0.0.0.0' || host === '::' ? 'localhost' : host)
        this.#broker.setEndpoint({ host: advertisedHost, port: options.advertisedPort ?? boundPort })
        this.#logger.info(`Kafka protocol listener on ${host}:${boundPort} (advertised ${advertisedHost}:${options.advertisedPort ?? boundPort})`)
        resolve(this.#address)
      })
    })
  }

  get address(): ServerAddress | undefined {
    return this.#address
  }

  get connectionCount(): number {
    return this.#connections.size
  }

  #accept(socket: Socket): void {
    if (this.#closing) {
      socket.destroy()
      return
    }
    const connection = new Connection(this.#nextId++, socket, this.#broker, {
      maxRequestBytes: this.#maxRequestBytes,
      maxQueuedBytes: Math.max(this.#maxRequestBytes, 8 * 1024 * 1024),
      logger: this.#logger,
    })
    this.#connections.add(connection)
    socket.setTimeout(this.#idleMs, () => {
      if (connection.busy) return
      this.#logger.debug(`Closing idle connection ${connection.remote} (connections.max.idle.ms)`)
      connection.destroy()
    })
    socket.on('close', () => this.#connections.delete(connection))
  }

  /** Stops accepting, finishes in-flight requests (up to the grace period), closes connections. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => this.#server.close(() => resolve()))
      await Promise.all([...this.#connections].map((c) => c.shutdown(this.#graceMs)))
      for (const c of this.#connections) c.destroy()
      await stopped
    })()
    return this.#closing
  }
}

function positive(value: number, key: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new CoreError('CORE_INVALID_CONFIG', `${key} must be a positive integer, got ${value}`)
  return value
}
