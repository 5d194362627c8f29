/**
 * Compatibility levels through `checkCompatibility`: latest versus every version, both
 * directions, NONE, and the message format. The per-type evolution tables are in
 * compatibility/*.test.ts.
 */
import { describe, expect, it } from 'vitest'
import {
  checkCompatibility, COMPATIBILITY_LEVELS, type CompatibilityLevel, incompatibilities, isCompatibilityLevel, type PreviousVersion,
} from '../../../serdes/registry/compatibility/index.ts'
import type { SchemaType } from '../../../serdes/schema-registry-client.ts'
import { resolved, rulesIn } from './compatibility/evolution-table.ts'

/** Three versions where v3 is compatible with v2 but not with v1, in each schema type. */
const HISTORIES: Record<SchemaType, { readonly versions: readonly string[]; readonly rule: string }> = {
  // v2 adds a field with a default; v3 drops the default: v2 data has the field, v1 data lacks it.
  AVRO: {
    versions: [
      JSON.stringify({ type: 'record', name: 'Payment', fields: [{ name: 'id', type: 'string' }] }),
      JSON.stringify({ type: 'record', name: 'Payment', fields: [{ name: 'id', type: 'string' }, { name: 'note', type: 'string', default: '' }] }),
      JSON.stringify({ type: 'record', name: 'Payment', fields: [{ name: 'id', type: 'string' }, { name: 'note', type: 'string' }] }),
    ],
    rule: 'READER_FIELD_MISSING_DEFAULT_VALUE',
  },
  // v2 removes field 2; v3 reuses number 2 with another type.
  PROTOBUF: {
    versions: [
      'syntax = "proto3"; message Payment { string id = 1; int64 amount = 2; }',
      'syntax = "proto3"; message Payment { string id = 1; }',
      'syntax = "proto3"; message Payment { string id = 1; string amount = 2; }',
    ],
    rule: 'FIELD_SCALAR_KIND_CHANGED',
  },
  // v2 makes a property required with a default; v3 drops the default.
  JSON: {
    versions: [
      JSON.stringify({ type: 'object', properties: { amount: { type: 'number' } } }),
      JSON.stringify({ type: 'object', properties: { amount: { type: 'number', default: 0 } }, required: ['amount'] }),
      JSON.stringify({ type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] }),
    ],
    rule: 'REQUIRED_ATTRIBUTE_ADDED',
  },
}

function history(schemaType: SchemaType): { previous: PreviousVersion[]; candidate: ReturnType<typeof resolved> } {
  const [v1, v2, v3] = HISTORIES[schemaType].versions
  return {
    previous: [{ version: 1, schema: resolved(schemaType, v1) }, { version: 2, schema: resolved(schemaType, v2) }],
    candidate: resolved(schemaType, v3),
  }
}

describe('compatibility levels', () => {
  it('knows the levels', () => {
    expect(COMPATIBILITY_LEVELS).toEqual(['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'])
    expect(isCompatibilityLevel('FULL_TRANSITIVE')).toBe(true)
    expect(isCompatibilityLevel('full')).toBe(false)
    expect(isCompatibilityLevel(undefined)).toBe(false)
  })

  describe.each(['AVRO', 'PROTOBUF', 'JSON'] as const)('%s transitive checks (v3 fits v2, not v1)', (schemaType) => {
    const { previous, candidate } = history(schemaType)
    const rule = HISTORIES[schemaType].rule

    it('each version is backward compatible with the one before', () => {
      expect(checkCompatibility('BACKWARD', previous[1].schema, [previous[0]]).compatible).toBe(true)
      expect(checkCompatibility('BACKWARD', candidate, previous)).toEqual({ compatible: true, messages: [] })
    })

    it('BACKWARD_TRANSITIVE rejects v3, naming the rule and version 1', () => {
      const result = checkCompatibility('BACKWARD_TRANSITIVE', candidate, previous)
      expect(result.compatible).toBe(false)
      expect(rulesIn(result.messages)).toEqual([rule])
      expect(result.messages.every((message) => message.includes('{oldSchemaVersion: 1}') && message.includes(`{compatibility: 'BACKWARD_TRANSITIVE'}`))).toBe(true)
    })

    it('FULL_TRANSITIVE rejects what BACKWARD_TRANSITIVE rejects; NONE accepts anything', () => {
      expect(checkCompatibility('FULL_TRANSITIVE', candidate, previous).compatible).toBe(false)
      expect(checkCompatibility('NONE', candidate, previous)).toEqual({ compatible: true, messages: [] })
    })
  })

  it('accepts any first version', () => {
    for (const level of COMPATIBILITY_LEVELS) {
      expect(checkCompatibility(level, resolved('AVRO', '"string"'), [])).toEqual({ compatible: true, messages: [] })
    }
  })

  it('FORWARD_TRANSITIVE rejects a candidate an older reader cannot read', () => {
    // v1 readers lack the enum symbol v2 readers have; the candidate writes it.
    const enumOf = (symbols: string[]): string => JSON.stringify({ type: 'enum', name: 'Currency', symbols })
    const previous: PreviousVersion[] = [
      { version: 1, schema: resolved('AVRO', enumOf(['EUR'])) },
      { version: 2, schema: resolved('AVRO', enumOf(['EUR', 'USD'])) },
    ]
    const candidate = resolved('AVRO', enumOf(['EUR', 'USD']))
    expect(checkCompatibility('FORWARD', candidate, previous).compatible).toBe(true)
    const result = checkCompatibility('FORWARD_TRANSITIVE', candidate, previous)
    expect(rulesIn(result.messages)).toEqual(['MISSING_ENUM_SYMBOLS'])
    expect(result.messages[0]).toContain(`The old schema is missing enum symbols '[USD]' at path '/symbols' in the new schema`)
  })

  it('checks both directions at FULL and reports each', () => {
    const before = resolved('AVRO', JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }] }))
    const after = resolved('AVRO', JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'b', type: 'int' }] }))
    const result = checkCompatibility('FULL', after, [{ version: 7, schema: before }])
    expect(result.messages).toEqual([
      `{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'b' at path '/fields/0' in the new schema has no default value and is missing in the old schema', additionalInfo:'/fields/0'}, {oldSchemaVersion: 7}, {compatibility: 'FULL'}`,
      `{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'a' at path '/fields/0' in the old schema has no default value and is missing in the new schema', additionalInfo:'/fields/0'}, {oldSchemaVersion: 7}, {compatibility: 'FULL'}`,
    ])
  })

  it('rejects a change of schema type', () => {
    const levels: CompatibilityLevel[] = ['BACKWARD', 'FORWARD', 'FULL']
    for (const level of levels) {
      const result = checkCompatibility(level, resolved('JSON', '{"type": "string"}'), [{ version: 1, schema: resolved('AVRO', '"string"') }])
      expect(result.compatible).toBe(false)
    }
    expect(incompatibilities(resolved('JSON', '{}'), resolved('AVRO', '"string"'))).toEqual([
      { type: 'TYPE_MISMATCH', path: '/', description: 'The schema type changed from AVRO to JSON' },
    ])
  })
})
