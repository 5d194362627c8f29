import { describe, expect, it } from 'vitest'
import type { PartitionAssignor } from '../../../core/client/assignors/assignor.ts'
import { formatTaskId, type TaskId } from '../../../streams/processor/api.ts'
import {
  type AssignableSubtopology, type AssignmentInfo, type AssignorMemberSubscription, StreamsPartitionAssignor, type TaskAssignmentMember,
  assignTasks, decodeAssignmentInfo, decodeSubscriptionInfo, encodeAssignmentInfo, encodeSubscriptionInfo, parseTaskId, partitionsOfTask, tasksFor,
} from '../../../streams/runtime/task-assignor.ts'

const t = (s: number, p: number): TaskId => ({ subtopology: s, partition: p })
const names = (tasks: readonly TaskId[]): string[] => tasks.map(formatTaskId)
const member = (memberId: string, options: Partial<TaskAssignmentMember> = {}): TaskAssignmentMember => ({
  memberId, processId: memberId, prevTasks: [], localTasks: [], ...options,
})
const tasks = (subtopologies: number, partitions: number): TaskId[] => {
  const out: TaskId[] = []
  for (let s = 0; s < subtopologies; s++) for (let p = 0; p < partitions; p++) out.push(t(s, p))
  return out
}
function counts(result: Map<string, TaskId[]>): number[] {
  return [...result.values()].map((l) => l.length)
}

describe('assignTasks', () => {
  it('gives every task to exactly one member, balanced within one', () => {
    for (const [n, m] of [[1, 1], [5, 2], [8, 3], [2, 5], [12, 4], [7, 7]]) {
      const members = Array.from({ length: m }, (_, i) => member(`m${i}`))
      const result = assignTasks(tasks(1, n), members)
      const all = [...result.values()].flat().map(formatTaskId).sort()
      expect(all).toEqual(names(tasks(1, n)).sort())
      const c = counts(result)
      expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(1)
    }
  })

  it('spreads the tasks of a sub-topology over the members (round robin in task order)', () => {
    const result = assignTasks(tasks(2, 2), [member('a'), member('b')])
    expect(names(result.get('a')!)).toEqual(['0_0', '1_0'])
    expect(names(result.get('b')!)).toEqual(['0_1', '1_1'])
  })

  it('is deterministic whatever the order of the input tasks', () => {
    const members = [member('a'), member('b'), member('c')]
    const one = assignTasks(tasks(2, 4), members)
    const two = assignTasks(tasks(2, 4).reverse(), members)
    expect([...one]).toEqual([...two])
  })

  it('keeps tasks with the member that ran them', () => {
    const members = [member('a', { prevTasks: [t(0, 2), t(0, 3)] }), member('b', { prevTasks: [t(0, 0), t(0, 1)] })]
    const result = assignTasks(tasks(1, 4), members)
    expect(names(result.get('a')!)).toEqual(['0_2', '0_3'])
    expect(names(result.get('b')!)).toEqual(['0_0', '0_1'])
  })

  it('moves only what balance needs when a member joins', () => {
    const before = [member('a', { prevTasks: tasks(1, 4).slice(0, 2) }), member('b', { prevTasks: tasks(1, 4).slice(2) })]
    const result = assignTasks(tasks(1, 4), [...before, member('c')])
    expect(counts(result).sort()).toEqual([1, 1, 2])
    // a and b each keep at least one of their tasks; c gets one of theirs.
    expect(result.get('a')!.every((x) => before[0].prevTasks.some((y) => formatTaskId(y) === formatTaskId(x)))).toBe(true)
    expect(result.get('b')!.every((x) => before[1].prevTasks.some((y) => formatTaskId(y) === formatTaskId(x)))).toBe(true)
    expect(result.get('c')!).toHaveLength(1)
  })

  it('gives a departed member\'s tasks to the survivors, keeping theirs', () => {
    const result = assignTasks(tasks(1, 4), [member('a', { prevTasks: [t(0, 0), t(0, 1)] })])
    expect(names(result.get('a')!)).toEqual(['0_0', '0_1', '0_2', '0_3'])
  })

  it('prefers another member of the owner\'s process when the owner is full', () => {
    const members = [member('a', { processId: 'p1', prevTasks: tasks(1, 4) }), member('a2', { processId: 'p1' }), member('b', { processId: 'p2' })]
    const result = assignTasks(tasks(1, 4), members)
    expect(names(result.get('a')!)).toEqual(['0_0', '0_1'])
    expect(names(result.get('a2')!)).toEqual(['0_2'])
    expect(names(result.get('b')!)).toEqual(['0_3'])
  })

  it('prefers members whose process has local state for the task (after a restart)', () => {
    const members = [member('a'), member('b', { localTasks: [t(0, 0)] })]
    const result = assignTasks([t(0, 0), t(0, 1)], members)
    expect(names(result.get('b')!)).toEqual(['0_0'])
    expect(names(result.get('a')!)).toEqual(['0_1'])
  })

  it('breaks ties by member order', () => {
    const result = assignTasks([t(0, 0)], [member('a'), member('b')])
    expect(names(result.get('a')!)).toEqual(['0_0'])
    expect(result.get('b')).toEqual([])
  })
})

describe('tasks and partitions', () => {
  const subtopologies: AssignableSubtopology[] = [
    { id: 0, topics: ['in', 'other'], patterns: [] },
    { id: 1, topics: ['app-x-repartition'], patterns: [] },
    { id: 2, topics: [], patterns: [/^logs-.*/] },
  ]
  const partitions = new Map([['in', 3], ['other', 2], ['app-x-repartition', 2], ['logs-a', 1], ['logs-b', 2], ['unrelated', 5]])

  it('makes one task per partition of the largest source of each sub-topology', () => {
    expect(names(tasksFor(subtopologies, partitions))).toEqual(['0_0', '0_1', '0_2', '1_0', '1_1', '2_0', '2_1'])
  })

  it('gives a task partition p of every source topic that has one', () => {
    expect(partitionsOfTask(t(0, 1), subtopologies, partitions)).toEqual([{ topic: 'in', partition: 1 }, { topic: 'other', partition: 1 }])
    expect(partitionsOfTask(t(0, 2), subtopologies, partitions)).toEqual([{ topic: 'in', partition: 2 }])
    expect(partitionsOfTask(t(2, 1), subtopologies, partitions)).toEqual([{ topic: 'logs-b', partition: 1 }])
  })

  it('skips topics that do not exist yet', () => {
    expect(names(tasksFor([{ id: 0, topics: ['missing'], patterns: [] }], partitions))).toEqual([])
  })
})

describe('user data', () => {
  it('round-trips subscription and assignment info', () => {
    const info = { processId: 'p', prevTasks: [t(0, 1)], localTasks: [t(1, 0), t(0, 3)], shutdownRequested: false }
    expect(decodeSubscriptionInfo(encodeSubscriptionInfo(info))).toEqual(info)
    const assignment = { tasks: [t(2, 5)], shutdownRequested: true }
    expect(decodeAssignmentInfo(encodeAssignmentInfo(assignment))).toEqual(assignment)
  })

  it('reads foreign or broken user data as unknown', () => {
    expect(decodeSubscriptionInfo(null)).toBeNull()
    expect(decodeSubscriptionInfo(Buffer.from([0, 1, 2, 3]))).toBeNull()
    expect(decodeSubscriptionInfo(Buffer.from('{"v":99}'))).toBeNull()
    expect(decodeAssignmentInfo(Buffer.from('nope'))).toBeNull()
  })

  it('parses task ids', () => {
    expect(parseTaskId('3_12')).toEqual(t(3, 12))
    expect(() => parseTaskId('x')).toThrow(/not a task id/)
  })
})

describe('StreamsPartitionAssignor', () => {
  const subtopologies: AssignableSubtopology[] = [{ id: 0, topics: ['a', 'b'], patterns: [] }]
  const sub = (info: Parameters<typeof encodeSubscriptionInfo>[0] | null): AssignorMemberSubscription => ({
    topics: ['a', 'b'], userData: info === null ? null : encodeSubscriptionInfo(info), ownedPartitions: [], generationId: -1, groupInstanceId: null, rackId: null,
  })

  it('implements core\'s PartitionAssignor (eager) and gives co-partitioned partitions together', () => {
    const assignor: PartitionAssignor = new StreamsPartitionAssignor({ subtopologies, subscriptionInfo: () => ({ processId: 'p', prevTasks: [], localTasks: [], shutdownRequested: false }), onAssignment: () => {} })
    expect(assignor.supportedProtocols).toEqual(['eager'])
    const result = assignor.assign(new Map([['a', 2], ['b', 2]]), new Map([
      ['m2', sub({ processId: 'p2', prevTasks: [], localTasks: [], shutdownRequested: false })],
      ['m1', sub(null)],
    ]))
    expect(result.get('m1')!.partitions).toEqual([{ topic: 'a', partition: 0 }, { topic: 'b', partition: 0 }])
    expect(result.get('m2')!.partitions).toEqual([{ topic: 'a', partition: 1 }, { topic: 'b', partition: 1 }])
    expect(decodeAssignmentInfo(result.get('m2')!.userData)).toEqual({ tasks: [t(0, 1)], shutdownRequested: false })
  })

  it('gives everyone an empty assignment marked shutdown when a member asks for it', () => {
    const assignor = new StreamsPartitionAssignor({ subtopologies, subscriptionInfo: () => ({ processId: 'p', prevTasks: [], localTasks: [], shutdownRequested: false }), onAssignment: () => {} })
    const result = assignor.assign(new Map([['a', 2], ['b', 2]]), new Map([
      ['m1', sub({ processId: 'p1', prevTasks: [], localTasks: [], shutdownRequested: true })],
      ['m2', sub(null)],
    ]))
    for (const a of result.values()) {
      expect(a.partitions).toEqual([])
      expect(decodeAssignmentInfo(a.userData)?.shutdownRequested).toBe(true)
    }
  })

  it('reports its own subscription info and the assignment it gets', () => {
    const seen: (AssignmentInfo | null)[] = []
    const assignor = new StreamsPartitionAssignor({
      subtopologies, subscriptionInfo: () => ({ processId: 'me', prevTasks: [t(0, 1)], localTasks: [], shutdownRequested: false }), onAssignment: (info) => seen.push(info),
    })
    expect(decodeSubscriptionInfo(assignor.subscriptionUserData())?.processId).toBe('me')
    assignor.onAssignment({ partitions: [], userData: encodeAssignmentInfo({ tasks: [t(0, 0)], shutdownRequested: false }) }, 3)
    assignor.onAssignment({ partitions: [], userData: null }, 4)
    expect(seen).toEqual([{ tasks: [t(0, 0)], shutdownRequested: false }, null])
  })
})
