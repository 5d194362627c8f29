/**
 * GroupMember against an embedded broker: the contracts of its header comment (assignment
 * through the leader, onAssigned/onRevoked alternation, heartbeats and rejoins, kill, close,
 * fatal join errors) and the coordinator's protocol selection as a member sees it.
 */
import { setTimeout as delay } from 'node:timers/promises'
import { afterEach, describe, expect, it, onTestFinished } from 'vitest'
import { type GroupGeneration, GroupMember, type GroupMemberHandler, type GroupMemberOptions } from '../../../core/client/group-member.ts'
import { InProcessTransport } from '../../../core/client/in-process-transport.ts'
import type { SendOptions, Transport } from '../../../core/client/transport.ts'
import { Creek } from '../../../core/creek.ts'
import { CoreError } from '../../../core/errors.ts'
import type { ApiDescriptor, RequestOf, ResponseOf } from '../../../core/protocol/api-descriptor.ts'
import { FindCoordinator } from '../../../core/protocol/apis/find-coordinator.ts'
import { Heartbeat } from '../../../core/protocol/apis/heartbeat.ts'
import { JoinGroup } from '../../../core/protocol/apis/join-group.ts'
import { ErrorCode, KafkaApiError } from '../../../core/protocol/error-codes.ts'
import { tempDir } from '../../helpers/temp-dir.ts'

const MIN_SESSION_TIMEOUT_MS = 500

async function openCreek(): Promise<Creek> {
  const creek = await Creek.open({
    dataDir: tempDir('creek-group-member-'),
    background: false,
    config: { 'group.initial.rebalance.delay.ms': 0, 'group.min.session.timeout.ms': MIN_SESSION_TIMEOUT_MS, 'offsets.topic.num.partitions': 1 },
  })
  afterEach(() => creek.close())
  return creek
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await delay(10)
  }
}

type Protocols = readonly { readonly name: string; readonly metadata: Buffer }[]

interface Call {
  readonly kind: 'assigned' | 'revoked'
  readonly generation?: GroupGeneration
  readonly assignment?: string
}

interface RecorderOptions {
  /** Protocols by preference (default one protocol `p1` with metadata `meta-<name>`). */
  readonly protocols?: Protocols
  /** How long onAssigned and onRevoked take (default 20 ms). */
  readonly handlerDelayMs?: number
  /** How long the leader's assign() takes (default 0). */
  readonly assignDelayMs?: number
  /** Called at the start of onRevoked. */
  readonly onRevokedStart?: () => void
}

/**
 * A handler that records every call: a log of onAssigned/onRevoked, the generations its
 * assign() saw with what it returned, fatal errors, and whether two handler calls overlapped.
 */
class Recorder implements GroupMemberHandler {
  readonly calls: Call[] = []
  readonly assigns: { generation: GroupGeneration; result: Map<string, string> }[] = []
  readonly fatal: Error[] = []
  overlaps = 0
  #inFlight = false
  readonly #options: RecorderOptions

  constructor(readonly name: string, options: RecorderOptions = {}) {
    this.#options = options
  }

  protocols(): Protocols {
    return this.#options.protocols ?? [{ name: 'p1', metadata: Buffer.from(`meta-${this.name}`) }]
  }

  async assign(generation: GroupGeneration): Promise<Map<string, Buffer>> {
    if (this.#options.assignDelayMs) await delay(this.#options.assignDelayMs)
    const result = new Map(generation.members.map((m) => [m.memberId, `gen ${generation.generationId} for ${m.metadata.toString()}`]))
    this.assigns.push({ generation, result })
    return new Map([...result].map(([memberId, text]) => [memberId, Buffer.from(text)]))
  }

  async onAssigned(assignment: Buffer, generation: GroupGeneration): Promise<void> {
    await this.#call({ kind: 'assigned', generation, assignment: assignment.toString() })
  }

  async onRevoked(): Promise<void> {
    this.#options.onRevokedStart?.()
    await this.#call({ kind: 'revoked' })
  }

  onFatal(error: Error): void {
    this.fatal.push(error)
  }

  async #call(call: Call): Promise<void> {
    if (this.#inFlight) this.overlaps++
    this.#inFlight = true
    try {
      await delay(this.#options.handlerDelayMs ?? 20)
      this.calls.push(call)
    } finally {
      this.#inFlight = false
    }
  }

  get idle(): boolean {
    return !this.#inFlight
  }

  /** The generation of the last onAssigned when it is the last call (the member holds it), else undefined. */
  get holding(): GroupGeneration | undefined {
    const last = this.calls.at(-1)
    return last?.kind === 'assigned' && this.idle ? last.generation : undefined
  }

  get assignedCount(): number {
    return this.calls.filter((c) => c.kind === 'assigned').length
  }

  /** Calls alternate, starting with onAssigned, and never overlapped. */
  expectAlternating(): void {
    expect(this.overlaps, `${this.name}: overlapping handler calls`).toBe(0)
    this.calls.forEach((call, i) => expect(call.kind, `${this.name}: call ${i} of ${this.calls.map((c) => c.kind).join(',')}`).toBe(i % 2 === 0 ? 'assigned' : 'revoked'))
  }
}

interface Joined {
  readonly member: GroupMember
  readonly rec: Recorder
}

const FAST = { sessionTimeoutMs: 1000, heartbeatIntervalMs: 50, retryBackoffMs: 20, retryBackoffMaxMs: 100 } as const

function join(creek: Creek, name: string, options: RecorderOptions & Partial<GroupMemberOptions> = {}): Joined {
  const rec = new Recorder(name, options)
  const member = creek.groupMember({ groupId: 'g', protocolType: 'test', clientId: name, ...FAST, ...options, handler: rec })
  member.start()
  return { member, rec }
}

/** Waits until every member holds an assignment of one generation above `after` with all of them in it; returns it per member. */
async function settled(joined: readonly Joined[], after: number, what: string, timeoutMs = 5000): Promise<GroupGeneration[]> {
  await waitFor(() => {
    const held = joined.map((j) => j.rec.holding)
    return held.every((g) => g !== undefined && g.generationId > after && g.generationId === held[0]!.generationId)
  }, what, timeoutMs)
  return joined.map((j) => j.rec.holding!)
}

const leaderOf = (joined: readonly Joined[]): Joined => {
  const leaders = joined.filter((j) => j.rec.holding?.isLeader)
  expect(leaders).toHaveLength(1)
  return leaders[0]
}

/** A transport that counts requests by API and answers the next request of chosen APIs NOT_COORDINATOR. */
class MovingCoordinator implements Transport {
  readonly sent = new Map<ApiDescriptor, number>()
  readonly failNext = new Set<ApiDescriptor>()
  readonly #inner: Transport

  constructor(inner: Transport) {
    this.#inner = inner
  }

  async send<A extends ApiDescriptor>(api: A, request: RequestOf<A>, options?: SendOptions): Promise<ResponseOf<A>> {
    this.sent.set(api, (this.sent.get(api) ?? 0) + 1)
    const response = await this.#inner.send(api, request, options)
    if (!this.failNext.delete(api)) return response
    return { ...response, errorCode: ErrorCode.NOT_COORDINATOR }
  }

  count(api: ApiDescriptor): number {
    return this.sent.get(api) ?? 0
  }

  version(api: ApiDescriptor, nodeId?: number): number {
    return this.#inner.version(api, nodeId)
  }

  close(): Promise<void> {
    return this.#inner.close()
  }
}

describe('GroupMember', () => {
  it('the leader assigns every member; each member gets exactly the bytes the leader gave it', async () => {
    const creek = await openCreek()
    const a = join(creek, 'a')
    const [first] = await settled([a], 0, 'a alone in the group')
    expect(first).toMatchObject({ memberId: a.member.memberId, leaderId: a.member.memberId, isLeader: true, protocolName: 'p1' })
    const b = join(creek, 'b')
    const [ga, gb] = await settled([a, b], first.generationId, 'a and b in one generation')

    // The generation as each member sees it.
    expect(ga.generationId).toBe(gb.generationId)
    expect(ga.leaderId).toBe(gb.leaderId)
    expect(ga.protocolName).toBe('p1')
    expect(gb.protocolName).toBe('p1')
    expect(ga.memberId).toBe(a.member.memberId)
    expect(gb.memberId).toBe(b.member.memberId)
    expect(ga.memberId).not.toBe(gb.memberId)
    expect([ga.isLeader, gb.isLeader].filter(Boolean)).toHaveLength(1)
    expect(ga.isLeader).toBe(ga.leaderId === ga.memberId)
    expect(gb.isLeader).toBe(gb.leaderId === gb.memberId)
    expect(a.member.generationId).toBe(ga.generationId)
    expect(a.member.isLeader).toBe(ga.isLeader)
    expect(b.member.isLeader).toBe(gb.isLeader)

    // The leader saw both members' metadata; followers get no member list.
    const leader = leaderOf([a, b])
    const follower = leader === a ? b : a
    expect(follower.rec.holding!.members).toEqual([])
    const assign = leader.rec.assigns.at(-1)!
    expect(assign.generation.generationId).toBe(ga.generationId)
    expect(assign.generation.isLeader).toBe(true)
    expect(new Map(assign.generation.members.map((m) => [m.memberId, m.metadata.toString()]))).toEqual(new Map([
      [a.member.memberId, 'meta-a'],
      [b.member.memberId, 'meta-b'],
    ]))
    // Each member got its own bytes from that assignment.
    expect(a.rec.calls.at(-1)!.assignment).toBe(assign.result.get(a.member.memberId))
    expect(b.rec.calls.at(-1)!.assignment).toBe(assign.result.get(b.member.memberId))
    expect(a.rec.calls.at(-1)!.assignment).toBe(`gen ${ga.generationId} for meta-a`)
    expect(b.rec.calls.at(-1)!.assignment).toBe(`gen ${ga.generationId} for meta-b`)
    // Only the leader was asked to assign, once per generation it led.
    expect(follower.rec.assigns.every((x) => x.generation.generationId < ga.generationId)).toBe(true)
    a.rec.expectAlternating()
    b.rec.expectAlternating()
  })

  it('members the leader leaves out of its assignment get empty bytes', async () => {
    const creek = await openCreek()
    const picky = new Recorder('a')
    picky.assign = async (generation) => new Map([[generation.memberId, Buffer.from('all of it')]])
    const a = { rec: picky, member: creek.groupMember({ groupId: 'g', protocolType: 'test', ...FAST, handler: picky }) }
    a.member.start()
    const [first] = await settled([a], 0, 'a alone')
    const b = join(creek, 'b')
    const [ga] = await settled([a, b], first.generationId, 'a and b')
    expect(ga.isLeader).toBe(true)
    expect(a.rec.calls.at(-1)!.assignment).toBe('all of it')
    expect(b.rec.calls.at(-1)!.assignment).toBe('')
  })

  it('onAssigned and onRevoked alternate and never overlap, across requestRejoin() and a third member joining', async () => {
    const creek = await openCreek()
    const a = join(creek, 'a')
    const [g1] = await settled([a], 0, 'a alone')
    const b = join(creek, 'b')
    const [g2] = await settled([a, b], g1.generationId, 'a and b')
    expect(g2.isLeader).toBe(true)

    // The leader rejoining rebalances the whole group.
    a.member.requestRejoin('test: leader asks')
    const [g3] = await settled([a, b], g2.generationId, 'a and b after the leader rejoined')
    expect(g3.generationId).toBeGreaterThan(g2.generationId)
    expect(a.rec.calls.map((c) => c.kind)).toEqual(['assigned', 'revoked', 'assigned', 'revoked', 'assigned'])
    expect(b.rec.calls.map((c) => c.kind)).toEqual(['assigned', 'revoked', 'assigned'])

    // A third member: the others hear of the rebalance through their heartbeats.
    const c = join(creek, 'c')
    const [g4] = await settled([a, b, c], g3.generationId, 'a, b and c')
    const g4Assign = leaderOf([a, b, c]).rec.assigns.at(-1)!
    expect(g4Assign.generation.members.map((m) => m.metadata.toString()).sort()).toEqual(['meta-a', 'meta-b', 'meta-c'])
    for (const j of [a, b, c]) expect(j.rec.calls.at(-1)!.assignment).toBe(g4Assign.result.get(j.member.memberId))

    // A follower with unchanged metadata rejoining a stable group gets the current generation
    // and its assignment back (the coordinator does not rebalance for it, as Kafka's does not).
    const bAssigned = b.rec.assignedCount
    const aCalls = a.rec.calls.length
    b.member.requestRejoin('test: follower asks')
    await waitFor(() => b.rec.assignedCount > bAssigned && b.rec.holding !== undefined, 'b assigned again')
    expect(b.rec.calls.slice(-2).map((c) => c.kind)).toEqual(['revoked', 'assigned'])
    expect(b.rec.holding!.generationId).toBe(g4.generationId)
    expect(b.rec.calls.at(-1)!.assignment).toBe(g4Assign.result.get(b.member.memberId))
    expect(a.rec.calls.length).toBe(aCalls)

    // Several rejoin requests while handlers are busy: still strictly alternating.
    a.member.requestRejoin('test: again')
    await delay(5)
    c.member.requestRejoin('test: and again')
    b.member.requestRejoin('test: and again')
    await settled([a, b, c], g4.generationId, 'a, b and c after more rejoins')

    await Promise.all([a.member.close(), b.member.close(), c.member.close()])
    for (const j of [a, b, c]) {
      j.rec.expectAlternating()
      expect(j.rec.calls.at(-1)!.kind).toBe('revoked')
      // Generations only move forward.
      const generations = j.rec.calls.flatMap((call) => call.generation ? [call.generation.generationId] : [])
      expect(generations).toEqual([...generations].sort((x, y) => x - y))
    }
  })

  it('close() during a slow onAssigned revokes only after it returns', async () => {
    const creek = await openCreek()
    const a = join(creek, 'a', { handlerDelayMs: 300 })
    await waitFor(() => !a.rec.idle, 'onAssigned to start')
    await a.member.close()
    expect(a.rec.calls.map((c) => c.kind)).toEqual(['assigned', 'revoked'])
    a.rec.expectAlternating()
  })

  it('kill(): the survivor gets a new generation with everything after about sessionTimeoutMs; the killed member hears nothing more', async () => {
    const creek = await openCreek()
    const session = { sessionTimeoutMs: 1000, heartbeatIntervalMs: 200 }
    const a = join(creek, 'a', session)
    const [g1] = await settled([a], 0, 'a alone')
    const b = join(creek, 'b', session)
    const [g2] = await settled([a, b], g1.generationId, 'a and b')
    expect(g2.isLeader).toBe(true)

    // Kill the leader: the follower must take over.
    const killedCalls = a.rec.calls.length
    const killedAssigns = a.rec.assigns.length
    const started = Date.now()
    a.member.kill()
    const [g3] = await settled([b], g2.generationId, 'b alone after a was killed', 5000)
    const elapsed = Date.now() - started
    // The coordinator drops a when its session expires: at most one heartbeat interval early
    // (a's last heartbeat), and b hears of it at its next heartbeat.
    expect(elapsed).toBeGreaterThanOrEqual(session.sessionTimeoutMs - session.heartbeatIntervalMs - 50)
    expect(elapsed).toBeLessThan(session.sessionTimeoutMs + 1500)
    expect(g3).toMatchObject({ memberId: b.member.memberId, leaderId: b.member.memberId, isLeader: true })
    expect(b.rec.assigns.at(-1)!.generation.members.map((m) => m.memberId)).toEqual([b.member.memberId])
    expect(b.rec.calls.at(-1)!.assignment).toBe(`gen ${g3.generationId} for meta-b`)
    expect(b.rec.calls.map((c) => c.kind)).toEqual(['assigned', 'revoked', 'assigned'])

    // The killed member was neither revoked nor told anything, and stays quiet when closed.
    await a.member.close()
    expect(a.rec.calls.length).toBe(killedCalls)
    expect(a.rec.assigns.length).toBe(killedAssigns)
    expect(a.rec.calls.at(-1)!.kind).toBe('assigned')
    expect(a.rec.fatal).toEqual([])
    expect(() => a.member.start()).toThrow(CoreError)
    b.rec.expectAlternating()
  })

  it('close(): onRevoked, then LeaveGroup; the other member rebalances long before the session timeout', async () => {
    const creek = await openCreek()
    const broker = creek.broker
    const session = { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 50 }
    const membersNow = async () => (await broker.groups.describeGroups(['g'])).groups[0].members.map((m) => m.memberId)
    const whileRevoking: Promise<string[]>[] = []
    const a = join(creek, 'a', session)
    const [g1] = await settled([a], 0, 'a alone')
    const b = join(creek, 'b', { ...session, onRevokedStart: () => whileRevoking.push(membersNow()) })
    const [, g2] = await settled([a, b], g1.generationId, 'a and b')
    const bId = b.member.memberId
    whileRevoking.length = 0

    const started = Date.now()
    await b.member.close()
    // When onRevoked ran, b was still in the group; once close() resolved it had left.
    expect(whileRevoking).toHaveLength(1)
    expect(await whileRevoking[0]).toContain(bId)
    expect(await membersNow()).not.toContain(bId)
    expect(b.rec.calls.map((c) => c.kind)).toEqual(['assigned', 'revoked'])

    const [g3] = await settled([a], g2.generationId, 'a alone after b left')
    expect(Date.now() - started).toBeLessThan(3000)
    expect(g3.isLeader).toBe(true)
    expect(a.rec.assigns.at(-1)!.generation.members.map((m) => m.memberId)).toEqual([a.member.memberId])

    // Idempotent, and nothing more for b.
    await b.member.close()
    expect(b.rec.calls).toHaveLength(2)
    a.rec.expectAlternating()
    b.rec.expectAlternating()
  })

  it('a member whose onAssigned throws stops with the error and leaves, so the others rebalance at once', async () => {
    const creek = await openCreek()
    const session = { sessionTimeoutMs: 10_000, heartbeatIntervalMs: 50 }
    const a = join(creek, 'a', session)
    const [g1] = await settled([a], 0, 'a alone')
    class Throwing extends Recorder {
      override async onAssigned(): Promise<void> {
        throw new Error('the handler broke')
      }
    }
    const rec = new Throwing('b')
    const b = creek.groupMember({ groupId: 'g', protocolType: 'test', clientId: 'b', ...FAST, ...session, handler: rec })
    b.start()
    const started = Date.now()
    await waitFor(() => rec.fatal.length === 1, 'b to stop')
    expect(b.failure?.message).toBe('the handler broke')
    // a saw b join, then leave: a generation with only a, long before b's 10 s session would end.
    const [g3] = await settled([a], g1.generationId + 1, 'a alone after b left')
    expect(Date.now() - started).toBeLessThan(3000)
    expect(a.rec.assigns.at(-1)!.generation.members.map((m) => m.memberId)).toEqual([a.member.memberId])
    expect(g3.isLeader).toBe(true)
    await b.close()
    a.rec.expectAlternating()
  })

  it('a member dropped by the coordinator (UNKNOWN_MEMBER_ID on heartbeat) revokes, then rejoins with a new member id', async () => {
    const creek = await openCreek()
    const a = join(creek, 'a')
    const [g1] = await settled([a], 0, 'a alone')
    const b = join(creek, 'b')
    const [, g2] = await settled([a, b], g1.generationId, 'a and b')
    const oldId = b.member.memberId
    // As if b's session had expired: the coordinator removes it.
    const left = await creek.broker.groups.leaveGroup({ groupId: 'g', members: [{ memberId: oldId, groupInstanceId: null }] })
    expect(left.members[0].errorCode).toBe(ErrorCode.NONE)
    const [, g3] = await settled([a, b], g2.generationId, 'a and b after b was dropped')
    expect(b.member.memberId).not.toBe(oldId)
    expect(g3.memberId).toBe(b.member.memberId)
    expect(b.rec.calls.map((c) => c.kind)).toEqual(['assigned', 'revoked', 'assigned'])
    a.rec.expectAlternating()
  })

  it('NOT_COORDINATOR on JoinGroup or Heartbeat makes the member find the coordinator again', async () => {
    const creek = await openCreek()
    const transport = new MovingCoordinator(new InProcessTransport(creek.broker, { clientId: 'moving' }))
    const rec = new Recorder('a')
    const member = new GroupMember(transport, { groupId: 'g', protocolType: 'test', ...FAST, handler: rec })
    onTestFinished(() => member.close().then(() => transport.close()))
    transport.failNext.add(JoinGroup)
    member.start()
    const [g1] = await settled([{ member, rec }], 0, 'a assigned after the coordinator moved')
    expect(transport.count(FindCoordinator)).toBe(2)
    expect(member.failure).toBeNull()

    transport.failNext.add(Heartbeat)
    await waitFor(() => transport.count(FindCoordinator) === 3, 'a third FindCoordinator')
    const heartbeats = transport.count(Heartbeat)
    await waitFor(() => transport.count(Heartbeat) >= heartbeats + 2, 'heartbeats to go on')
    // Still the same member in the same generation.
    expect(rec.calls).toHaveLength(1)
    expect(member.generationId).toBe(g1.generationId)
    expect(transport.count(FindCoordinator)).toBe(3)
  })

  it('a leader whose assign() outlasts the session timeout keeps its membership (heartbeats run once joined)', async () => {
    const creek = await openCreek()
    const a = join(creek, 'a', { sessionTimeoutMs: 1000, heartbeatIntervalMs: 100, assignDelayMs: 1500 })
    const [g1] = await settled([a], 0, 'a assigned despite a slow assign()', 8000)
    const firstId = a.member.memberId
    expect(g1.generationId).toBe(1)
    expect(a.rec.assigns).toHaveLength(1)
    expect(a.rec.calls.map((c) => c.kind)).toEqual(['assigned'])
    expect(a.member.memberId).toBe(firstId)
  })

  describe('join errors no retry can fix stop the member', () => {
    const expectFatal = (j: Joined, code: number): void => {
      const failure = j.member.failure
      expect(failure).toBeInstanceOf(CoreError)
      expect((failure as CoreError).retriable).toBe(false)
      const cause = (failure as CoreError).cause
      expect(cause).toBeInstanceOf(KafkaApiError)
      expect((cause as KafkaApiError).errorCode).toBe(code)
      expect(j.rec.fatal).toEqual([failure])
      expect(j.rec.calls).toEqual([])
      expect(j.rec.assigns).toEqual([])
    }

    it('protocols sharing no name with the group: INCONSISTENT_GROUP_PROTOCOL', async () => {
      const creek = await openCreek()
      const a = join(creek, 'a', { protocols: [{ name: 'p1', metadata: Buffer.from('a') }, { name: 'p2', metadata: Buffer.from('a') }] })
      const [g1] = await settled([a], 0, 'a alone')
      const z = join(creek, 'z', { protocols: [{ name: 'p3', metadata: Buffer.from('z') }] })
      await waitFor(() => z.member.failure !== null, 'z to fail')
      expectFatal(z, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
      expect(z.member.generationId).toBe(-1)
      // The group was not disturbed; closing the failed member is quiet.
      await z.member.close()
      await delay(3 * FAST.heartbeatIntervalMs)
      expect(a.rec.calls).toHaveLength(1)
      expect(a.rec.holding!.generationId).toBe(g1.generationId)
    })

    it('another protocol type: INCONSISTENT_GROUP_PROTOCOL', async () => {
      const creek = await openCreek()
      const a = join(creek, 'a')
      await settled([a], 0, 'a alone')
      const z = join(creek, 'z', { protocolType: 'other' })
      await waitFor(() => z.member.failure !== null, 'z to fail')
      expectFatal(z, ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    })

    it('a session timeout below group.min.session.timeout.ms: INVALID_SESSION_TIMEOUT', async () => {
      const creek = await openCreek()
      const z = join(creek, 'z', { sessionTimeoutMs: MIN_SESSION_TIMEOUT_MS - 1, heartbeatIntervalMs: 100 })
      await waitFor(() => z.member.failure !== null, 'z to fail')
      expectFatal(z, ErrorCode.INVALID_SESSION_TIMEOUT)
      expect(z.member.memberId).toBe('')
    })
  })

  describe('protocol selection', () => {
    const protocols = (name: string, ...names: string[]): Protocols => names.map((p) => ({ name: p, metadata: Buffer.from(`${name}:${p}`) }))

    it('the one protocol every member supports, with each member\'s metadata for it', async () => {
      const creek = await openCreek()
      const a = join(creek, 'a', { protocols: protocols('a', 'x', 'y') })
      const [g1] = await settled([a], 0, 'a alone')
      expect(g1.protocolName).toBe('x')
      expect(a.rec.assigns[0].generation.members.map((m) => m.metadata.toString())).toEqual(['a:x'])
      const b = join(creek, 'b', { protocols: protocols('b', 'z', 'y') })
      const [ga, gb] = await settled([a, b], g1.generationId, 'a and b')
      expect(ga.protocolName).toBe('y')
      expect(gb.protocolName).toBe('y')
      expect(leaderOf([a, b]).rec.assigns.at(-1)!.generation.members.map((m) => m.metadata.toString()).sort()).toEqual(['a:y', 'b:y'])
    })

    it('among protocols all support, the one most members prefer', async () => {
      const creek = await openCreek()
      const a = join(creek, 'a', { protocols: protocols('a', 'x', 'y') })
      const [g1] = await settled([a], 0, 'a alone')
      const b = join(creek, 'b', { protocols: protocols('b', 'y', 'x') })
      const [g2] = await settled([a, b], g1.generationId, 'a and b')
      // One vote each: the leader's preference decides.
      expect(g2.isLeader).toBe(true)
      expect(g2.protocolName).toBe('x')
      const c = join(creek, 'c', { protocols: protocols('c', 'y', 'x', 'w') })
      const [ga, gb, gc] = await settled([a, b, c], g2.generationId, 'a, b and c')
      expect([ga.protocolName, gb.protocolName, gc.protocolName]).toEqual(['y', 'y', 'y'])
      expect(leaderOf([a, b, c]).rec.assigns.at(-1)!.generation.members.map((m) => m.metadata.toString()).sort()).toEqual(['a:y', 'b:y', 'c:y'])
    })
  })

  it('options are checked when the member is made', async () => {
    const creek = await openCreek()
    const handler = new Recorder('x')
    expect(() => creek.groupMember({ groupId: '', protocolType: 'test', handler })).toThrow(/groupId/)
    expect(() => creek.groupMember({ groupId: 'g', protocolType: '', handler })).toThrow(/protocolType/)
    expect(() => creek.groupMember({ groupId: 'g', protocolType: 'test', handler, sessionTimeoutMs: 1000, heartbeatIntervalMs: 1000 })).toThrow(/heartbeatIntervalMs/)
    expect(() => creek.groupMember({ groupId: 'g', protocolType: 'test', handler, retryBackoffMs: 0 })).toThrow(/retryBackoffMs/)
  })
})
