import { concatMap, delay, filter, map, mergeMap, of, scan, Subject, throwError } from 'rxjs'
import { describe, expect, it } from 'vitest'
import type { AnyRecord, RecordScope } from '../../../streams/operators/operator-context.ts'
import { pipeRecords } from '../../../streams/operators/pipe-records.ts'
import { compile, rec, scheduler } from '../helpers/operator-harness.ts'

describe('pipeRecords', () => {
  it('applies operators record by record, synchronously when they are synchronous', () => {
    const { ctx, op } = compile(pipeRecords([map((r: AnyRecord) => ({ ...r, value: (r.value as number) * 2 })), filter((r: AnyRecord) => (r.value as number) > 2)]))
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('ab|', { a: rec('k', 1), b: rec('k', 2) }).pipe(op)).toBe('-b|', { b: rec('k', 4) })
    })
    expect(ctx.pending).toBe(0)
  })

  it('never shows two records to one operator: state belongs in stores', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const { op } = compile(pipeRecords([scan((count: number) => count + 1, 0), map((count: number) => rec('k', count))]))
      expectObservable(cold('aa|', { a: rec('k', 'x') }).pipe(op)).toBe('ab|', { a: rec('k', 1), b: rec('k', 1) })
    })
  })

  it('keeps order across asynchronous operators (concatMap semantics) and holds the task meanwhile', () => {
    const { ctx, op } = compile(pipeRecords([mergeMap((r: AnyRecord) => of(r).pipe(delay(r.key === 'slow' ? 5 : 1)))]))
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('(ab)|', { a: rec('slow', 1), b: rec('fast', 2) }).pipe(op)).toBe('5ms a (b|)', { a: rec('slow', 1), b: rec('fast', 2) })
    })
    expect(ctx.pending).toBe(0)
  })

  it('emits and reports asynchronously in the scope of the record that caused it', async () => {
    const { ctx, op } = compile(pipeRecords([concatMap(async (r: AnyRecord) => {
      await new Promise((resolve) => setTimeout(resolve, 1))
      if (r.value === 'bad') throw new Error('bad')
      return r
    })]))
    const scopes: (RecordScope | null)[] = []
    const errorScopes: (RecordScope | null)[] = []
    const originalReport = ctx.reportError.bind(ctx)
    ctx.reportError = (error) => {
      errorScopes.push(ctx.scope)
      originalReport(error)
    }
    const input = new Subject<AnyRecord>()
    input.pipe(op).subscribe(() => scopes.push(ctx.scope))
    const first = { id: 1 } as unknown as RecordScope
    const second = { id: 2 } as unknown as RecordScope
    ctx.scope = first
    input.next(rec('k', 'bad'))
    ctx.scope = second
    input.next(rec('k', 'good'))
    ctx.scope = null
    expect(ctx.pending).toBe(2)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(ctx.pending).toBe(0)
    expect(errorScopes).toEqual([first])
    expect(scopes).toEqual([second])
    expect(ctx.errors).toEqual([new Error('bad')])
  })

  it('reports non-record emissions, fills in missing timestamps and headers, and reports inner errors', () => {
    const { ctx, op } = compile(pipeRecords([mergeMap((r: AnyRecord) =>
      r.key === 'num' ? of(42) : r.key === 'err' ? throwError(() => new Error('inner')) : of({ key: 'x', value: r.value }))]))
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('abc|', { a: rec('num', 1), b: rec('err', 2), c: rec('ok', 3, 7) }).pipe(op)).toBe('--c|', { c: rec('x', 3, 7) })
    })
    expect(ctx.errors.map((e) => (e as Error).message)).toEqual([
      'pipe() operators must emit records ({ key, value, timestamp, headers }) but node NODE emitted a number; map values with ({ ...record, value })',
      'inner',
    ])
  })

  it('unsubscribes the record in flight when torn down', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const { op } = compile(pipeRecords([delay(10)]))
      expectObservable(cold('a|', { a: rec('k', 1) }).pipe(op), '^--!').toBe('---')
    })
  })
})
