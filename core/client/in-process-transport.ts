/**
 * A transport to an embedded broker in the same process: request objects are handed to
 * `Broker.handle` without encoding, at the highest version the broker advertises (so every
 * field is meaningful). The broker is not owned: closing the transport leaves it running.
 */
import type { Broker } from '../broker/broker.ts'
import { CoreError } from '../errors.ts'
import type { ApiDescriptor, RequestOf, ResponseOf } from '../protocol/api-descriptor.ts'
import type { SendOptions, Transport } from './transport.ts'

export interface InProcessTransportOptions {
  readonly clientId?: string
}

export class InProcessTransport implements Transport {
  /** The broker appends (copies) a produced batch before it answers, and keeps no reference. */
  readonly releasesRequestBuffers = true
  readonly #broker: Broker
  readonly #clientId: string | null
  #closed = false

  constructor(broker: Broker, options: InProcessTransportOptions = {}) {
    this.#broker = broker
    this.#clientId = options.clientId ?? null
  }

  async send<A extends ApiDescriptor>(api: A, request: RequestOf<A>, options: SendOptions = {}): Promise<ResponseOf<A>> {
    if (this.#closed) throw new CoreError('CORE_CLOSED', 'The transport is closed')
    if (options.signal?.aborted) throw new CoreError('CORE_CLOSED', `${api.name} request aborted`, { cause: options.signal.reason })
    return this.#broker.handle(api, request, {
      apiVersion: this.version(api),
      clientId: this.#clientId,
      clientHost: 'in-process',
      signal: options.signal,
    })
  }

  version(api: ApiDescriptor): number {
    return this.#broker.handler(api.apiKey) ? api.advertisedVersions.max : -1
  }

  async close(): Promise<void> {
    this.#closed = true
  }
}
