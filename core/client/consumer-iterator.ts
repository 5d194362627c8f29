/**
 * Async iteration over a consumer (`for await (const message of consumer)`): the pull-side
 * twin of `ConsumerRunner`, over the same poll step.
 *
 * A message counts as processed when the next one is asked for, or when the iteration ends
 * (`break`, `return`, a throw in the loop body): the position then moves past it, and the
 * consumer stops (committing, leaving the group). As in the runner, a batch stops being handed
 * out as soon as its partition is paused, seeked or revoked, or a rebalance waits; the records
 * not handed out are fetched again.
 *
 * A record that cannot be deserialized is not handed out: when the consumer's
 * `deserializationErrorHandler` drops it (skip, dead-letter topic) it counts as processed at
 * once; otherwise the iteration throws the typed error with the position at the record, and
 * ends (the consumer stops, committing the records before it).
 */
import type { ConsumerMessage, RunnerHost } from './consumer-runner.ts'
import type { FetchedBatch } from './fetcher.ts'

export interface IteratorHost<K, V> extends Pick<RunnerHost<K, V>, 'subscriptions' | 'poll' | 'rejoinNeeded' | 'deserialize'> {
  /** False once the iteration must end (stop, close, kill). */
  active(): boolean
  /** Called when the iteration ends by itself or by the loop leaving it. */
  end(): Promise<void>
}

export async function* iterateMessages<K, V>(host: IteratorHost<K, V>): AsyncGenerator<ConsumerMessage<K, V>> {
  const { subscriptions } = host
  let pending: { batch: FetchedBatch; offset: number } | null = null
  try {
    while (host.active()) {
      const batch = await host.poll()
      if (batch === null) continue
      let complete = true
      for (const record of batch.records) {
        const state = subscriptions.state(batch)
        if (!host.active() || !state || state.epoch !== batch.epoch || state.paused || host.rejoinNeeded()) {
          subscriptions.invalidate(batch)
          complete = false
          break
        }
        let message: ConsumerMessage<K, V> | null
        try {
          const deserialized = host.deserialize(record)
          message = deserialized instanceof Promise ? await deserialized : deserialized
        } catch (error) {
          subscriptions.invalidate(batch)
          throw error
        }
        if (message === null) {
          subscriptions.advance(batch, record.offset + 1, batch.positionEpoch)
          continue
        }
        pending = { batch, offset: record.offset + 1 }
        yield message
        subscriptions.advance(batch, record.offset + 1, batch.positionEpoch)
        pending = null
      }
      if (complete) subscriptions.advance(batch, batch.nextOffset, batch.positionEpoch)
    }
  } finally {
    if (pending) subscriptions.advance(pending.batch, pending.offset, pending.batch.positionEpoch)
    await host.end()
  }
}
