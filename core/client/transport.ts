/**
 * How Creek's producer, consumer and admin talk to brokers. They build Kafka request objects
 * (the message fields, all present) and get response objects back; whether those cross a
 * socket or go straight to an embedded broker is the transport's business, so client code is
 * the same for both.
 */
import type { ApiDescriptor, RequestOf, ResponseOf } from '../protocol/api-descriptor.ts'

export interface SendOptions {
  /**
   * The broker to send to (a node id from Metadata or FindCoordinator). Undefined: any broker
   * (the transport picks one; bootstrap servers before the first metadata).
   */
  readonly nodeId?: number
  /** Cancels a request that has not completed (its connection may be closed). */
  readonly signal?: AbortSignal
  /**
   * How long to wait for the response when longer than the transport's request timeout: a
   * JoinGroup is answered only once the rebalance completes, so consumers wait the rebalance
   * timeout plus 5 s for it, as Kafka's clients do.
   */
  readonly timeoutMs?: number
}

export interface Transport {
  /**
   * Sends a request and resolves with its response. For a Produce with acks = 0 the broker
   * sends nothing back: the promise resolves with `undefined` once the request is written.
   * Network and protocol failures reject with a CoreError; Kafka error codes inside a response
   * are the caller's to interpret.
   */
  send<A extends ApiDescriptor>(api: A, request: RequestOf<A>, options?: SendOptions): Promise<ResponseOf<A>>
  /** The highest version of `api` both this transport and the broker support, or -1. */
  version(api: ApiDescriptor, nodeId?: number): number
  /**
   * Readies what sending `api` takes (the network transport compiles its request and response
   * codecs), so that the first request does not pay for it. Optional; never needed for sending.
   */
  prepare?(api: ApiDescriptor): void
  /**
   * True when the transport (and whatever it hands requests to) keeps no reference to a
   * request's buffers once the response is there. The producer then writes later batches into
   * the buffers of acknowledged ones; absent or false, it never does.
   */
  readonly releasesRequestBuffers?: boolean
  close(): Promise<void>
}
