/**
 * One member of a classic group (Kafka's MemberMetadata): its identity, the protocols it
 * supports in order of preference, its timeouts, its current assignment, and the JoinGroup and
 * SyncGroup responses it awaits.
 *
 * A member "awaits join" while its JoinGroup is held during a rebalance and "awaits sync"
 * while its SyncGroup waits for the leader's assignment; each holds at most one pending
 * response. `memberId` changes only when a static member is replaced by a newer instance of
 * itself (same groupInstanceId, new member id).
 */
import type { GroupProtocol, JoinGroupResponse, SyncGroupResponse } from './group-messages.ts'

export type JoinResolver = (response: JoinGroupResponse) => void
export type SyncResolver = (response: SyncGroupResponse) => void

export interface GroupMemberInit {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly clientId: string
  readonly clientHost: string
  readonly rebalanceTimeoutMs: number
  readonly sessionTimeoutMs: number
  readonly protocolType: string
  readonly protocols: readonly GroupProtocol[]
  readonly assignment?: Buffer
}

const EMPTY = Buffer.alloc(0)

export class GroupMember {
  memberId: string
  readonly groupInstanceId: string | null
  readonly clientId: string
  readonly clientHost: string
  readonly protocolType: string
  rebalanceTimeoutMs: number
  sessionTimeoutMs: number
  protocols: readonly GroupProtocol[]
  assignment: Buffer
  /** Joined during the current rebalance and not yet given a generation (Kafka's isNew). */
  isNew = false
  #awaitingJoin: JoinResolver | undefined
  #awaitingSync: SyncResolver | undefined

  constructor(init: GroupMemberInit) {
    this.memberId = init.memberId
    this.groupInstanceId = init.groupInstanceId
    this.clientId = init.clientId
    this.clientHost = init.clientHost
    this.protocolType = init.protocolType
    this.rebalanceTimeoutMs = init.rebalanceTimeoutMs
    this.sessionTimeoutMs = init.sessionTimeoutMs
    this.protocols = init.protocols
    this.assignment = init.assignment ?? EMPTY
  }

  get isStatic(): boolean {
    return this.groupInstanceId !== null
  }

  get isAwaitingJoin(): boolean {
    return this.#awaitingJoin !== undefined
  }

  get isAwaitingSync(): boolean {
    return this.#awaitingSync !== undefined
  }

  /** Holds `resolve` as the pending JoinGroup response; a response it replaces is answered with `superseded`. */
  awaitJoin(resolve: JoinResolver, superseded: (memberId: string) => JoinGroupResponse): void {
    const previous = this.#awaitingJoin
    this.#awaitingJoin = resolve
    previous?.(superseded(this.memberId))
  }

  /** Holds `resolve` as the pending SyncGroup response; a response it replaces is answered with `superseded`. */
  awaitSync(resolve: SyncResolver, superseded: () => SyncGroupResponse): void {
    const previous = this.#awaitingSync
    this.#awaitingSync = resolve
    previous?.(superseded())
  }

  /** Sends the pending JoinGroup response, if any; true if there was one. */
  completeJoin(response: JoinGroupResponse): boolean {
    const resolve = this.#awaitingJoin
    if (!resolve) return false
    this.#awaitingJoin = undefined
    resolve(response)
    return true
  }

  /** Sends the pending SyncGroup response, if any; true if there was one. */
  completeSync(response: SyncGroupResponse): boolean {
    const resolve = this.#awaitingSync
    if (!resolve) return false
    this.#awaitingSync = undefined
    resolve(response)
    return true
  }

  /** True if `resolve` is still the pending JoinGroup response. */
  isAwaitingJoinWith(resolve: JoinResolver): boolean {
    return this.#awaitingJoin === resolve
  }

  /** The member's metadata for `protocolName` (empty if it does not support it). */
  metadata(protocolName: string | null): Buffer {
    return this.protocols.find((p) => p.name === protocolName)?.metadata ?? EMPTY
  }

  /** True if the member supports `protocolName`. */
  supports(protocolName: string): boolean {
    return this.protocols.some((p) => p.name === protocolName)
  }

  /** The first of the member's protocols, in its order of preference, that is in `candidates`. */
  vote(candidates: ReadonlySet<string>): string | undefined {
    return this.protocols.find((p) => candidates.has(p.name))?.name
  }

  /** True if `protocols` are the member's, with the same names, metadata and order. */
  matches(protocols: readonly GroupProtocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every((p, i) => p.name === this.protocols[i].name && p.metadata.equals(this.protocols[i].metadata))
    )
  }
}
