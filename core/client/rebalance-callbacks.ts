/**
 * The rebalance listener (Kafka's ConsumerRebalanceListener) and how the consumer calls it.
 *
 * - `onPartitionsRevoked`: before partitions are given up in a rebalance or on close, after
 *   their positions were committed (auto-commit). Eager members get it at every rebalance (with
 *   every partition, possibly none); cooperative members only for partitions that move.
 * - `onPartitionsAssigned`: after every successful rebalance, with the partitions added (all of
 *   them for eager members; possibly none). Positions are not known yet: they are looked up
 *   (committed offset, else `autoOffsetReset`) before the first fetch, unless the listener seeks.
 * - `onPartitionsLost`: the partitions were taken away without a revocation (the member was
 *   fenced out of its generation or missed the session timeout): another member may already
 *   own them, so nothing is committed. Without it, `onPartitionsRevoked` is called, as Kafka does.
 *
 * Listeners may be async; the rebalance waits for them. A listener that throws is logged and the
 * rebalance goes on: the partitions move whatever the listener thinks.
 */
import type { Logger } from '../logger.ts'
import { type TopicPartition, formatTopicPartition } from './partition-map.ts'

export interface RebalanceListener {
  readonly onPartitionsAssigned?: (partitions: TopicPartition[]) => void | Promise<void>
  readonly onPartitionsRevoked?: (partitions: TopicPartition[]) => void | Promise<void>
  readonly onPartitionsLost?: (partitions: TopicPartition[]) => void | Promise<void>
}

export class RebalanceCallbacks {
  readonly #listener: RebalanceListener
  readonly #logger: Logger
  readonly #groupId: string

  constructor(listener: RebalanceListener, logger: Logger, groupId: string) {
    this.#listener = listener
    this.#logger = logger
    this.#groupId = groupId
  }

  assigned(partitions: readonly TopicPartition[]): Promise<void> {
    return this.#call('onPartitionsAssigned', this.#listener.onPartitionsAssigned, partitions)
  }

  revoked(partitions: readonly TopicPartition[]): Promise<void> {
    return this.#call('onPartitionsRevoked', this.#listener.onPartitionsRevoked, partitions)
  }

  lost(partitions: readonly TopicPartition[]): Promise<void> {
    const callback = this.#listener.onPartitionsLost ?? this.#listener.onPartitionsRevoked
    return this.#call('onPartitionsLost', callback, partitions)
  }

  async #call(name: string, callback: RebalanceListener['onPartitionsAssigned'], partitions: readonly TopicPartition[]): Promise<void> {
    if (!callback) return
    try {
      await callback([...partitions])
    } catch (error) {
      this.#logger.error(`${name} of group '${this.#groupId}' threw; the rebalance goes on`, {
        partitions: partitions.map(formatTopicPartition),
        cause: String(error),
      })
    }
  }
}
