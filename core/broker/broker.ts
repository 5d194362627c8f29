/**
 * The broker's brain, independent of sockets: topic metadata and logs (LogManager), the group
 * coordinator, and one handler per Kafka API. `Broker.handle(api, request, context)` is the one
 * entry point; the TCP server decodes frames into the same request objects, and the in-process
 * transport passes them straight through.
 *
 * Files: `<dataDir>/meta.properties` holds the cluster id and node id (as Kafka's does); the
 * rest of the directory belongs to the log manager.
 *
 * Concurrency: one Broker per data directory (the log manager's lock), on one thread. Handlers
 * are async; each keeps the per-partition order of appends because appends are synchronous.
 */
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { CoreError } from '../errors.ts'
import { type Logger, silentLogger } from '../logger.ts'
import type { ApiDescriptor } from '../protocol/api-descriptor.ts'
import { readFileIfExistsSync, writeFileAtomicSync } from '../storage/atomic-file.ts'
import { LogManager } from '../storage/log-manager.ts'
import { type BrokerConfig, resolveBrokerConfig } from './broker-config.ts'
import { GroupCoordinator } from './group/group-coordinator.ts'
import type { BrokerContext, Handler, RequestContext, RequestOf, ResponseOf } from './handler.ts'
import { HANDLERS } from './handlers.ts'

export interface BrokerOptions {
  readonly dataDir: string
  /** Broker properties with Kafka's names (`num.partitions`, `log.retention.hours`…). */
  readonly config?: Record<string, unknown>
  readonly clock?: () => number
  readonly logger?: Logger
  /** Run background timers (flush, retention, compaction, offsets expiry). Default true. */
  readonly background?: boolean
}

export interface BrokerEndpoint {
  readonly host: string
  readonly port: number
}

export class Broker implements BrokerContext {
  readonly config: BrokerConfig
  readonly logs: LogManager
  readonly groups: GroupCoordinator
  readonly clusterId: string
  readonly nodeId: number
  readonly logger: Logger
  readonly clock: () => number
  #endpoint: BrokerEndpoint
  readonly #handlers = new Map<number, Handler>()
  readonly #closeController = new AbortController()
  #closed = false

  private constructor(config: BrokerConfig, logs: LogManager, groups: GroupCoordinator, clusterId: string, options: BrokerOptions) {
    this.config = config
    this.logs = logs
    this.groups = groups
    this.clusterId = clusterId
    this.nodeId = config.nodeId
    this.logger = options.logger ?? silentLogger
    this.clock = options.clock ?? Date.now
    this.#endpoint = { host: config.advertisedHost, port: config.advertisedPort }
    for (const handler of HANDLERS) this.#handlers.set(handler.api.apiKey, handler)
  }

  /** Opens the data directory (recovering it if needed) and the group coordinator. */
  static async open(options: BrokerOptions): Promise<Broker> {
    const config = resolveBrokerConfig(options.config)
    const background = options.background !== false
    const logs = await LogManager.open({
      dataDir: options.dataDir,
      defaults: config.topicDefaults,
      clock: options.clock,
      logger: options.logger,
      background,
      flushCheckIntervalMs: config.logFlushSchedulerIntervalMs,
      retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
      cleanerBackoffMs: config.logCleanerBackoffMs,
    })
    try {
      const clusterId = loadClusterId(options.dataDir, config.nodeId)
      const groups = await GroupCoordinator.open({
        logManager: logs,
        config: config.groupConfig as never,
        clock: options.clock,
        logger: options.logger,
        background,
      })
      return new Broker(config, logs, groups, clusterId, options)
    } catch (error) {
      await logs.close()
      throw error
    }
  }

  /** Where clients reach this broker (put in Metadata and FindCoordinator responses). */
  get endpoint(): BrokerEndpoint {
    return this.#endpoint
  }

  /** Set by the TCP server once it listens. */
  setEndpoint(endpoint: BrokerEndpoint): void {
    this.#endpoint = endpoint
  }

  /** Aborted when the broker closes; long-polling handlers listen to it. */
  get closeSignal(): AbortSignal {
    return this.#closeController.signal
  }

  get isClosed(): boolean {
    return this.#closed
  }

  /** The handler of an API key, if the broker implements it. */
  handler(apiKey: number): Handler | undefined {
    return this.#handlers.get(apiKey)
  }

  /** Every API the broker implements, with the versions it advertises. */
  apis(): ApiDescriptor[] {
    return [...this.#handlers.values()].map((h) => h.api).sort((a, b) => a.apiKey - b.apiKey)
  }

  /** Handles one request. Throws CORE_PROTOCOL for an API the broker does not implement. */
  async handle<A extends ApiDescriptor>(api: A, request: RequestOf<A>, context: RequestContext): Promise<ResponseOf<A>> {
    const handler = this.#handlers.get(api.apiKey) as Handler<A> | undefined
    if (!handler) throw new CoreError('CORE_PROTOCOL', `The broker does not implement API ${api.name} (key ${api.apiKey})`)
    if (this.#closed) throw new CoreError('CORE_CLOSED', 'The broker is shutting down')
    return handler.handle(this, request, context)
  }

  /** Stops background work, answers pending long polls, and closes the coordinator and logs. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    this.#closeController.abort()
    try {
      await this.groups.close()
    } finally {
      await this.logs.close()
    }
  }
}

/** Reads or creates `meta.properties` with a cluster id (22-char URL-safe base64 of a UUID, as Kafka). */
function loadClusterId(dataDir: string, nodeId: number): string {
  const path = join(dataDir, 'meta.properties')
  const existing = readFileIfExistsSync(path)?.toString('utf8')
  const match = existing ? /^cluster\.id=(.+)$/m.exec(existing) : null
  if (match) return match[1].trim()
  const clusterId = Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url')
  writeFileAtomicSync(path, `#Creek broker metadata\nversion=1\ncluster.id=${clusterId}\nnode.id=${nodeId}\n`)
  return clusterId
}
