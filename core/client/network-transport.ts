/**
 * A transport to any Kafka-protocol cluster (Creek, Apache Kafka, Redpanda) over TCP.
 *
 * - Bootstrap: requests without a node id go to a connected broker, or to the bootstrap
 *   servers in turn until one answers.
 * - Nodes: the transport learns broker addresses from every Metadata response (brokers) and
 *   FindCoordinator response (coordinators) that passes through it, so clients address brokers
 *   by node id only, exactly as with the in-process transport.
 * - One connection per broker, opened on first use and re-opened after a failure (with
 *   exponential backoff between attempts); versions negotiated per connection (ApiVersions).
 *
 * Retrying failed requests is the clients' job (core/client/retry.ts): the transport fails a
 * request once, with a retriable CORE_NETWORK error when the network is at fault.
 */
import { CoreError } from '../errors.ts'
import { type Logger, silentLogger } from '../logger.ts'
import type { ApiDescriptor, RequestOf, ResponseOf } from '../protocol/api-descriptor.ts'
import { compileCodec } from '../protocol/schema-codec.ts'
import { BrokerConnection } from './broker-connection.ts'
import type { SendOptions, Transport } from './transport.ts'

export interface NetworkTransportOptions {
  /** `host:port` entries. */
  readonly bootstrap: readonly string[]
  readonly clientId?: string
  /** request.timeout.ms; default 30000. */
  readonly requestTimeoutMs?: number
  /** socket.connection.setup.timeout.ms; default 10000. */
  readonly connectionTimeoutMs?: number
  /** max.in.flight.requests.per.connection; default 5. */
  readonly maxInFlightRequestsPerConnection?: number
  /** reconnect.backoff.ms / reconnect.backoff.max.ms; defaults 50 / 1000. */
  readonly reconnectBackoffMs?: number
  readonly reconnectBackoffMaxMs?: number
  readonly logger?: Logger
}

interface NodeAddress {
  readonly host: string
  readonly port: number
}

interface NodeState {
  address: NodeAddress
  connection?: BrokerConnection
  connecting?: Promise<BrokerConnection>
  failures: number
  nextAttemptAt: number
}

/** Parses `host:port` (IPv6 as `[::1]:9092`); throws CORE_INVALID_CONFIG naming the bad entry. */
export function parseHostPort(entry: string, defaultPort = 9092): NodeAddress {
  const trimmed = entry.trim()
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed)
  const match = v6 ?? /^([^:]+)(?::(\d+))?$/.exec(trimmed)
  const port = match?.[2] === undefined ? defaultPort : Number(match[2])
  if (!match || !match[1] || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new CoreError('CORE_INVALID_CONFIG', `Invalid bootstrap server '${entry}': expected host:port`)
  }
  return { host: match[1], port }
}

export class NetworkTransport implements Transport {
  readonly #bootstrap: NodeState[]
  readonly #nodes = new Map<number, NodeState>()
  readonly #clientId: string
  readonly #requestTimeoutMs: number
  readonly #connectionTimeoutMs: number
  readonly #maxInFlight: number
  readonly #backoffMs: number
  readonly #backoffMaxMs: number
  readonly #logger: Logger
  #bootstrapIndex = 0
  #closed = false

  constructor(options: NetworkTransportOptions) {
    if (options.bootstrap.length === 0) throw new CoreError('CORE_INVALID_CONFIG', 'At least one bootstrap server is required')
    this.#bootstrap = options.bootstrap.map((entry) => ({ address: parseHostPort(entry), failures: 0, nextAttemptAt: 0 }))
    this.#clientId = options.clientId ?? 'creek'
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000
    this.#connectionTimeoutMs = options.connectionTimeoutMs ?? 10_000
    this.#maxInFlight = options.maxInFlightRequestsPerConnection ?? 5
    this.#backoffMs = options.reconnectBackoffMs ?? 50
    this.#backoffMaxMs = options.reconnectBackoffMaxMs ?? 1000
    this.#logger = options.logger ?? silentLogger
  }

  async send<A extends ApiDescriptor>(api: A, request: RequestOf<A>, options: SendOptions = {}): Promise<ResponseOf<A>> {
    if (this.#closed) throw new CoreError('CORE_CLOSED', 'The transport is closed')
    if (options.signal?.aborted) throw new CoreError('CORE_CLOSED', `${api.name} request aborted`, { cause: options.signal.reason })
    const connection = options.nodeId === undefined ? await this.#anyConnection() : await this.#nodeConnection(options.nodeId)
    const response = await connection.send(api, request, options.timeoutMs)
    this.#learn(api, response)
    return response
  }

  version(api: ApiDescriptor, nodeId?: number): number {
    const state = nodeId === undefined ? this.#firstConnected() : this.#nodes.get(nodeId)
    const connection = state?.connection
    if (connection?.isOpen) return connection.versionFor(api)
    // Not connected yet: assume the highest version; the connection negotiates the real one.
    return api.advertisedVersions.max
  }

  prepare(api: ApiDescriptor): void {
    const version = this.version(api)
    if (version < 0) return
    compileCodec(api.request).forVersion(version)
    compileCodec(api.response).forVersion(version)
  }

  /** Records broker addresses from Metadata and FindCoordinator responses. */
  #learn(api: ApiDescriptor, response: any): void {
    if (!response) return
    if (api.apiKey === 3 && Array.isArray(response.brokers)) {
      for (const b of response.brokers) this.#setNode(b.nodeId, { host: b.host, port: b.port })
    } else if (api.apiKey === 10) {
      if (Array.isArray(response.coordinators)) {
        for (const c of response.coordinators) if (c.errorCode === 0 && c.nodeId >= 0) this.#setNode(c.nodeId, { host: c.host, port: c.port })
      }
      if (response.errorCode === 0 && response.nodeId >= 0 && response.host) this.#setNode(response.nodeId, { host: response.host, port: response.port })
    }
  }

  #setNode(nodeId: number, address: NodeAddress): void {
    const state = this.#nodes.get(nodeId)
    if (!state) {
      this.#nodes.set(nodeId, { address, failures: 0, nextAttemptAt: 0 })
      return
    }
    if (state.address.host !== address.host || state.address.port !== address.port) {
      this.#logger.info(`Broker ${nodeId} moved from ${state.address.host}:${state.address.port} to ${address.host}:${address.port}`)
      state.connection?.close()
      state.connection = undefined
      state.address = address
    }
  }

  #firstConnected(): NodeState | undefined {
    for (const state of [...this.#nodes.values(), ...this.#bootstrap]) if (state.connection?.isOpen) return state
    return undefined
  }

  async #nodeConnection(nodeId: number): Promise<BrokerConnection> {
    const state = this.#nodes.get(nodeId)
    if (!state) {
      throw new CoreError('CORE_NETWORK', `Broker ${nodeId} is not known yet; refresh metadata first`, { retriable: true })
    }
    return this.#connect(state, `broker ${nodeId}`)
  }

  /** A connection to any broker: an open one with the fewest requests, else bootstrap servers in turn. */
  async #anyConnection(): Promise<BrokerConnection> {
    let best: BrokerConnection | undefined
    for (const state of [...this.#nodes.values(), ...this.#bootstrap]) {
      const c = state.connection
      if (c?.isOpen && (!best || c.inFlightCount < best.inFlightCount)) best = c
    }
    if (best) return best
    const candidates = [...this.#nodes.values(), ...this.#bootstrap]
    let lastError: unknown
    for (let i = 0; i < candidates.length; i++) {
      const state = candidates[(this.#bootstrapIndex + i) % candidates.length]
      try {
        const connection = await this.#connect(state, `${state.address.host}:${state.address.port}`)
        this.#bootstrapIndex = (this.#bootstrapIndex + i) % candidates.length
        return connection
      } catch (error) {
        lastError = error
      }
    }
    throw new CoreError('CORE_NETWORK', `No broker reachable (tried ${candidates.map((c) => `${c.address.host}:${c.address.port}`).join(', ')})`, {
      cause: lastError,
    })
  }

  #connect(state: NodeState, label: string): Promise<BrokerConnection> {
    if (state.connection?.isOpen) return Promise.resolve(state.connection)
    if (state.connecting) return state.connecting
    const wait = Math.max(0, state.nextAttemptAt - Date.now())
    state.connecting = (async () => {
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait).unref())
      try {
        const connection = await BrokerConnection.open({
          host: state.address.host,
          port: state.address.port,
          clientId: this.#clientId,
          requestTimeoutMs: this.#requestTimeoutMs,
          connectionTimeoutMs: this.#connectionTimeoutMs,
          maxInFlight: this.#maxInFlight,
          logger: this.#logger,
        })
        if (this.#closed) {
          connection.close()
          throw new CoreError('CORE_CLOSED', 'The transport is closed')
        }
        state.connection = connection
        state.failures = 0
        return connection
      } catch (error) {
        state.failures++
        const backoff = Math.min(this.#backoffMaxMs, this.#backoffMs * 2 ** (state.failures - 1))
        state.nextAttemptAt = Date.now() + backoff * (0.8 + Math.random() * 0.4)
        this.#logger.debug(`Connection to ${label} failed (attempt ${state.failures}): ${(error as Error).message}`)
        throw error
      } finally {
        state.connecting = undefined
      }
    })()
    return state.connecting
  }

  async close(): Promise<void> {
    this.#closed = true
    for (const state of [...this.#nodes.values(), ...this.#bootstrap]) state.connection?.close()
  }
}
