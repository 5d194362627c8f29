/**
 * The stream threads' partition assignor (Kafka Streams' `StreamsPartitionAssignor`, reduced to
 * active tasks): the group leader turns partitions into tasks and tasks into assignments.
 *
 * - A task is (sub-topology s, partition number p); sub-topology s has as many tasks as the
 *   largest partition count of its source topics (user and repartition topics, pattern
 *   matches included). The member owning task (s, p) gets partition p of every source topic of
 *   s that has one: co-partitioned inputs of a task always travel together.
 * - Balance: with T tasks and M members, every member gets ⌊T/M⌋ or ⌈T/M⌉ tasks.
 * - Stickiness, in this order, within the balance limits: a task stays with the member that
 *   ran it in the previous generation; else (that member is full) to another member of the
 *   same process (instance); else to a member of a process that has local state for it (a
 *   task directory with a checkpoint: after a restart, or a replaced thread); else to the least
 *   loaded member.
 * - Determinism: tasks are taken in (sub-topology, partition) order; ties between members go to
 *   the one first in Kafka's member order (static members by instance id, then member id).
 *   The result depends only on the arguments, so any member computes the same as the leader.
 * - Shutdown: a member that asks for an application shutdown (uncaught-exception handler
 *   answered SHUTDOWN_APPLICATION) says so in its subscription; the leader then gives every
 *   member an empty assignment marked `shutdown`, and every instance shuts down.
 *
 * Wire format of user data (JSON, versioned, so members of another release can tell):
 * subscription `{"v":1,"process":id,"prev":["0_1"],"local":["0_2"],"shutdown":false}`,
 * assignment `{"v":1,"tasks":["0_1"],"shutdown":false}`.
 *
 * The protocol is eager: every rebalance revokes every partition first, and tasks that stay
 * are suspended and resumed rather than closed (see stream-thread.ts).
 *
 * The assignor implements core's `PartitionAssignor` contract structurally (core does not export
 * the interface from its index yet; the shapes below mirror core/client/assignors/assignor.ts).
 */
import type { TopicPartition } from '../../core/index.ts'
import { StreamsError } from '../errors.ts'
import { type TaskId, formatTaskId } from '../processor/api.ts'

/** Core's `MemberSubscription` (the leader's view of one member). */
export interface AssignorMemberSubscription {
  readonly topics: readonly string[]
  readonly userData: Buffer | null
  readonly ownedPartitions: readonly TopicPartition[]
  readonly generationId: number
  readonly groupInstanceId: string | null
  readonly rackId: string | null
}

/** Core's `MemberAssignment`. */
export interface AssignorMemberAssignment {
  readonly partitions: readonly TopicPartition[]
  readonly userData: Buffer | null
}

/** The sources of one sub-topology, with internal topics already prefixed by the application id. */
export interface AssignableSubtopology {
  readonly id: number
  readonly topics: readonly string[]
  readonly patterns: readonly RegExp[]
}

/** What one member says about itself when it joins. */
export interface SubscriptionInfo {
  readonly processId: string
  /** Tasks it ran in the previous generation. */
  readonly prevTasks: readonly TaskId[]
  /** Tasks its process has local state for (task directories with a checkpoint). */
  readonly localTasks: readonly TaskId[]
  readonly shutdownRequested: boolean
}

/** What one member is told. */
export interface AssignmentInfo {
  readonly tasks: readonly TaskId[]
  readonly shutdownRequested: boolean
}

const VERSION = 1
export const STREAMS_ASSIGNOR_NAME = 'creek-streams'

export function parseTaskId(text: string): TaskId {
  const match = /^(\d+)_(\d+)$/.exec(text)
  if (!match) throw new StreamsError('STREAMS_ILLEGAL_STATE', `'${text}' is not a task id (expected <subtopology>_<partition>, e.g. 0_3)`)
  return { subtopology: Number(match[1]), partition: Number(match[2]) }
}

export function compareTaskIds(a: TaskId, b: TaskId): number {
  return a.subtopology - b.subtopology || a.partition - b.partition
}

export function encodeSubscriptionInfo(info: SubscriptionInfo): Buffer {
  return Buffer.from(JSON.stringify({
    v: VERSION, process: info.processId, prev: info.prevTasks.map(formatTaskId), local: info.localTasks.map(formatTaskId), shutdown: info.shutdownRequested,
  }))
}

/** Null for user data this version cannot read (another assignor's, or a newer format). */
export function decodeSubscriptionInfo(data: Buffer | null): SubscriptionInfo | null {
  const json = parseJson(data)
  if (json === null || json.v !== VERSION || typeof json.process !== 'string') return null
  return {
    processId: json.process,
    prevTasks: taskList(json.prev),
    localTasks: taskList(json.local),
    shutdownRequested: json.shutdown === true,
  }
}

export function encodeAssignmentInfo(info: AssignmentInfo): Buffer {
  return Buffer.from(JSON.stringify({ v: VERSION, tasks: info.tasks.map(formatTaskId), shutdown: info.shutdownRequested }))
}

export function decodeAssignmentInfo(data: Buffer | null): AssignmentInfo | null {
  const json = parseJson(data)
  if (json === null || json.v !== VERSION) return null
  return { tasks: taskList(json.tasks), shutdownRequested: json.shutdown === true }
}

function parseJson(data: Buffer | null): Record<string, unknown> | null {
  if (data === null || data.length === 0) return null
  try {
    const value: unknown = JSON.parse(data.toString('utf8'))
    return value !== null && typeof value === 'object' ? value as Record<string, unknown> : null
  } catch {
    return null
  }
}

function taskList(value: unknown): TaskId[] {
  if (!Array.isArray(value)) return []
  const out: TaskId[] = []
  for (const item of value) if (typeof item === 'string' && /^\d+_\d+$/.test(item)) out.push(parseTaskId(item))
  return out
}

/** The source topics of a sub-topology among the topics that exist (pattern matches included), sorted. */
export function topicsOf(subtopology: AssignableSubtopology, partitionsPerTopic: ReadonlyMap<string, number>): string[] {
  const topics = new Set(subtopology.topics.filter((t) => partitionsPerTopic.has(t)))
  if (subtopology.patterns.length > 0) {
    for (const topic of partitionsPerTopic.keys()) {
      if (subtopology.patterns.some((p) => new RegExp(p.source, p.flags.replace(/[gy]/g, '')).test(topic))) topics.add(topic)
    }
  }
  return [...topics].sort()
}

/** Every task of the topology given the partition counts, in (sub-topology, partition) order. */
export function tasksFor(subtopologies: readonly AssignableSubtopology[], partitionsPerTopic: ReadonlyMap<string, number>): TaskId[] {
  const tasks: TaskId[] = []
  for (const s of [...subtopologies].sort((a, b) => a.id - b.id)) {
    const count = Math.max(0, ...topicsOf(s, partitionsPerTopic).map((t) => partitionsPerTopic.get(t)!))
    for (let partition = 0; partition < count; partition++) tasks.push({ subtopology: s.id, partition })
  }
  return tasks
}

/** The partitions of `task`: partition p of each source topic of its sub-topology that has it. */
export function partitionsOfTask(
  task: TaskId, subtopologies: readonly AssignableSubtopology[], partitionsPerTopic: ReadonlyMap<string, number>,
): TopicPartition[] {
  const s = subtopologies.find((x) => x.id === task.subtopology)
  if (s === undefined) return []
  return topicsOf(s, partitionsPerTopic)
    .filter((topic) => task.partition < partitionsPerTopic.get(topic)!)
    .map((topic) => ({ topic, partition: task.partition }))
}

/** One member as the task assignment sees it, in member order. */
export interface TaskAssignmentMember {
  readonly memberId: string
  readonly processId: string
  readonly prevTasks: readonly TaskId[]
  readonly localTasks: readonly TaskId[]
}

/**
 * Balanced, sticky, deterministic assignment of `tasks` to `members` (see the module comment);
 * pure, so tests call it directly. Returns every member's tasks, sorted.
 */
export function assignTasks(tasks: readonly TaskId[], members: readonly TaskAssignmentMember[]): Map<string, TaskId[]> {
  const result = new Map<string, TaskId[]>(members.map((m) => [m.memberId, []]))
  if (members.length === 0) return result
  const sorted = [...tasks].sort(compareTaskIds)
  const floor = Math.floor(sorted.length / members.length)
  let extraSlots = sorted.length % members.length
  const rank = new Map(members.map((m, i) => [m.memberId, i]))
  const canTake = (m: string): boolean => {
    const n = result.get(m)!.length
    return n < floor || (n === floor && extraSlots > 0)
  }
  const assigned = new Set<string>()
  const give = (m: string, task: TaskId): void => {
    const list = result.get(m)!
    if (list.length === floor) extraSlots--
    list.push(task)
    assigned.add(formatTaskId(task))
  }
  /** The least loaded member of `candidates` that can take one more (ties: member order). */
  const leastLoaded = (candidates: readonly TaskAssignmentMember[]): string | undefined => {
    let best: string | undefined
    for (const c of candidates) {
      if (!canTake(c.memberId)) continue
      if (best === undefined) best = c.memberId
      else {
        const diff = result.get(c.memberId)!.length - result.get(best)!.length
        if (diff < 0 || (diff === 0 && rank.get(c.memberId)! < rank.get(best)!)) best = c.memberId
      }
    }
    return best
  }
  const has = (list: readonly TaskId[], task: TaskId): boolean => list.some((t) => t.subtopology === task.subtopology && t.partition === task.partition)

  // 1. The member that ran it.
  for (const task of sorted) {
    const owner = members.find((m) => has(m.prevTasks, task))
    if (owner !== undefined && canTake(owner.memberId)) give(owner.memberId, task)
  }
  // 2. Another member of the process that ran it (the owner is full).
  for (const task of sorted) {
    if (assigned.has(formatTaskId(task))) continue
    const processes = new Set(members.filter((m) => has(m.prevTasks, task)).map((m) => m.processId))
    const m = leastLoaded(members.filter((x) => processes.has(x.processId)))
    if (m !== undefined) give(m, task)
  }
  // 3. A member of a process with local state for it.
  for (const task of sorted) {
    if (assigned.has(formatTaskId(task))) continue
    const m = leastLoaded(members.filter((x) => has(x.localTasks, task)))
    if (m !== undefined) give(m, task)
  }
  // 4. The least loaded member.
  for (const task of sorted) {
    if (assigned.has(formatTaskId(task))) continue
    const m = leastLoaded(members)
    if (m === undefined) throw new StreamsError('STREAMS_ILLEGAL_STATE', `No member can take task ${formatTaskId(task)} (a bug in the task assignor)`)
    give(m, task)
  }
  for (const list of result.values()) list.sort(compareTaskIds)
  return result
}

/** Kafka's member order: static members (instance id) first, by instance id, then by member id. */
function memberOrder(a: [string, AssignorMemberSubscription], b: [string, AssignorMemberSubscription]): number {
  const [ia, ib] = [a[1].groupInstanceId, b[1].groupInstanceId]
  if (ia !== null && ib !== null && ia !== ib) return ia < ib ? -1 : 1
  if (ia !== null && ib === null) return -1
  if (ia === null && ib !== null) return 1
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0
}

export interface StreamsPartitionAssignorOptions {
  /** The topology's sub-topologies (may be read lazily: internal topic names need the application id). */
  readonly subtopologies: readonly AssignableSubtopology[]
  /** This member's subscription info, asked for at every join. */
  readonly subscriptionInfo: () => SubscriptionInfo
  /**
   * This member's assignment info, once SyncGroup completed (before `onPartitionsAssigned`);
   * null when the leader's user data cannot be read (a leader of another release).
   */
  readonly onAssignment: (info: AssignmentInfo | null, generationId: number) => void
}

export class StreamsPartitionAssignor {
  readonly name = STREAMS_ASSIGNOR_NAME
  readonly supportedProtocols = ['eager'] as const
  readonly #options: StreamsPartitionAssignorOptions

  constructor(options: StreamsPartitionAssignorOptions) {
    this.#options = options
  }

  subscriptionUserData(): Buffer {
    return encodeSubscriptionInfo(this.#options.subscriptionInfo())
  }

  assign(
    partitionsPerTopic: ReadonlyMap<string, number>,
    subscriptions: ReadonlyMap<string, AssignorMemberSubscription>,
  ): Map<string, AssignorMemberAssignment> {
    const ordered = [...subscriptions].sort(memberOrder)
    const infos = ordered.map(([memberId, s]) => ({ memberId, info: decodeSubscriptionInfo(s.userData) }))
    const result = new Map<string, AssignorMemberAssignment>()
    if (infos.some((m) => m.info?.shutdownRequested === true)) {
      const userData = encodeAssignmentInfo({ tasks: [], shutdownRequested: true })
      for (const [memberId] of ordered) result.set(memberId, { partitions: [], userData })
      return result
    }
    const { subtopologies } = this.#options
    const tasks = tasksFor(subtopologies, partitionsPerTopic)
    const members: TaskAssignmentMember[] = infos.map(({ memberId, info }) => ({
      memberId,
      processId: info?.processId ?? memberId,
      prevTasks: info?.prevTasks ?? [],
      localTasks: info?.localTasks ?? [],
    }))
    for (const [memberId, list] of assignTasks(tasks, members)) {
      const partitions = list.flatMap((task) => partitionsOfTask(task, subtopologies, partitionsPerTopic))
      result.set(memberId, { partitions, userData: encodeAssignmentInfo({ tasks: list, shutdownRequested: false }) })
    }
    return result
  }

  /** Called by the consumer (never throws into it): null info when the leader's user data is unreadable. */
  onAssignment(assignment: AssignorMemberAssignment, generationId: number): void {
    this.#options.onAssignment(decodeAssignmentInfo(assignment.userData), generationId)
  }
}
