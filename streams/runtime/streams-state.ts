/**
 * The states of a `CreekStreams` application instance (Kafka Streams' `KafkaStreams.State`) and
 * the moves between them, as Kafka defines them:
 *
 *   CREATED ──start()──▶ REBALANCING ◀──▶ RUNNING
 *      │                     │               │
 *      └──close()──▶ PENDING_SHUTDOWN ◀──────┘ ──▶ NOT_RUNNING
 *                            (from REBALANCING and RUNNING too)
 *   REBALANCING / RUNNING ──fatal error──▶ PENDING_ERROR ──▶ ERROR
 *
 * - REBALANCING: some thread is in a rebalance or has tasks still restoring.
 * - RUNNING: every thread has its assignment and every task is processing.
 * - PENDING_SHUTDOWN → NOT_RUNNING: `close()`; NOT_RUNNING is terminal.
 * - PENDING_ERROR → ERROR: the uncaught-exception handler chose SHUTDOWN_CLIENT or
 *   SHUTDOWN_APPLICATION, or every thread died; ERROR is terminal (`close()` only releases).
 */
export const StreamsState = {
  CREATED: 'CREATED',
  REBALANCING: 'REBALANCING',
  RUNNING: 'RUNNING',
  PENDING_SHUTDOWN: 'PENDING_SHUTDOWN',
  NOT_RUNNING: 'NOT_RUNNING',
  PENDING_ERROR: 'PENDING_ERROR',
  ERROR: 'ERROR',
} as const

export type StreamsState = (typeof StreamsState)[keyof typeof StreamsState]

export const STREAMS_STATE_TRANSITIONS: Readonly<Record<StreamsState, readonly StreamsState[]>> = Object.freeze({
  CREATED: ['REBALANCING', 'PENDING_SHUTDOWN'],
  REBALANCING: ['RUNNING', 'PENDING_SHUTDOWN', 'PENDING_ERROR'],
  RUNNING: ['REBALANCING', 'PENDING_SHUTDOWN', 'PENDING_ERROR'],
  PENDING_SHUTDOWN: ['NOT_RUNNING'],
  NOT_RUNNING: [],
  PENDING_ERROR: ['ERROR'],
  ERROR: [],
})

/** States in which the instance has (or is getting) tasks and answers interactive queries. */
export function isRunningOrRebalancing(state: StreamsState): boolean {
  return state === StreamsState.RUNNING || state === StreamsState.REBALANCING
}
