import { describe, expect, it } from 'vitest'
import { StreamsError } from '../../../streams/errors.ts'
import { StateMachine } from '../../../streams/runtime/state-machine.ts'
import { STREAMS_STATE_TRANSITIONS, StreamsState } from '../../../streams/runtime/streams-state.ts'
import { TASK_STATE_TRANSITIONS, TaskState } from '../../../streams/runtime/task-state.ts'
import { THREAD_STATE_TRANSITIONS, ThreadState } from '../../../streams/runtime/thread-state.ts'

describe('StateMachine', () => {
  it('moves along the table and tells listeners (next, previous)', () => {
    const m = new StateMachine('application \'x\'', StreamsState.CREATED, STREAMS_STATE_TRANSITIONS)
    const seen: string[] = []
    const off = m.onChange((next, previous) => seen.push(`${previous}->${next}`))
    m.transitionTo(StreamsState.REBALANCING)
    m.transitionTo(StreamsState.RUNNING)
    off()
    m.transitionTo(StreamsState.PENDING_SHUTDOWN)
    expect(seen).toEqual(['CREATED->REBALANCING', 'REBALANCING->RUNNING'])
    expect(m.state).toBe('PENDING_SHUTDOWN')
  })

  it('throws STREAMS_ILLEGAL_STATE on an illegal move, naming the owner and the allowed moves', () => {
    const m = new StateMachine('task 0_1', TaskState.CREATED, TASK_STATE_TRANSITIONS)
    let error: unknown
    try {
      m.transitionTo(TaskState.RUNNING)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(StreamsError)
    expect((error as StreamsError).code).toBe('STREAMS_ILLEGAL_STATE')
    expect((error as Error).message).toMatch(/task 0_1 cannot move from CREATED to RUNNING; allowed from CREATED: RESTORING, SUSPENDED/)
    expect(m.state).toBe('CREATED')
  })

  it('keeps going when a listener throws, and reports it', () => {
    const errors: unknown[] = []
    const m = new StateMachine('t', TaskState.CREATED, TASK_STATE_TRANSITIONS, (e) => errors.push(e))
    const seen: string[] = []
    m.onChange(() => {
      throw new Error('boom')
    })
    m.onChange((next) => seen.push(next))
    m.transitionTo(TaskState.RESTORING)
    expect(seen).toEqual(['RESTORING'])
    expect(errors).toHaveLength(1)
  })

  it('refuses a move from inside a listener', () => {
    const errors: unknown[] = []
    const m = new StateMachine('t', TaskState.CREATED, TASK_STATE_TRANSITIONS, (e) => errors.push(e))
    m.onChange(() => m.transitionTo(TaskState.RUNNING))
    m.transitionTo(TaskState.RESTORING)
    expect(m.state).toBe('RESTORING')
    expect((errors[0] as StreamsError).code).toBe('STREAMS_ILLEGAL_STATE')
  })
})

describe('transition tables', () => {
  it('application: Kafka Streams\' KafkaStreams.State moves', () => {
    expect(STREAMS_STATE_TRANSITIONS).toEqual({
      CREATED: ['REBALANCING', 'PENDING_SHUTDOWN'],
      REBALANCING: ['RUNNING', 'PENDING_SHUTDOWN', 'PENDING_ERROR'],
      RUNNING: ['REBALANCING', 'PENDING_SHUTDOWN', 'PENDING_ERROR'],
      PENDING_SHUTDOWN: ['NOT_RUNNING'],
      NOT_RUNNING: [],
      PENDING_ERROR: ['ERROR'],
      ERROR: [],
    })
  })

  it('task: CREATED → RESTORING → RUNNING → SUSPENDED → CLOSED, resumable from SUSPENDED', () => {
    const m = new StateMachine('task', TaskState.CREATED, TASK_STATE_TRANSITIONS)
    for (const s of [TaskState.RESTORING, TaskState.RUNNING, TaskState.SUSPENDED, TaskState.RESTORING, TaskState.RUNNING, TaskState.SUSPENDED, TaskState.CLOSED]) m.transitionTo(s)
    expect(TASK_STATE_TRANSITIONS.CLOSED).toEqual([])
    expect(() => m.transitionTo(TaskState.CREATED)).toThrow(StreamsError)
  })

  it('every state of each table is reachable and the terminal states are terminal', () => {
    for (const [table, initial, terminal] of [
      [STREAMS_STATE_TRANSITIONS, 'CREATED', ['NOT_RUNNING', 'ERROR']],
      [TASK_STATE_TRANSITIONS, 'CREATED', ['CLOSED']],
      [THREAD_STATE_TRANSITIONS, 'CREATED', ['DEAD']],
    ] as const) {
      const reached = new Set<string>([initial])
      const queue: string[] = [initial]
      while (queue.length > 0) {
        for (const next of (table as Record<string, readonly string[]>)[queue.shift()!]) {
          if (!reached.has(next)) {
            reached.add(next)
            queue.push(next)
          }
        }
      }
      expect([...reached].sort()).toEqual(Object.keys(table).sort())
      for (const s of terminal) expect((table as Record<string, readonly string[]>)[s]).toEqual([])
    }
    expect(Object.values(ThreadState)).toContain('PARTITIONS_ASSIGNED')
  })
})
