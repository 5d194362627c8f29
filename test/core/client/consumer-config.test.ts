import { describe, expect, it } from 'vitest'
import { CONSUMER_DEFAULTS, resolveConsumerConfig } from '../../../core/client/consumer-config.ts'
import { MEMBER_STATE_TRANSITIONS, MemberState, MemberStateMachine } from '../../../core/client/member-state.ts'

describe('resolveConsumerConfig', () => {
  it("fills in Kafka's defaults", () => {
    const config = resolveConsumerConfig({ groupId: 'g' })
    expect(config).toMatchObject({
      groupId: 'g', groupInstanceId: null, sessionTimeoutMs: 45_000, heartbeatIntervalMs: 3000, maxPollIntervalMs: 300_000,
      rebalanceTimeoutMs: 300_000, autoOffsetReset: 'latest', enableAutoCommit: true, autoCommitIntervalMs: 5000,
      isolationLevel: 'read_uncommitted', fetchMinBytes: 1, fetchMaxBytes: 52_428_800, maxPartitionFetchBytes: 1_048_576,
      fetchMaxWaitMs: 500, maxPollRecords: 500, allowAutoCreateTopics: true, rebalanceProtocol: 'eager', checkCrcs: true,
    })
    expect(config.partitionAssignors.map((a) => a.name)).toEqual(['range', 'cooperative-sticky'])
    expect(Object.isFrozen(config)).toBe(true)
    expect(CONSUMER_DEFAULTS.sessionTimeoutMs).toBe(45_000)
  })

  it('checks CRCs unless told not to, and wants a boolean', () => {
    expect(resolveConsumerConfig({ checkCrcs: false }).checkCrcs).toBe(false)
    expect(() => resolveConsumerConfig({ checkCrcs: 'no' as never })).toThrow(expect.objectContaining({ code: 'CORE_INVALID_CONFIG' }))
  })

  it('turns auto-commit off without a group, and refuses it explicitly on', () => {
    expect(resolveConsumerConfig({}).enableAutoCommit).toBe(false)
    expect(() => resolveConsumerConfig({ enableAutoCommit: true })).toThrow(expect.objectContaining({ code: 'CORE_INVALID_CONFIG' }))
  })

  it('is cooperative only when every assignor is', () => {
    expect(resolveConsumerConfig({ partitionAssignors: ['cooperative-sticky'] }).rebalanceProtocol).toBe('cooperative')
    expect(resolveConsumerConfig({ partitionAssignors: ['roundrobin'] }).rebalanceProtocol).toBe('eager')
  })

  it.each([
    [{ sessionTimeoutMs: 0 }, /sessionTimeoutMs/],
    [{ sessionTimeoutMs: 1000, heartbeatIntervalMs: 1000 }, /heartbeatIntervalMs .* less than sessionTimeoutMs/],
    [{ autoOffsetReset: 'smallest' }, /autoOffsetReset .*'earliest', 'latest', 'none'/],
    [{ isolationLevel: 'committed' }, /isolationLevel/],
    [{ groupInstanceId: 'i' }, /groupInstanceId/],
    [{ groupId: '' }, /groupId/],
    [{ maxPollRecords: 1.5 }, /maxPollRecords/],
    [{ partitionAssignors: [] }, /partitionAssignors/],
    [{ partitionAssignors: ['sticky'] }, /partitionAssignors/],
    [{ partitionAssignors: ['range', 'range'] }, /each assignor once/],
  ])('rejects %j', (options, message) => {
    expect(() => resolveConsumerConfig(options as never)).toThrow(message)
  })

  it('refuses unknown options (typos)', () => {
    expect(() => resolveConsumerConfig({ sessionTimeout: 1000 } as never)).toThrow(/Unknown consumer option 'sessionTimeout'/)
  })

  it('refuses assignors without a common rebalance protocol', () => {
    const cooperativeOnly = { name: 'coop-only', supportedProtocols: ['cooperative'] as const, assign: () => new Map() }
    expect(() => resolveConsumerConfig({ partitionAssignors: ['range', cooperativeOnly] })).toThrow(/share a rebalance protocol/)
  })
})

describe('MemberStateMachine', () => {
  it('follows the transition table and throws on an illegal move', () => {
    const machine = new MemberStateMachine('g')
    expect(machine.state).toBe(MemberState.UNJOINED)
    machine.transitionTo(MemberState.JOINING)
    machine.transitionTo(MemberState.SYNCING)
    machine.transitionTo(MemberState.STABLE)
    expect(() => machine.transitionTo(MemberState.SYNCING)).toThrow(/cannot move from stable to syncing/)
    machine.transitionTo(MemberState.CLOSED)
    expect(MEMBER_STATE_TRANSITIONS.closed).toEqual([])
    expect(() => machine.transitionTo(MemberState.JOINING)).toThrow(expect.objectContaining({ code: 'CORE_INVALID_ARGUMENT' }))
  })
})
