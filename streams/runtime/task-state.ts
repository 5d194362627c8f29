/**
 * The states of a stream task (Kafka Streams' `Task.State`) and the moves between them:
 *
 *   CREATED ──stores opened──▶ RESTORING ──caught up with the changelogs──▶ RUNNING
 *      │                          │                                         │
 *      └──────────────────────────┴─────────────▶ SUSPENDED ◀───────────────┘
 *                                                  │      │
 *                           (reassigned) RESTORING ◀┘      └──▶ CLOSED
 *
 * - CREATED: the task exists (its partitions were assigned); stores not open yet.
 * - RESTORING: stores open, being brought up to the changelogs' end; nothing is processed.
 * - RUNNING: processing records; committed at every commit.
 * - SUSPENDED: revoked (eager rebalance) or failed: committed (when clean) and its processors
 *   closed, stores still open; either resumed (back to RESTORING) when reassigned to the
 *   same thread, or closed.
 * - CLOSED: stores closed, directory released; terminal.
 */
export const TaskState = {
  CREATED: 'CREATED',
  RESTORING: 'RESTORING',
  RUNNING: 'RUNNING',
  SUSPENDED: 'SUSPENDED',
  CLOSED: 'CLOSED',
} as const

export type TaskState = (typeof TaskState)[keyof typeof TaskState]

export const TASK_STATE_TRANSITIONS: Readonly<Record<TaskState, readonly TaskState[]>> = Object.freeze({
  CREATED: ['RESTORING', 'SUSPENDED'],
  RESTORING: ['RUNNING', 'SUSPENDED'],
  RUNNING: ['SUSPENDED'],
  SUSPENDED: ['RESTORING', 'CLOSED'],
  CLOSED: [],
})
