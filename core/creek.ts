/**
 * `Creek`: the one object an application starts from. `Creek.open({ dataDir })` runs an embedded
 * broker on a data directory and hands out producers, consumers and admins that talk to it
 * through in-process transports; `Creek.connect({ bootstrap })` hands out the same clients over
 * network transports to any Kafka-protocol cluster, and `listen()` exposes an embedded broker
 * to other processes over Kafka's wire protocol.
 *
 * Contracts:
 * - Each client gets its own transport and client id (`creek-<kind>-<n>` unless given), so the
 *   broker sees them as separate clients, as it would over sockets.
 * - `close()` closes every client this instance created and still open (consumers leave their
 *   group, producers flush), then their transports, then the embedded broker; it is idempotent.
 *   A client closed by the application before is closed again harmlessly.
 * - After `close()` no new client can be made (CORE_CLOSED).
 */
import { Broker } from './broker/broker.ts'
import { Admin, type AdminOptions } from './client/admin.ts'
import { Consumer, type ConsumerClientOptions } from './client/consumer.ts'
import { GroupMember, type GroupMemberOptions } from './client/group-member.ts'
import { InProcessTransport } from './client/in-process-transport.ts'
import { NetworkTransport } from './client/network-transport.ts'
import { Producer } from './client/producer.ts'
import type { ProducerOptions } from './client/producer-config.ts'
import type { Serializer } from './client/serialization.ts'
import { TypedProducer } from './client/typed-producer.ts'
import type { Transport } from './client/transport.ts'
import { CoreError } from './errors.ts'
import { type Logger, silentLogger } from './logger.ts'
import { KafkaServer, type KafkaServerOptions, type ListenOptions, type ServerAddress } from './server/kafka-server.ts'

export interface CreekOpenOptions {
  /** The data directory (created if missing); one open Creek or broker per directory. */
  readonly dataDir: string
  /** Broker properties with Kafka's names (`num.partitions`, `log.retention.hours`…). */
  readonly config?: Record<string, unknown>
  readonly logger?: Logger
  /**
   * Run the broker's background work (flushes, retention, compaction, session and offset
   * expiry). Default true; short-lived tools (the CLI) turn it off.
   */
  readonly background?: boolean
}

export interface CreekConnectOptions {
  /** Bootstrap servers, `host:port` (a string may hold several, comma-separated). */
  readonly bootstrap: string | readonly string[]
  /** request.timeout.ms for every client's transport (default 30000). */
  readonly requestTimeoutMs?: number
  /**
   * socket.connection.setup.timeout.ms for every client's transport (default 10000); short-lived
   * tools lower it to fail fast when nothing listens.
   */
  readonly connectionTimeoutMs?: number
  readonly logger?: Logger
}

export interface CreekListenOptions extends ListenOptions, KafkaServerOptions {}

export interface CreekAdminOptions extends AdminOptions {
  /** The client id the broker sees (default `creek-admin-<n>`). */
  readonly clientId?: string
}

/** A producer's options with serializers for keys and values: `producer()` then returns a `TypedProducer`. */
export interface TypedProducerOptions<K, V> extends ProducerOptions {
  readonly key: Serializer<K>
  readonly value: Serializer<V>
}

interface Closeable {
  close(): Promise<void>
}

type ClientKind = 'producer' | 'consumer' | 'admin' | 'group-member'

/**
 * Where clients' transports come from. Embedded: in-process transports to a broker this instance
 * owns. `Creek.connect` will add a network variant (a transport per client to `bootstrap`).
 */
interface Connection {
  /** The embedded broker, closed last; undefined when connected to a remote cluster. */
  readonly broker: Broker | undefined
  newTransport(clientId: string): Transport
}

export class Creek {
  readonly #connection: Connection
  readonly #logger: Logger
  readonly #clients = new Set<{ readonly client: Closeable; readonly transport: Transport }>()
  readonly #servers: KafkaServer[] = []
  readonly #counters: Record<ClientKind, number> = { producer: 0, consumer: 0, admin: 0, 'group-member': 0 }
  #closing: Promise<void> | undefined

  private constructor(connection: Connection, logger: Logger) {
    this.#connection = connection
    this.#logger = logger
  }

  /** Opens (or creates, or recovers) the data directory and starts an embedded broker on it. */
  static async open(options: CreekOpenOptions): Promise<Creek> {
    if (typeof options?.dataDir !== 'string' || options.dataDir === '') {
      throw new CoreError('CORE_INVALID_ARGUMENT', 'Creek.open needs a dataDir (a directory path)')
    }
    const broker = await Broker.open({
      dataDir: options.dataDir,
      config: options.config,
      logger: options.logger,
      background: options.background ?? true,
    })
    const connection: Connection = { broker, newTransport: (clientId) => new InProcessTransport(broker, { clientId }) }
    return new Creek(connection, options.logger ?? silentLogger)
  }

  /**
   * Clients of a running Kafka-protocol cluster (Creek, Apache Kafka, Redpanda): every producer,
   * consumer and admin gets its own network transport to `bootstrap`. Nothing is contacted until
   * a client sends its first request.
   */
  static connect(options: CreekConnectOptions): Creek {
    const bootstrap = (typeof options?.bootstrap === 'string' ? options.bootstrap.split(',') : [...(options?.bootstrap ?? [])])
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '')
    if (bootstrap.length === 0) throw new CoreError('CORE_INVALID_ARGUMENT', 'Creek.connect needs at least one bootstrap server (host:port)')
    const logger = options.logger ?? silentLogger
    const connection: Connection = {
      broker: undefined,
      newTransport: (clientId) => new NetworkTransport({
        bootstrap,
        clientId,
        requestTimeoutMs: options.requestTimeoutMs,
        connectionTimeoutMs: options.connectionTimeoutMs,
        logger,
      }),
    }
    return new Creek(connection, logger)
  }

  /**
   * Exposes the embedded broker over TCP with Kafka's wire protocol, so that any Kafka client
   * can use it. Resolves with the bound address (port 0 picks a free port). Closed by `close()`.
   */
  async listen(options: CreekListenOptions = {}): Promise<ServerAddress> {
    if (this.#closing !== undefined) throw new CoreError('CORE_CLOSED', 'Cannot listen: this Creek instance is closed')
    const server = new KafkaServer(this.broker, { ...options, logger: options.logger ?? this.#logger })
    const address = await server.listen(options)
    this.#servers.push(server)
    return address
  }

  /** The embedded broker (for tools and tests that look inside it). */
  get broker(): Broker {
    const { broker } = this.#connection
    if (broker === undefined) throw new CoreError('CORE_INVALID_ARGUMENT', 'This Creek instance has no embedded broker: it is connected to a cluster')
    return broker
  }

  get isClosed(): boolean {
    return this.#closing !== undefined
  }

  /**
   * A producer on its own transport. With `key` and `value` serializers it is a `TypedProducer`
   * that takes typed messages; without, a `Producer` of strings and buffers.
   */
  producer<K, V>(options: TypedProducerOptions<K, V>): TypedProducer<K, V>
  producer(options?: ProducerOptions): Producer
  producer<K, V>(options: ProducerOptions | TypedProducerOptions<K, V> = {}): Producer | TypedProducer<K, V> {
    return this.#track('producer', options.clientId, (transport, clientId) => {
      if (!('key' in options) && !('value' in options)) return new Producer(transport, { logger: this.#logger, ...options, clientId })
      const { key, value, ...producerOptions } = options as TypedProducerOptions<K, V>
      if (key === undefined || value === undefined) {
        throw new CoreError('CORE_INVALID_ARGUMENT', 'A typed producer needs both a key and a value serializer')
      }
      return new TypedProducer(new Producer(transport, { logger: this.#logger, ...producerOptions, clientId }), { key, value })
    })
  }

  /**
   * A consumer on its own transport: a group member after `subscribe()` when `groupId` is set,
   * or a reader of `assign()`ed partitions. With `key` / `value` deserializers its messages carry
   * typed keys and values; without, buffers. The producer of a dead-letter topic
   * (`deserializationErrorHandler: { deadLetterTopic }`) is made by this instance on first use,
   * as `<clientId>-dead-letter` on its own transport (so its sends do not queue behind the
   * consumer's long polls on a shared connection).
   */
  consumer<K = Buffer | null, V = Buffer | null>(options: ConsumerClientOptions<K, V> = {}): Consumer<K, V> {
    return this.#track('consumer', options.clientId, (transport, clientId) => new Consumer<K, V>(transport, {
      logger: this.#logger,
      deadLetterProducer: () => this.producer({ clientId: `${clientId}-dead-letter`, acks: 'all' }),
      ...options,
      clientId,
    }))
  }

  /**
   * A member of a classic group for a protocol other than the consumer's (Kafka Connect workers
   * join with protocol type "connect"), on its own transport; closed with this instance.
   */
  groupMember(options: GroupMemberOptions): GroupMember {
    return this.#track('group-member', options.clientId, (transport) => new GroupMember(transport, options))
  }

  /** An admin client on its own transport. */
  admin(options: CreekAdminOptions = {}): Admin {
    const { clientId, ...adminOptions } = options
    return this.#track('admin', clientId, (transport) => new Admin(transport, adminOptions))
  }

  /**
   * Closes the clients this instance made, then the broker. Errors of single clients do not stop
   * the rest; the first one is rethrown at the end.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
    const errors: unknown[] = []
    // Stop serving the network first: in-flight requests finish, long polls end.
    await Promise.all(this.#servers.splice(0).map((server) => server.close().catch((error) => errors.push(error))))
    const clients = [...this.#clients]
    this.#clients.clear()
    await Promise.all(clients.map(async ({ client, transport }) => {
      try {
        await client.close()
      } catch (error) {
        errors.push(error)
      }
      await transport.close()
    }))
    try {
      await this.#connection.broker?.close()
    } catch (error) {
      errors.push(error)
    }
    if (errors.length > 0) throw errors[0]
  }

  #track<C extends Closeable>(kind: ClientKind, clientId: string | undefined, make: (transport: Transport, clientId: string) => C): C {
    if (this.#closing !== undefined) throw new CoreError('CORE_CLOSED', `Cannot create a ${kind}: this Creek instance is closed`)
    const id = clientId ?? `creek-${kind}-${++this.#counters[kind]}`
    const transport = this.#connection.newTransport(id)
    const client = make(transport, id)
    this.#clients.add({ client, transport })
    return client
  }
}
