import { describe, expect, it } from 'vitest'
import { ClassicGroup } from '../../../../core/broker/group/classic-group.ts'
import { GroupMember } from '../../../../core/broker/group/group-member.ts'
import { GroupState } from '../../../../core/broker/group/group-state.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'

function member(memberId: string, protocols: string[], groupInstanceId: string | null = null): GroupMember {
  return new GroupMember({
    memberId, groupInstanceId, clientId: memberId, clientHost: '/h', rebalanceTimeoutMs: 1000, sessionTimeoutMs: 1000,
    protocolType: 'consumer', protocols: protocols.map((name) => ({ name, metadata: Buffer.from(`${memberId}:${name}`) })),
  })
}

function groupOf(...members: GroupMember[]): ClassicGroup {
  const group = new ClassicGroup('g', GroupState.EMPTY, 0)
  for (const m of members) group.add(m)
  return group
}

describe('ClassicGroup', () => {
  it('selects the protocol most members prefer among those all support, ties to the leader\'s preference', () => {
    expect(groupOf(member('a', ['x', 'y']), member('b', ['y', 'x']), member('c', ['y', 'x'])).selectProtocol()).toBe('y')
    expect(groupOf(member('a', ['x', 'y']), member('b', ['y', 'x'])).selectProtocol()).toBe('x')
    expect(groupOf(member('a', ['z', 'x', 'y']), member('b', ['y', 'x'])).selectProtocol()).toBe('x')
  })

  it('checks protocol support against the other members', () => {
    const group = groupOf(member('a', ['x', 'y']), member('b', ['y']))
    group.transitionTo(GroupState.PREPARING_REBALANCE, 1)
    expect(group.supportsProtocols('consumer', ['y'])).toBe(true)
    expect(group.supportsProtocols('consumer', ['x'])).toBe(false)
    expect(group.supportsProtocols('connect', ['y'])).toBe(false)
    expect(group.supportsProtocols('consumer', [])).toBe(false)
    // b may switch to x, which every other member supports.
    expect(group.supportsProtocols('consumer', ['x'], 'b')).toBe(true)
  })

  it('keeps a replaced static member in its place, as leader, and fences its old id', () => {
    const group = groupOf(member('a', ['x'], 'ia'), member('b', ['x'], 'ib'))
    let fenced = -1
    group.get('a')!.awaitJoin((r) => (fenced = r.errorCode), () => { throw new Error('unexpected') })
    group.replaceStaticMember('ia', 'a', 'a2')
    expect(fenced).toBe(ErrorCode.FENCED_INSTANCE_ID)
    expect([...group.members.keys()]).toEqual(['a2', 'b'])
    expect(group.leaderId).toBe('a2')
    expect(group.validateMember('a', 'ia')).toBe(ErrorCode.FENCED_INSTANCE_ID)
    expect(group.validateMember('a', null)).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(group.validateMember('a2', 'ia')).toBe(ErrorCode.NONE)
  })

  it('passes leadership to the oldest remaining member', () => {
    const group = groupOf(member('a', ['x']), member('b', ['x']), member('c', ['x']))
    group.remove('a')
    expect(group.leaderId).toBe('b')
    group.remove('b')
    group.remove('c')
    expect(group.leaderId).toBeNull()
  })
})
