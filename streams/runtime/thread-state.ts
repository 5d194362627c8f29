/**
 * The states of a stream thread (Kafka Streams' `StreamThread.State`):
 *
 *   CREATED → STARTING → (PARTITIONS_REVOKED ⇄ PARTITIONS_ASSIGNED → RUNNING) → PENDING_SHUTDOWN → DEAD
 *
 * - STARTING: subscribed, waiting for its first assignment.
 * - PARTITIONS_REVOKED: a rebalance took its partitions (tasks committed and suspended).
 * - PARTITIONS_ASSIGNED: tasks created or resumed; some still initializing or restoring.
 * - RUNNING: every task of the assignment is processing.
 * - PENDING_SHUTDOWN → DEAD: closing (cleanly, or after a failure).
 */
export const ThreadState = {
  CREATED: 'CREATED',
  STARTING: 'STARTING',
  PARTITIONS_REVOKED: 'PARTITIONS_REVOKED',
  PARTITIONS_ASSIGNED: 'PARTITIONS_ASSIGNED',
  RUNNING: 'RUNNING',
  PENDING_SHUTDOWN: 'PENDING_SHUTDOWN',
  DEAD: 'DEAD',
} as const

export type ThreadState = (typeof ThreadState)[keyof typeof ThreadState]

export const THREAD_STATE_TRANSITIONS: Readonly<Record<ThreadState, readonly ThreadState[]>> = Object.freeze({
  CREATED: ['STARTING', 'PENDING_SHUTDOWN'],
  STARTING: ['PARTITIONS_REVOKED', 'PARTITIONS_ASSIGNED', 'PENDING_SHUTDOWN'],
  PARTITIONS_REVOKED: ['PARTITIONS_ASSIGNED', 'PENDING_SHUTDOWN'],
  PARTITIONS_ASSIGNED: ['PARTITIONS_REVOKED', 'RUNNING', 'PENDING_SHUTDOWN'],
  RUNNING: ['PARTITIONS_REVOKED', 'PARTITIONS_ASSIGNED', 'PENDING_SHUTDOWN'],
  PENDING_SHUTDOWN: ['DEAD'],
  DEAD: [],
})

/** True while the thread is in a rebalance or restoring (the application then is REBALANCING). */
export function isRebalancing(state: ThreadState): boolean {
  return state === ThreadState.STARTING || state === ThreadState.PARTITIONS_REVOKED || state === ThreadState.PARTITIONS_ASSIGNED
}
