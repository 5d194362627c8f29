import avsc from 'avsc'
import { describe, expect, it } from 'vitest'
import { avroIncompatibilities } from '../../../../serdes/registry/compatibility/avro-compatibility.ts'
import { checkCompatibility } from '../../../../serdes/registry/compatibility/index.ts'
import { check, evolutionTable, type EvolutionRow, resolved } from './evolution-table.ts'

const record = (fields: unknown[], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ type: 'record', name: 'Payment', namespace: 'shop', fields, ...extra })
const id = { name: 'id', type: 'string' }
const amount = (type: unknown): unknown => ({ name: 'amount', type })
const currency = (symbols: string[], extra: Record<string, unknown> = {}): unknown =>
  ({ name: 'currency', type: { type: 'enum', name: 'Currency', symbols, ...extra } })
const customer = (fields: unknown[]): unknown => ({ name: 'customer', type: { type: 'record', name: 'Customer', fields } })
const hash = (size: number): unknown => ({ name: 'hash', type: { type: 'fixed', name: 'Hash', size } })
const linkedList = (valueType: string): string => JSON.stringify({
  type: 'record', name: 'Node', fields: [{ name: 'value', type: valueType }, { name: 'next', type: ['null', 'Node'], default: null }],
})

const MISSING_DEFAULT = 'READER_FIELD_MISSING_DEFAULT_VALUE'

/** `crossCheck: false` marks rows where avsc's own resolver is stricter than Avro's rules. */
const rows: (EvolutionRow & { readonly crossCheck?: false })[] = [
  { change: 'add a field with a default', before: record([id]), after: record([id, { name: 'note', type: 'string', default: '' }]), backward: [], forward: [] },
  { change: 'add a field without a default', before: record([id]), after: record([id, { name: 'note', type: 'string' }]), backward: [MISSING_DEFAULT], forward: [] },
  { change: 'remove a field with a default', before: record([id, { name: 'note', type: 'string', default: '' }]), after: record([id]), backward: [], forward: [] },
  { change: 'remove a field without a default', before: record([id, { name: 'note', type: 'string' }]), after: record([id]), backward: [], forward: [MISSING_DEFAULT] },
  { change: 'rename a field with an alias', before: record([id, amount('int')]), after: record([id, { name: 'total', type: 'int', aliases: ['amount'] }]), backward: [], forward: [MISSING_DEFAULT] },
  { change: 'rename a field without an alias', before: record([id, amount('int')]), after: record([id, { name: 'total', type: 'int' }]), backward: [MISSING_DEFAULT], forward: [MISSING_DEFAULT] },
  { change: 'promote int to long', before: record([amount('int')]), after: record([amount('long')]), backward: [], forward: ['TYPE_MISMATCH'] },
  { change: 'demote long to int', before: record([amount('long')]), after: record([amount('int')]), backward: ['TYPE_MISMATCH'], forward: [] },
  { change: 'promote long to double', before: record([amount('long')]), after: record([amount('double')]), backward: [], forward: ['TYPE_MISMATCH'] },
  { change: 'promote float to double', before: record([amount('float')]), after: record([amount('double')]), backward: [], forward: ['TYPE_MISMATCH'] },
  { change: 'switch string to bytes', before: record([amount('string')]), after: record([amount('bytes')]), backward: [], forward: [] },
  { change: 'change int to string', before: record([amount('int')]), after: record([amount('string')]), backward: ['TYPE_MISMATCH'], forward: ['TYPE_MISMATCH'] },
  { change: 'add an enum symbol', before: record([currency(['EUR', 'USD'])]), after: record([currency(['EUR', 'USD', 'GBP'])]), backward: [], forward: ['MISSING_ENUM_SYMBOLS'] },
  { change: 'remove an enum symbol', before: record([currency(['EUR', 'USD', 'GBP'])]), after: record([currency(['EUR', 'USD'])]), backward: ['MISSING_ENUM_SYMBOLS'], forward: [] },
  {
    change: 'remove an enum symbol when the enum has a default',
    before: record([currency(['EUR', 'USD', 'GBP'], { default: 'EUR' })]),
    after: record([currency(['EUR', 'USD'], { default: 'EUR' })]),
    backward: [],
    forward: [],
  },
  { change: 'add a union branch', before: record([amount(['null', 'int'])]), after: record([amount(['null', 'int', 'string'])]), backward: [], forward: ['MISSING_UNION_BRANCH'] },
  { change: 'remove a union branch', before: record([amount(['null', 'int', 'string'])]), after: record([amount(['null', 'int'])]), backward: ['MISSING_UNION_BRANCH'], forward: [] },
  {
    change: 'add a record branch to a union of records',
    before: record([{ name: 'method', type: [{ type: 'record', name: 'Card', fields: [id] }, { type: 'record', name: 'Iban', fields: [id] }] }]),
    after: record([{ name: 'method', type: [{ type: 'record', name: 'Card', fields: [id] }, { type: 'record', name: 'Iban', fields: [id] }, { type: 'record', name: 'Cash', fields: [] }] }]),
    backward: [],
    forward: ['MISSING_UNION_BRANCH'],
  },
  { change: 'make a field nullable', before: record([amount('int')]), after: record([{ name: 'amount', type: ['null', 'int'], default: null }]), backward: [], forward: ['TYPE_MISMATCH'] },
  { change: 'promote inside a union branch', before: record([amount(['null', 'int'])]), after: record([amount(['null', 'long'])]), backward: [], forward: ['MISSING_UNION_BRANCH'] },
  { change: 'change a nested record field type', before: record([id, customer([{ name: 'name', type: 'string' }])]), after: record([id, customer([{ name: 'name', type: 'int' }])]), backward: ['TYPE_MISMATCH'], forward: ['TYPE_MISMATCH'] },
  { change: 'add a nested record field without a default', before: record([id, customer([{ name: 'name', type: 'string' }])]), after: record([id, customer([{ name: 'name', type: 'string' }, { name: 'email', type: 'string' }])]), backward: [MISSING_DEFAULT], forward: [] },
  { change: 'change a fixed size', before: record([hash(16)]), after: record([hash(32)]), backward: ['FIXED_SIZE_MISMATCH'], forward: ['FIXED_SIZE_MISMATCH'] },
  { change: 'promote array items', before: record([{ name: 'lines', type: { type: 'array', items: 'int' } }]), after: record([{ name: 'lines', type: { type: 'array', items: 'long' } }]), backward: [], forward: ['TYPE_MISMATCH'] },
  { change: 'change map values', before: record([{ name: 'tags', type: { type: 'map', values: 'string' } }]), after: record([{ name: 'tags', type: { type: 'map', values: 'int' } }]), backward: ['TYPE_MISMATCH'], forward: ['TYPE_MISMATCH'] },
  { change: 'change an array to a map', before: record([{ name: 'tags', type: { type: 'array', items: 'string' } }]), after: record([{ name: 'tags', type: { type: 'map', values: 'string' } }]), backward: ['TYPE_MISMATCH'], forward: ['TYPE_MISMATCH'] },
  { change: 'rename the record without an alias', before: record([id]), after: record([id], { name: 'Charge' }), backward: ['NAME_MISMATCH'], forward: ['NAME_MISMATCH'] },
  { change: 'rename the record with an alias', before: record([id]), after: record([id], { name: 'Charge', aliases: ['shop.Payment'] }), backward: [], forward: ['NAME_MISMATCH'] },
  // Avro (and Confluent) compare unqualified names; avsc's resolver also compares namespaces.
  { change: 'change the namespace', before: record([id]), after: record([id], { namespace: 'billing' }), backward: [], forward: [], crossCheck: false },
  { change: 'drop a logical type', before: record([{ name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } }]), after: record([{ name: 'at', type: 'long' }]), backward: [], forward: [] },
  { change: 'date (int) to timestamp-millis (long)', before: record([{ name: 'at', type: { type: 'int', logicalType: 'date' } }]), after: record([{ name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } }]), backward: [], forward: ['TYPE_MISMATCH'] },
  { change: 'promote a field of a recursive record', before: linkedList('int'), after: linkedList('long'), backward: [], forward: ['TYPE_MISMATCH'] },
  { change: 'leave a recursive record unchanged', before: linkedList('int'), after: linkedList('int'), backward: [], forward: [] },
]

evolutionTable('AVRO', rows)

describe('Avro compatibility agrees with avsc resolvers', () => {
  // avsc's createResolver throws when the reader cannot read the writer (see the anchors, 4.1).
  const readable = (reader: string, writer: string): boolean => {
    try {
      avsc.Type.forSchema(JSON.parse(reader)).createResolver(avsc.Type.forSchema(JSON.parse(writer)))
      return true
    } catch {
      return false
    }
  }
  it.each(rows.filter((row) => row.crossCheck !== false).map((row) => [row.change, row] as const))('%s', (_, row) => {
    expect(readable(row.after, row.before)).toBe(row.backward.length === 0)
    expect(readable(row.before, row.after)).toBe(row.forward.length === 0)
  })
})

describe('Avro incompatibility details', () => {
  it('names the field, its path and the direction in Confluent wording', () => {
    const row = rows[1]
    expect(check('BACKWARD', 'AVRO', row).messages).toEqual([
      `{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'note' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'/fields/1'}, {oldSchemaVersion: 1}, {compatibility: 'BACKWARD'}`,
    ])
    // FORWARD reads the candidate with the registered version: the old schema is the reader.
    expect(check('FORWARD', 'AVRO', rows[3]).messages[0]).toContain(`The field 'note' at path '/fields/1' in the old schema has no default value and is missing in the new schema`)
  })

  it('points into nested types, union branches and enum symbols', () => {
    const at = (row: EvolutionRow, reader: 'after' | 'before') =>
      avroIncompatibilities(resolved('AVRO', row[reader]), resolved('AVRO', reader === 'after' ? row.before : row.after))
        .map((issue) => [issue.type, issue.path])
    expect(at(rows.find((row) => row.change === 'change a nested record field type')!, 'after')).toEqual([['TYPE_MISMATCH', '/fields/1/type/fields/0/type']])
    expect(at(rows.find((row) => row.change === 'add a union branch')!, 'before')).toEqual([['MISSING_UNION_BRANCH', '/fields/0/type/2']])
    expect(at(rows.find((row) => row.change === 'make a field nullable')!, 'before')).toEqual([['TYPE_MISMATCH', '/fields/0/type/0']])
    expect(at(rows.find((row) => row.change === 'rename the record without an alias')!, 'after')).toEqual([['NAME_MISMATCH', '/name']])
    expect(at(rows.find((row) => row.change === 'change a fixed size')!, 'after')).toEqual([['FIXED_SIZE_MISMATCH', '/fields/0/type/size']])
    const symbols = avroIncompatibilities(resolved('AVRO', record([currency(['EUR'])])), resolved('AVRO', record([currency(['EUR', 'USD', 'GBP'])])))
    expect(symbols).toEqual([expect.objectContaining({ type: 'MISSING_ENUM_SYMBOLS', path: '/fields/0/type/symbols' })])
    expect(symbols[0].description).toContain('[GBP, USD]')
  })

  it('reports every broken rule of a record, not only the first', () => {
    const found = avroIncompatibilities(resolved('AVRO', record([amount('int'), { name: 'note', type: 'string' }])), resolved('AVRO', record([amount('string')])))
    expect(found.map((issue) => [issue.type, issue.path])).toEqual([['TYPE_MISMATCH', '/fields/0/type'], [MISSING_DEFAULT, '/fields/1']])
  })

  it('rejects a reader field whose name and alias both match writer fields', () => {
    const found = avroIncompatibilities(
      resolved('AVRO', record([{ name: 'total', type: 'int', aliases: ['amount'] }])),
      resolved('AVRO', record([{ name: 'total', type: 'int' }, amount('int')])),
    )
    expect(found).toEqual([expect.objectContaining({ type: 'TYPE_MISMATCH', path: '/fields/0' })])
  })
})

describe('Avro references', () => {
  const money = (units: string): string => JSON.stringify({ type: 'record', name: 'Money', namespace: 'common', fields: [{ name: 'currency', type: 'common.Currency' }, { name: 'units', type: units }] })
  const currencyType = JSON.stringify({ type: 'enum', name: 'Currency', namespace: 'common', symbols: ['EUR', 'USD'] })
  const payment = record([id, { name: 'total', type: 'common.Money' }])
  // Money refers to Currency: given in either order, both resolve.
  const v1 = new Map([['common.Money', money('int')], ['common.Currency', currencyType]])
  const v2 = new Map([['common.Currency', currencyType], ['common.Money', money('long')]])

  it('parses references first and compares the referenced types', () => {
    const row: EvolutionRow = { change: 'promote a referenced field', before: payment, after: payment, beforeReferences: v1, afterReferences: v2, backward: [], forward: ['TYPE_MISMATCH'] }
    expect(check('BACKWARD', 'AVRO', row).compatible).toBe(true)
    const forward = check('FORWARD', 'AVRO', row)
    expect(forward.rules).toEqual(['TYPE_MISMATCH'])
    expect(forward.messages[0]).toContain(`additionalInfo:'/fields/1/type/fields/1/type'`)
  })

  it('fails to parse a schema whose referenced type is not given', () => {
    expect(() => avroIncompatibilities(resolved('AVRO', payment), resolved('AVRO', payment, v1))).toThrow(/Invalid Avro schema/)
  })
})

describe('invalid Avro schemas', () => {
  it.each([
    ['not JSON', '{"type": "record"'],
    ['an unknown type', '{"type": "decimalish"}'],
    ['a record without fields', '{"type": "record", "name": "R"}'],
    ['an invalid default', '{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int", "default": "x"}]}'],
  ])('throws for %s', (_, text) => {
    expect(() => checkCompatibility('BACKWARD', resolved('AVRO', text), [{ version: 1, schema: resolved('AVRO', record([id])) }])).toThrow(/Invalid Avro schema/)
  })
})
