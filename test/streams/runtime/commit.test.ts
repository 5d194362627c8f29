import { describe, expect, it } from 'vitest'
import { type CommitClients, type CommittableTask, commitTasks } from '../../../streams/runtime/commit.ts'

function fakeTask(name: string, log: string[], options: { failFlush?: boolean; offsets?: number } = {}): CommittableTask {
  return {
    name,
    async flushStores() {
      log.push(`flush-stores ${name}`)
      if (options.failFlush) throw new Error(`store of ${name} failed`)
    },
    offsetsToCommit() {
      log.push(`offsets ${name}`)
      return options.offsets === undefined ? [] : [{ topic: 'in', partition: Number(name.at(-1)), offset: options.offsets }]
    },
    markCommitted() {
      log.push(`mark ${name}`)
    },
    async writeCheckpoint() {
      log.push(`checkpoint ${name}`)
    },
  }
}

function clients(log: string[], options: { failOutput?: boolean; failOffsets?: boolean } = {}): CommitClients & { committed: unknown[] } {
  const committed: unknown[] = []
  return {
    committed,
    async flushOutput() {
      log.push('flush-producer')
      if (options.failOutput) throw new Error('production failed')
    },
    async commitOffsets(offsets) {
      log.push('commit-offsets')
      if (options.failOffsets) throw new Error('rebalance in progress')
      committed.push(...offsets)
    },
  }
}

describe('commitTasks', () => {
  it('flushes stores, then the producer, then commits offsets, then writes checkpoints', async () => {
    const log: string[] = []
    const c = clients(log)
    const n = await commitTasks([fakeTask('t0', log, { offsets: 5 }), fakeTask('t1', log, { offsets: 9 })], c)
    expect(n).toBe(2)
    expect(log).toEqual([
      'flush-stores t0', 'flush-stores t1', 'flush-producer', 'offsets t0', 'offsets t1', 'commit-offsets',
      'mark t0', 'mark t1', 'checkpoint t0', 'checkpoint t1',
    ])
    expect(c.committed).toEqual([{ topic: 'in', partition: 0, offset: 5 }, { topic: 'in', partition: 1, offset: 9 }])
  })

  it('commits no offsets when no record was processed, but still flushes and checkpoints', async () => {
    const log: string[] = []
    await commitTasks([fakeTask('t0', log)], clients(log))
    expect(log).toEqual(['flush-stores t0', 'flush-producer', 'offsets t0', 'mark t0', 'checkpoint t0'])
  })

  it('never commits offsets when a store flush or the output fails', async () => {
    for (const [tasks, options] of [
      [(log: string[]) => [fakeTask('t0', log, { offsets: 1, failFlush: true })], {}],
      [(log: string[]) => [fakeTask('t0', log, { offsets: 1 })], { failOutput: true }],
    ] as const) {
      const log: string[] = []
      await expect(commitTasks(tasks(log), clients(log, options))).rejects.toThrow()
      expect(log).not.toContain('commit-offsets')
      expect(log.some((l) => l.startsWith('checkpoint'))).toBe(false)
    }
  })

  it('writes no checkpoint and marks nothing when the offset commit fails', async () => {
    const log: string[] = []
    await expect(commitTasks([fakeTask('t0', log, { offsets: 3 })], clients(log, { failOffsets: true }))).rejects.toThrow(/rebalance/)
    expect(log).toEqual(['flush-stores t0', 'flush-producer', 'offsets t0', 'commit-offsets'])
  })

  it('does nothing without tasks', async () => {
    const log: string[] = []
    expect(await commitTasks([], clients(log))).toBe(0)
    expect(log).toEqual([])
  })
})
