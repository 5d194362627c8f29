import { describe, expect, it } from 'vitest'
import { ClassicGroup } from '../../../../core/broker/group/classic-group.ts'
import { assertTransition, canTransition, GROUP_STATE_TRANSITIONS, GroupState, parseGroupState } from '../../../../core/broker/group/group-state.ts'
import { CoreError } from '../../../../core/errors.ts'

const ALL = Object.values(GroupState)

describe('group states', () => {
  it('allows exactly the moves of Kafka\'s classic group state machine', () => {
    const allowed = ALL.flatMap((from) => ALL.filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`))
    expect(allowed.sort()).toEqual([
      'CompletingRebalance->Dead',
      'CompletingRebalance->PreparingRebalance',
      'CompletingRebalance->Stable',
      'Dead->Dead',
      'Empty->Dead',
      'Empty->PreparingRebalance',
      'PreparingRebalance->CompletingRebalance',
      'PreparingRebalance->Dead',
      'PreparingRebalance->Empty',
      'Stable->Dead',
      'Stable->PreparingRebalance',
    ])
    expect(Object.keys(GROUP_STATE_TRANSITIONS).sort()).toEqual([...ALL].sort())
  })

  it('throws on an illegal move and records when a legal one happened', () => {
    const group = new ClassicGroup('g', GroupState.EMPTY, 1)
    expect(() => group.transitionTo(GroupState.STABLE, 2)).toThrow(CoreError)
    expect(() => assertTransition('g', 'Empty', 'CompletingRebalance')).toThrow(/cannot move from Empty to CompletingRebalance/)
    expect(group.state).toBe('Empty')
    group.transitionTo(GroupState.PREPARING_REBALANCE, 5)
    expect(group.state).toBe('PreparingRebalance')
    expect(group.currentStateTimestamp).toBe(5)
  })

  it('parses state names case-insensitively', () => {
    expect(parseGroupState('stable')).toBe('Stable')
    expect(parseGroupState('COMPLETINGREBALANCE')).toBe('CompletingRebalance')
    expect(parseGroupState('Rebalancing')).toBeUndefined()
  })
})
