/**
 * The states of a classic consumer group and the moves between them (Kafka's GroupState).
 *
 * - Empty: no members; may hold committed offsets. A join starts a rebalance; offsets expire
 *   after `offsets.retention.minutes`; DeleteGroups may delete it.
 * - PreparingRebalance: waiting for every known member to (re)join, up to the rebalance timeout.
 * - CompletingRebalance: join responses sent; waiting for the leader's assignment in SyncGroup.
 * - Stable: assignment delivered; members heartbeat.
 * - Dead: deleted or expired, kept only by operations still holding a reference to it.
 *
 * The state names are the strings DescribeGroups and ListGroups report.
 */
import { CoreError } from '../../errors.ts'

export const GroupState = {
  EMPTY: 'Empty',
  PREPARING_REBALANCE: 'PreparingRebalance',
  COMPLETING_REBALANCE: 'CompletingRebalance',
  STABLE: 'Stable',
  DEAD: 'Dead',
} as const

export type GroupState = (typeof GroupState)[keyof typeof GroupState]

/** For each state, the states it may move to. */
export const GROUP_STATE_TRANSITIONS: Readonly<Record<GroupState, readonly GroupState[]>> = Object.freeze({
  // A join (or a restored member list) starts a rebalance; deletion or offset expiry kills it.
  Empty: [GroupState.PREPARING_REBALANCE, GroupState.DEAD],
  // Every member rejoined or the timeout hit: with members on to CompletingRebalance, without back to Empty.
  PreparingRebalance: [GroupState.COMPLETING_REBALANCE, GroupState.EMPTY, GroupState.DEAD],
  // The leader's assignment arrived (Stable), or a join, leave or expiry restarts the rebalance.
  CompletingRebalance: [GroupState.STABLE, GroupState.PREPARING_REBALANCE, GroupState.DEAD],
  Stable: [GroupState.PREPARING_REBALANCE, GroupState.DEAD],
  Dead: [GroupState.DEAD],
})

/** True when a group in `from` may move to `to`. */
export function canTransition(from: GroupState, to: GroupState): boolean {
  return GROUP_STATE_TRANSITIONS[from].includes(to)
}

/** Throws CORE_INVALID_ARGUMENT unless `from` may move to `to` (a coordinator bug, never a client error). */
export function assertTransition(groupId: string, from: GroupState, to: GroupState): void {
  if (!canTransition(from, to)) {
    throw new CoreError('CORE_INVALID_ARGUMENT', `Group '${groupId}' cannot move from ${from} to ${to}; allowed: ${GROUP_STATE_TRANSITIONS[from].join(', ') || 'none'}`)
  }
}

/** The state named `name` (case-insensitive, as ListGroups' StatesFilter is matched), or undefined. */
export function parseGroupState(name: string): GroupState | undefined {
  const lower = name.toLowerCase()
  return Object.values(GroupState).find((state) => state.toLowerCase() === lower)
}
