import { describe, expect, it } from 'vitest'
import { CONNECTOR_STATES, CONNECTOR_TRANSITIONS, StateMachine, TASK_TRANSITIONS, traceOf } from '../../../connect/runtime/states.ts'

describe('connector and task state machines', () => {
  it('allows exactly the moves of the transition table', () => {
    for (const from of CONNECTOR_STATES) {
      for (const to of CONNECTOR_STATES) {
        const machine = new StateMachine('Connector c', CONNECTOR_TRANSITIONS, from)
        if (CONNECTOR_TRANSITIONS[from].includes(to)) machine.transitionTo(to, new Error('x'))
        else expect(() => machine.transitionTo(to), `${from} → ${to}`).toThrow(expect.objectContaining({ code: 'CONNECT_ILLEGAL_STATE' }))
      }
    }
  })

  it('keeps the trace only while FAILED, causes included', () => {
    const machine = new StateMachine('Task t-0', TASK_TRANSITIONS, 'UNASSIGNED')
    machine.transitionTo('RUNNING')
    expect(machine.trace).toBeNull()
    machine.transitionTo('FAILED', new Error('outer', { cause: new Error('inner') }))
    expect(machine.trace).toMatch(/Error: outer[\s\S]*Caused by: Error: inner/)
    expect(() => machine.transitionTo('RUNNING')).toThrow(/cannot go from FAILED to RUNNING; allowed: UNASSIGNED/)
    machine.transitionTo('UNASSIGNED')
    expect(machine.trace).toBeNull()
  })

  it('resolves waiters on a state', async () => {
    const machine = new StateMachine('Task t-0', TASK_TRANSITIONS, 'UNASSIGNED')
    const running = machine.when(['RUNNING'])
    machine.transitionTo('RUNNING')
    await expect(running).resolves.toBe('RUNNING')
    expect(traceOf('plain')).toBe('plain')
  })
})
