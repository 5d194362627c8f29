/**
 * A table-driven evolution suite: each row is one change from a registered version (v1) to a
 * candidate (v2), with the rules Creek must report when the candidate is checked BACKWARD and
 * FORWARD against v1 (an empty list means compatible). FULL is expected to report both, and
 * NONE nothing; every level is checked through `checkCompatibility`.
 */
import { describe, expect, it } from 'vitest'
import type { SchemaType } from '../../../../serdes/schema-registry-client.ts'
import { checkCompatibility, type CompatibilityLevel, type ResolvedSchema } from '../../../../serdes/registry/compatibility/index.ts'

export interface EvolutionRow {
  /** The change, as the test name. */
  readonly change: string
  readonly before: string
  readonly after: string
  /** Rules reported when the candidate is checked BACKWARD (reader = after, writer = before). */
  readonly backward: readonly string[]
  /** Rules reported when the candidate is checked FORWARD (reader = before, writer = after). */
  readonly forward: readonly string[]
  readonly beforeReferences?: ReadonlyMap<string, string>
  readonly afterReferences?: ReadonlyMap<string, string>
}

export function resolved(schemaType: SchemaType, schema: string, references: ReadonlyMap<string, string> = new Map()): ResolvedSchema {
  return { schemaType, schema, references }
}

/** The rule names in Confluent-style messages, sorted and without repeats. */
export function rulesIn(messages: readonly string[]): string[] {
  return [...new Set(messages.map((message) => /errorType:'([A-Z_]+)'/.exec(message)?.[1] ?? message))].sort()
}

export function check(level: CompatibilityLevel, schemaType: SchemaType, row: EvolutionRow): { compatible: boolean; rules: string[]; messages: readonly string[] } {
  const result = checkCompatibility(level, resolved(schemaType, row.after, row.afterReferences), [
    { version: 1, schema: resolved(schemaType, row.before, row.beforeReferences) },
  ])
  return { compatible: result.compatible, rules: rulesIn(result.messages), messages: result.messages }
}

function sorted(rules: readonly string[]): string[] {
  return [...new Set(rules)].sort()
}

export function evolutionTable(schemaType: SchemaType, rows: readonly EvolutionRow[]): void {
  describe(`${schemaType} evolution table`, () => {
    it.each(rows.map((row) => [row.change, row] as const))('%s', (_, row) => {
      const backward = check('BACKWARD', schemaType, row)
      expect({ level: 'BACKWARD', compatible: backward.compatible, rules: backward.rules })
        .toEqual({ level: 'BACKWARD', compatible: row.backward.length === 0, rules: sorted(row.backward) })
      const forward = check('FORWARD', schemaType, row)
      expect({ level: 'FORWARD', compatible: forward.compatible, rules: forward.rules })
        .toEqual({ level: 'FORWARD', compatible: row.forward.length === 0, rules: sorted(row.forward) })
      const full = check('FULL', schemaType, row)
      expect({ level: 'FULL', compatible: full.compatible, rules: full.rules })
        .toEqual({ level: 'FULL', compatible: row.backward.length + row.forward.length === 0, rules: sorted([...row.backward, ...row.forward]) })
      expect(check('NONE', schemaType, row)).toEqual({ compatible: true, rules: [], messages: [] })
    })
  })
}
