/**
 * Where a group's coordinator is: FindCoordinator (key type 0, the group id) through the
 * transport, retried on retriable errors (COORDINATOR_NOT_AVAILABLE while the broker loads), and
 * cached until a request tells otherwise (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, a network
 * failure: `markUnknown`). Concurrent lookups share one request.
 */
import { FindCoordinator } from '../protocol/apis/find-coordinator.ts'
import { ErrorCode, KafkaApiError } from '../protocol/error-codes.ts'
import { findCoordinatorRequest, parseFindCoordinator } from './group-requests.ts'
import { type BackoffOptions, retry } from './retry.ts'
import type { Transport } from './transport.ts'

export class CoordinatorLocator {
  readonly #transport: Transport
  readonly #groupId: string
  readonly #backoff: BackoffOptions
  #nodeId: number | null = null
  #finding: Promise<number> | null = null

  constructor(transport: Transport, groupId: string, backoff: BackoffOptions) {
    this.#transport = transport
    this.#groupId = groupId
    this.#backoff = backoff
  }

  /** The coordinator's node id, looked up when unknown. */
  get(): Promise<number> {
    if (this.#nodeId !== null) return Promise.resolve(this.#nodeId)
    this.#finding ??= retry(async () => {
      const response = await this.#transport.send(FindCoordinator, findCoordinatorRequest(this.#groupId))
      const { errorCode, nodeId } = parseFindCoordinator(response, this.#groupId)
      if (errorCode !== ErrorCode.NONE) throw new KafkaApiError(errorCode, `finding the coordinator of group '${this.#groupId}'`)
      return nodeId
    }, this.#backoff).then((nodeId) => {
      this.#nodeId = nodeId
      return nodeId
    }).finally(() => {
      this.#finding = null
    })
    return this.#finding
  }

  /** The cached node id, null when unknown (no lookup). */
  get known(): number | null {
    return this.#nodeId
  }

  markUnknown(): void {
    this.#nodeId = null
  }

  /** Sends a request to the coordinator; a transport failure makes it unknown. */
  async send<T>(send: (nodeId: number) => Promise<T>): Promise<T> {
    const nodeId = await this.get()
    try {
      return await send(nodeId)
    } catch (error) {
      this.markUnknown()
      throw error
    }
  }
}
