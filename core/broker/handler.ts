/**
 * The shape of a broker API handler: a function from a decoded request (the Kafka message's
 * fields, all present) to the response message, for one API. The TCP server and the in-process
 * transport both call handlers through `Broker.handle`; neither encodes anything here.
 */
import type { Logger } from '../logger.ts'
import type { ApiDescriptor, RequestOf, ResponseOf } from '../protocol/api-descriptor.ts'
import type { LogManager } from '../storage/log-manager.ts'
import type { BrokerConfig } from './broker-config.ts'
import type { GroupCoordinator } from './group/group-coordinator.ts'

export type { RequestOf, ResponseOf }

/** Who sent a request, and at which API version it was decoded. */
export interface RequestContext {
  /** The version the request was decoded at (the in-process transport uses the highest). */
  readonly apiVersion: number
  readonly clientId: string | null
  /** Remote address, or 'in-process'. */
  readonly clientHost: string
  /** Aborted when the connection closes or the broker shuts down: long polls stop early. */
  readonly signal?: AbortSignal
}

/** What handlers see of the broker (implemented by `Broker`; an interface to keep imports acyclic). */
export interface BrokerContext {
  readonly config: BrokerConfig
  readonly logs: LogManager
  readonly groups: GroupCoordinator
  readonly clusterId: string
  readonly nodeId: number
  readonly logger: Logger
  readonly clock: () => number
  /** Where clients reach this broker. */
  readonly endpoint: { readonly host: string; readonly port: number }
  /** Aborted when the broker closes; long polls end early. */
  readonly closeSignal: AbortSignal
  /** Every API the broker implements, with the versions it advertises. */
  apis(): ApiDescriptor[]
}

export interface Handler<A extends ApiDescriptor = ApiDescriptor> {
  readonly api: A
  handle(broker: BrokerContext, request: RequestOf<A>, context: RequestContext): Promise<ResponseOf<A>>
}

export function defineHandler<A extends ApiDescriptor>(
  api: A,
  handle: (broker: BrokerContext, request: RequestOf<A>, context: RequestContext) => Promise<ResponseOf<A>>,
): Handler<A> {
  return { api, handle }
}
