/**
 * Single message transforms and predicates (Kafka Connect's `Transformation` and `Predicate`):
 * configured once from their `transforms.<alias>.*` / `predicates.<alias>.*` keys (prefix
 * stripped), then applied to each record in chain order. `apply` returns a new record, or null to
 * drop it; it never mutates its input. A transform with `predicate` (and `negate`) runs only on
 * records its predicate matches (or, negated, does not).
 */
import type { ConfigDefinition } from './config-def.ts'
import type { ConnectRecord } from './records.ts'

export interface Transformation<R extends ConnectRecord = ConnectRecord> {
  configure(configs: Readonly<Record<string, string>>): void
  config(): ConfigDefinition
  apply(record: R): R | null
  close?(): void
}

export interface Predicate<R extends ConnectRecord = ConnectRecord> {
  configure(configs: Readonly<Record<string, string>>): void
  config(): ConfigDefinition
  test(record: R): boolean
  close?(): void
}
