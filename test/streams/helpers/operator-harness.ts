/** Runs node operators in marble tests: a fake `OperatorContext` and record shorthands. */
import { TestScheduler } from 'rxjs/testing'
import { expect } from 'vitest'
import type { AnyRecord, NodeOperator, OperatorContext, RecordScope } from '../../../streams/operators/operator-context.ts'

export function rec(key: unknown, value: unknown, timestamp = 1): AnyRecord {
  return { key, value, timestamp, headers: [] }
}

export class FakeOperatorContext implements OperatorContext {
  readonly nodeName = 'NODE'
  readonly taskId = { subtopology: 0, partition: 0 }
  readonly errors: unknown[] = []
  scope: RecordScope | null = null
  pending = 0

  reportError(error: unknown): void {
    this.errors.push(error)
  }

  currentScope(): RecordScope | null {
    return this.scope
  }

  enter(scope: RecordScope | null): RecordScope | null {
    const previous = this.scope
    this.scope = scope
    return previous
  }

  beginAsync(): void {
    this.pending++
  }

  endAsync(): void {
    this.pending--
  }
}

export function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected))
}

/** `operator` compiled with a fresh fake context. */
export function compile(operator: NodeOperator): { ctx: FakeOperatorContext; op: ReturnType<NodeOperator> } {
  const ctx = new FakeOperatorContext()
  return { ctx, op: operator(ctx) }
}
