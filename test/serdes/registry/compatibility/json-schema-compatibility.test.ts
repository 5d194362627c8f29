import { describe, expect, it } from 'vitest'
import { checkCompatibility } from '../../../../serdes/registry/compatibility/index.ts'
import { jsonSchemaIncompatibilities } from '../../../../serdes/registry/compatibility/json-schema-compatibility.ts'
import { check, evolutionTable, type EvolutionRow, resolved } from './evolution-table.ts'

/** An object schema; `closed` sets `additionalProperties: false`. */
const object = (properties: Record<string, unknown>, { closed = false, required = [] as string[], extra = {} as Record<string, unknown> } = {}): string =>
  JSON.stringify({ type: 'object', properties, ...(required.length > 0 ? { required } : {}), ...(closed ? { additionalProperties: false } : {}), ...extra })
const id = { type: 'string' }

const rows: EvolutionRow[] = [
  { change: 'add a property to an open content model', before: object({ id }), after: object({ id, note: { type: 'string' } }), backward: ['OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'], forward: [] },
  { change: 'add a property with the empty schema to an open content model', before: object({ id }), after: object({ id, note: {} }), backward: [], forward: [] },
  { change: 'add a required property to an open content model', before: object({ id }), after: object({ id, note: { type: 'string' } }, { required: ['note'] }), backward: ['REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'], forward: [] },
  { change: 'add a property to a closed content model', before: object({ id }, { closed: true }), after: object({ id, note: { type: 'string' } }, { closed: true }), backward: [], forward: ['PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL'] },
  { change: 'add a required property without a default to a closed content model', before: object({ id }, { closed: true }), after: object({ id, note: { type: 'string' } }, { closed: true, required: ['note'] }), backward: ['REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL'], forward: ['PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL'] },
  { change: 'add a required property with a default to a closed content model', before: object({ id }, { closed: true }), after: object({ id, note: { type: 'string', default: '' } }, { closed: true, required: ['note'] }), backward: [], forward: ['PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL'] },
  { change: 'remove a property from an open content model', before: object({ id, note: { type: 'string' } }), after: object({ id }), backward: [], forward: ['OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'] },
  { change: 'remove a property from a closed content model', before: object({ id, note: { type: 'string' } }, { closed: true }), after: object({ id }, { closed: true }), backward: ['PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL'], forward: [] },
  {
    change: 'add a property covered by a partially open content model',
    before: object({ id }, { extra: { additionalProperties: { type: 'string' } } }),
    after: object({ id, note: { type: 'string', maxLength: 10 } }, { extra: { additionalProperties: { type: 'string' } } }),
    backward: ['MAX_LENGTH_ADDED', 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'],
    forward: [],
  },
  { change: 'make a property required without a default', before: object({ id }), after: object({ id }, { required: ['id'] }), backward: ['REQUIRED_ATTRIBUTE_ADDED'], forward: [] },
  { change: 'make a property required with a default', before: object({ id: { type: 'string', default: 'x' } }), after: object({ id: { type: 'string', default: 'x' } }, { required: ['id'] }), backward: [], forward: [] },
  { change: 'widen integer to number', before: object({ amount: { type: 'integer' } }), after: object({ amount: { type: 'number' } }), backward: [], forward: ['TYPE_NARROWED'] },
  { change: 'widen string to string or null', before: object({ note: { type: 'string' } }), after: object({ note: { type: ['string', 'null'] } }), backward: [], forward: ['TYPE_CHANGED'] },
  { change: 'change string to number', before: object({ note: { type: 'string' } }), after: object({ note: { type: 'number' } }), backward: ['TYPE_CHANGED'], forward: ['TYPE_CHANGED'] },
  { change: 'add maxLength', before: object({ id }), after: object({ id: { type: 'string', maxLength: 36 } }), backward: ['MAX_LENGTH_ADDED'], forward: [] },
  { change: 'lower maxLength', before: object({ id: { type: 'string', maxLength: 64 } }), after: object({ id: { type: 'string', maxLength: 36 } }), backward: ['MAX_LENGTH_DECREASED'], forward: [] },
  { change: 'raise minLength', before: object({ id: { type: 'string', minLength: 1 } }), after: object({ id: { type: 'string', minLength: 2 } }), backward: ['MIN_LENGTH_INCREASED'], forward: [] },
  { change: 'add a minimum', before: object({ amount: { type: 'number' } }), after: object({ amount: { type: 'number', minimum: 0 } }), backward: ['MINIMUM_ADDED'], forward: [] },
  { change: 'lower a maximum', before: object({ amount: { type: 'number', maximum: 100 } }), after: object({ amount: { type: 'number', maximum: 10 } }), backward: ['MAXIMUM_DECREASED'], forward: [] },
  { change: 'reduce multipleOf to a divisor', before: object({ amount: { type: 'number', multipleOf: 0.1 } }), after: object({ amount: { type: 'number', multipleOf: 0.01 } }), backward: [], forward: ['MULTIPLE_OF_EXPANDED'] },
  { change: 'add a pattern', before: object({ id }), after: object({ id: { type: 'string', pattern: '^[a-z]+$' } }), backward: ['PATTERN_ADDED'], forward: [] },
  { change: 'change a pattern', before: object({ id: { type: 'string', pattern: '^[a-z]+$' } }), after: object({ id: { type: 'string', pattern: '^[0-9]+$' } }), backward: ['PATTERN_CHANGED'], forward: ['PATTERN_CHANGED'] },
  { change: 'extend an enum', before: object({ currency: { enum: ['EUR', 'USD'] } }), after: object({ currency: { enum: ['EUR', 'USD', 'GBP'] } }), backward: [], forward: ['ENUM_ARRAY_NARROWED'] },
  { change: 'narrow an enum', before: object({ currency: { enum: ['EUR', 'USD', 'GBP'] } }), after: object({ currency: { enum: ['EUR', 'USD'] } }), backward: ['ENUM_ARRAY_NARROWED'], forward: [] },
  // With `type` beside it, Confluent reads the enum as an allOf of the type and the enum.
  { change: 'narrow a typed enum', before: object({ currency: { type: 'string', enum: ['EUR', 'USD'] } }), after: object({ currency: { type: 'string', enum: ['EUR'] } }), backward: ['COMBINED_TYPE_SUBSCHEMAS_CHANGED'], forward: [] },
  { change: 'change a const', before: object({ kind: { const: 'card' } }), after: object({ kind: { const: 'iban' } }), backward: ['ENUM_ARRAY_CHANGED'], forward: ['ENUM_ARRAY_CHANGED'] },
  { change: 'change array items', before: object({ tags: { type: 'array', items: { type: 'string' } } }), after: object({ tags: { type: 'array', items: { type: 'integer' } } }), backward: ['TYPE_CHANGED'], forward: ['TYPE_CHANGED'] },
  { change: 'add an items schema', before: object({ tags: { type: 'array' } }), after: object({ tags: { type: 'array', items: { type: 'string' } } }), backward: ['SCHEMA_ADDED'], forward: [] },
  { change: 'add minItems and uniqueItems', before: object({ tags: { type: 'array' } }), after: object({ tags: { type: 'array', minItems: 1, uniqueItems: true } }), backward: ['MIN_ITEMS_ADDED', 'UNIQUE_ITEMS_ADDED'], forward: [] },
  { change: 'close the content model', before: object({ id }), after: object({ id }, { closed: true }), backward: ['ADDITIONAL_PROPERTIES_REMOVED'], forward: [] },
  { change: 'restrict additional properties to a schema', before: object({ id }, { extra: { additionalProperties: true } }), after: object({ id }, { extra: { additionalProperties: { type: 'string' } } }), backward: ['ADDITIONAL_PROPERTIES_NARROWED'], forward: [] },
  { change: 'add a oneOf branch', before: object({ value: { oneOf: [{ type: 'string' }, { type: 'integer' }] } }), after: object({ value: { oneOf: [{ type: 'string' }, { type: 'integer' }, { type: 'boolean' }] } }), backward: [], forward: ['SUM_TYPE_NARROWED'] },
  { change: 'add an allOf member', before: object({ value: { allOf: [{ type: 'string' }] } }), after: object({ value: { allOf: [{ type: 'string' }, { maxLength: 5 }] } }), backward: ['PRODUCT_TYPE_EXTENDED'], forward: [] },
  { change: 'change oneOf to allOf', before: object({ value: { oneOf: [{ type: 'string' }, { maxLength: 5 }] } }), after: object({ value: { allOf: [{ type: 'string' }, { maxLength: 5 }] } }), backward: ['COMBINED_TYPE_CHANGED'], forward: ['COMBINED_TYPE_CHANGED'] },
  { change: 'change a oneOf branch', before: object({ value: { oneOf: [{ type: 'string' }, { type: 'integer' }] } }), after: object({ value: { oneOf: [{ type: 'string' }, { type: 'boolean' }] } }), backward: ['COMBINED_TYPE_SUBSCHEMAS_CHANGED'], forward: ['COMBINED_TYPE_SUBSCHEMAS_CHANGED'] },
  { change: 'widen a not', before: object({ value: { not: { type: 'integer' } } }), after: object({ value: { not: { type: 'number' } } }), backward: ['NOT_TYPE_EXTENDED'], forward: [] },
  {
    change: 'change a local $ref target',
    before: object({ total: { $ref: '#/definitions/Money' } }, { extra: { definitions: { Money: { type: 'object', properties: { units: { type: 'integer' } } } } } }),
    after: object({ total: { $ref: '#/definitions/Money' } }, { extra: { definitions: { Money: { type: 'object', properties: { units: { type: 'string' } } } } } }),
    backward: ['TYPE_CHANGED'],
    forward: ['TYPE_CHANGED'],
  },
  {
    change: 'move an inline schema to $defs',
    before: object({ total: { type: 'object', properties: { units: { type: 'integer' } } } }),
    after: object({ total: { $ref: '#/$defs/Money' } }, { extra: { $defs: { Money: { type: 'object', properties: { units: { type: 'integer' } } } } } }),
    backward: [],
    forward: [],
  },
  {
    change: 'change a recursive schema',
    before: JSON.stringify({ $id: 'tree', type: 'object', properties: { value: { type: 'integer' }, children: { type: 'array', items: { $ref: '#' } } } }),
    after: JSON.stringify({ $id: 'tree', type: 'object', properties: { value: { type: 'number' }, children: { type: 'array', items: { $ref: '#' } } } }),
    backward: [],
    forward: ['TYPE_NARROWED'],
  },
]

evolutionTable('JSON', rows)

describe('JSON Schema incompatibility details', () => {
  const diff = (reader: string, writer: string, readerReferences = new Map<string, string>(), writerReferences = new Map<string, string>()) =>
    jsonSchemaIncompatibilities(resolved('JSON', reader, readerReferences), resolved('JSON', writer, writerReferences))
  const byChange = (change: string): EvolutionRow => rows.find((row) => row.change === change)!

  it('uses Confluent paths', () => {
    const paths = (row: EvolutionRow) => diff(row.after, row.before).map((issue) => [issue.type, issue.path])
    expect(paths(byChange('add a property to an open content model'))).toEqual([['OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL', '#/properties/note']])
    expect(paths(byChange('make a property required without a default'))).toEqual([['REQUIRED_ATTRIBUTE_ADDED', '#/required/id']])
    expect(paths(byChange('add maxLength'))).toEqual([['MAX_LENGTH_ADDED', '#/properties/id/maxLength']])
    expect(paths(byChange('change array items'))).toEqual([['TYPE_CHANGED', '#/properties/tags/items']])
    expect(paths(byChange('change a local $ref target'))).toEqual([['TYPE_CHANGED', '#/properties/total/properties/units']])
    expect(paths(byChange('change a recursive schema')).length).toBe(0)
    expect(diff(byChange('change a recursive schema').before, byChange('change a recursive schema').after).map((issue) => issue.path)).toEqual(['#/properties/value'])
  })

  it('describes the property and the change in Confluent wording', () => {
    const messages = check('BACKWARD', 'JSON', byChange('add a property to an open content model')).messages
    expect(messages).toHaveLength(1)
    expect(messages[0]).toContain(`The property 'note' at path '#/properties/note' in the new schema is missing in the old schema, whose open content model`)
    expect(check('BACKWARD', 'JSON', byChange('lower maxLength')).messages[0]).toContain(`The value of 'maxLength' at path '#/properties/id/maxLength' is 36 in the new schema, less than 64 in the old schema`)
  })

  it('accepts changes that only touch annotations', () => {
    const before = JSON.stringify({ title: 'Payment', description: 'a payment', type: 'object', properties: { id: { type: 'string', default: 'a' } } })
    const after = JSON.stringify({ title: 'Charge', $comment: 'renamed', type: 'object', properties: { id: { type: 'string', default: 'b', description: 'the id' } } })
    expect(diff(after, before)).toEqual([])
    expect(diff(before, after)).toEqual([])
  })

  it('ends on mutually recursive definitions through oneOf', () => {
    const schema = (idType: string): string => JSON.stringify({
      $defs: {
        Ref: { type: 'object', properties: { id: { type: idType } }, required: ['id'] },
        ItemOrRef: { oneOf: [{ $ref: '#/$defs/Ref' }, { $ref: '#/$defs/Item' }] },
        Item: { oneOf: Array.from({ length: 8 }, (_, i) => ({ type: 'object', properties: { kind: { const: `k${i}` }, a: { $ref: '#/$defs/ItemOrRef' }, b: { $ref: '#/$defs/ItemOrRef' } } })) },
      },
      $ref: '#/$defs/Item',
    })
    expect(diff(schema('string'), schema('string'))).toEqual([])
    expect(diff(schema('number'), schema('string')).map((issue) => issue.type)).toEqual(['COMBINED_TYPE_SUBSCHEMAS_CHANGED'])
  })

  describe('references', () => {
    const customer = (name: Record<string, unknown>): string => JSON.stringify({ $id: 'https://example.com/schemas/customer.json', type: 'object', properties: { name }, $defs: { Email: { type: 'string', maxLength: 254 } } })
    const order = JSON.stringify({
      $id: 'https://example.com/schemas/order.json',
      type: 'object',
      properties: { customer: { $ref: 'customer.json' }, email: { $ref: 'customer.json#/$defs/Email' } },
    })

    it('resolves $ref by reference name, relative to $id, and into a referenced document', () => {
      const v1 = new Map([['customer.json', customer({ type: 'string' })]])
      const v2 = new Map([['customer.json', customer({ type: 'string', maxLength: 100 })]])
      const row: EvolutionRow = { change: 'referenced property constrained', before: order, after: order, beforeReferences: v1, afterReferences: v2, backward: ['MAX_LENGTH_ADDED'], forward: [] }
      expect(check('BACKWARD', 'JSON', row).rules).toEqual(['MAX_LENGTH_ADDED'])
      expect(check('FORWARD', 'JSON', row).compatible).toBe(true)
      expect(diff(order, order, v2, v1).map((issue) => issue.path)).toEqual(['#/properties/customer/properties/name/maxLength'])
      // The reference may also be known only by its $id.
      const byId = new Map([['some-subject', customer({ type: 'string' })]])
      expect(diff(order, order, byId, v1)).toEqual([])
    })

    it('fails to parse a $ref that names no given schema', () => {
      expect(() => diff(order, order)).toThrow(/Invalid JSON schema: the \$ref "customer.json"/)
      expect(() => diff(JSON.stringify({ $ref: '#/definitions/Missing' }), '{}')).toThrow(/points to nothing/)
    })
  })

  it.each([
    ['not JSON', '{"type": "object"'],
    ['a number', '42'],
    ['an unknown type', '{"type": "decimal"}'],
    ['a bad pattern property', '{"patternProperties": {"(": {}}}'],
  ])('throws for %s', (_, text) => {
    expect(() => checkCompatibility('BACKWARD', resolved('JSON', text), [{ version: 1, schema: resolved('JSON', object({ id })) }])).toThrow(/Invalid JSON schema/)
  })
})
