import { of, Subject } from 'rxjs'
import { describe, expect, it } from 'vitest'
import { filter } from '../../../streams/operators/filter.ts'
import { flatMapValues } from '../../../streams/operators/flat-map-values.ts'
import { mapValues } from '../../../streams/operators/map-values.ts'
import type { AnyRecord } from '../../../streams/operators/operator-context.ts'
import { peek } from '../../../streams/operators/peek.ts'
import { pipeRecords } from '../../../streams/operators/pipe-records.ts'
import { fuseRecordSteps, recordStepOf } from '../../../streams/operators/record-operator.ts'
import { compile, rec, scheduler } from '../helpers/operator-harness.ts'

describe('record operator fusion', () => {
  it('record operators carry their step; pipe() does not', () => {
    expect(recordStepOf(compile(mapValues((v: number) => v)).op)).toBeTypeOf('function')
    expect(recordStepOf(compile(pipeRecords([])).op)).toBeUndefined()
  })

  it('a fused run emits what the operators piped one by one emit, in the same order', () => {
    const seen: string[] = []
    const chain = () => [
      compile(flatMapValues((v: string) => v.split(' '))),
      compile(peek((_k, v: string) => void seen.push(v))),
      compile(filter((_k, v: string) => {
        if (v === 'boom') throw new Error('boom')
        return v !== 'skip'
      })),
      compile(mapValues((v: string) => v.toUpperCase())),
    ]
    const input = [rec('k', 'a skip b'), rec('k', 'boom c'), rec('k', '')]

    const piped = chain()
    const expected: AnyRecord[] = []
    of(...input).pipe(...(piped.map((c) => c.op) as [])).subscribe((r) => expected.push(r as AnyRecord))
    const pipedSeen = seen.splice(0)

    const fused = chain()
    const actual: AnyRecord[] = []
    of(...input).pipe(fuseRecordSteps(fused.map((c) => recordStepOf(c.op)!))).subscribe((r) => actual.push(r))

    expect(actual).toEqual(expected)
    expect(actual.map((r) => r.value)).toEqual(['A', 'B', 'C', ''])
    expect(seen).toEqual(pipedSeen)
    expect(fused.map((c) => c.ctx.errors)).toEqual(piped.map((c) => c.ctx.errors))
    expect(fused[2].ctx.errors).toEqual([new Error('boom')])
  })

  it('passes errors and completion through, and unsubscribes upstream', () => {
    const step = recordStepOf(compile(mapValues((v: number) => v + 1)).op)!
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-#', { a: rec('k', 1) })
      expectObservable(source.pipe(fuseRecordSteps([step, step]))).toBe('a-#', { a: rec('k', 3) })
      const completing = cold('a|', { a: rec('k', 1) })
      expectObservable(completing.pipe(fuseRecordSteps([step]))).toBe('a|', { a: rec('k', 2) })
      const endless = cold('a-a-a', { a: rec('k', 1) })
      expectObservable(endless.pipe(fuseRecordSteps([step])), '^--!').toBe('a-a', { a: rec('k', 2) })
      expectSubscriptions(endless.subscriptions).toBe('^--!')
    })
  })

  it('gives each subscription its own sinks', () => {
    const step = recordStepOf(compile(mapValues((v: number) => v * 10)).op)!
    const fused = fuseRecordSteps([step, step])
    const subject = new Subject<AnyRecord>()
    const a: unknown[] = []
    const b: unknown[] = []
    subject.pipe(fused).subscribe((r) => a.push(r.value))
    subject.pipe(fused).subscribe((r) => b.push(r.value))
    subject.next(rec('k', 1))
    expect(a).toEqual([100])
    expect(b).toEqual([100])
  })
})
