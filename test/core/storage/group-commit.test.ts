import { describe, expect, it } from 'vitest'
import { GroupCommit } from '../../../core/storage/group-commit.ts'

describe('GroupCommit', () => {
  it('serves every caller that arrives during a round with one following round', async () => {
    let dirty = false
    let rounds = 0
    let release!: () => void
    const commit = new GroupCommit(async () => {
      rounds++
      dirty = false
      await new Promise<void>((r) => (release = r))
    }, () => dirty)
    dirty = true
    const first = commit.request()
    dirty = true
    const waiting = Array.from({ length: 50 }, () => commit.request())
    release()
    await first
    await new Promise((r) => setImmediate(r))
    release()
    await Promise.all(waiting)
    expect(rounds).toBe(2)
    expect(await commit.request()).toBeUndefined() // nothing dirty: no round
    expect(rounds).toBe(2)
  })

  it('reports a failed round to its callers and still runs the next one', async () => {
    let dirty = true
    let fail = true
    const commit = new GroupCommit(async () => {
      dirty = false
      if (fail) throw new Error('fsync failed')
    }, () => dirty)
    await expect(commit.request()).rejects.toThrow('fsync failed')
    fail = false
    dirty = true
    await expect(commit.request()).resolves.toBeUndefined()
    await commit.settle()
  })
})
