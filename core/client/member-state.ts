/**
 * The states of a consumer's membership in a classic group (Kafka's MemberState, plus the ends
 * of a member's life), and the moves between them:
 *
 * - unjoined: no member id or generation of use (start, after leaving, after a reset).
 * - joining: a JoinGroup is in flight (the group is preparing a rebalance).
 * - syncing: joined a generation, a SyncGroup is in flight (the leader is assigning).
 * - stable: the assignment of the generation is in force; the member heartbeats.
 * - fatal: the coordinator fenced or refused the member (FENCED_INSTANCE_ID, an inconsistent
 *   protocol, an invalid session timeout…); only closing remains.
 * - closed.
 *
 * Whether a rejoin is needed (a rebalance started, the subscription changed) is a flag beside
 * the state, not a state: a stable member keeps its partitions until it rejoins.
 */
import { CoreError } from '../errors.ts'

export const MemberState = {
  UNJOINED: 'unjoined',
  JOINING: 'joining',
  SYNCING: 'syncing',
  STABLE: 'stable',
  FATAL: 'fatal',
  CLOSED: 'closed',
} as const

export type MemberState = (typeof MemberState)[keyof typeof MemberState]

export const MEMBER_STATE_TRANSITIONS: Readonly<Record<MemberState, readonly MemberState[]>> = Object.freeze({
  unjoined: [MemberState.JOINING, MemberState.FATAL, MemberState.CLOSED],
  // Joined (syncing); retried with a new member id (joining); reset (unjoined).
  joining: [MemberState.SYNCING, MemberState.JOINING, MemberState.UNJOINED, MemberState.FATAL, MemberState.CLOSED],
  // Assigned (stable); a new rebalance started (joining); fenced out of the generation (unjoined).
  syncing: [MemberState.STABLE, MemberState.JOINING, MemberState.UNJOINED, MemberState.FATAL, MemberState.CLOSED],
  stable: [MemberState.JOINING, MemberState.UNJOINED, MemberState.FATAL, MemberState.CLOSED],
  fatal: [MemberState.CLOSED],
  closed: [],
})

/** A member's state with guarded moves: an illegal move is a bug in the coordinator and throws. */
export class MemberStateMachine {
  #state: MemberState = MemberState.UNJOINED
  readonly #groupId: string

  constructor(groupId: string) {
    this.#groupId = groupId
  }

  get state(): MemberState {
    return this.#state
  }

  is(...states: MemberState[]): boolean {
    return states.includes(this.#state)
  }

  transitionTo(next: MemberState): void {
    if (!MEMBER_STATE_TRANSITIONS[this.#state].includes(next)) {
      const allowed = MEMBER_STATE_TRANSITIONS[this.#state].join(', ') || 'none'
      throw new CoreError('CORE_INVALID_ARGUMENT', `Consumer of group '${this.#groupId}' cannot move from ${this.#state} to ${next}; allowed: ${allowed}`)
    }
    this.#state = next
  }
}
