import { describe, expect, it } from 'vitest'
import { avroValueFromJson } from '../../cli/avro-json.ts'
import { toJsonText } from '../../cli/json-text.ts'
import { InMemorySchemaRegistry, serdes } from '../../serdes/index.ts'

const schema = {
  type: 'record',
  name: 'Event',
  namespace: 'cli.avro',
  fields: [
    { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'count', type: 'long' },
    { name: 'ratio', type: 'double' },
    { name: 'small', type: 'float' },
    { name: 'blob', type: 'bytes' },
    { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 4 } },
    { name: 'again', type: 'Hash' },
    { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 } },
    { name: 'millis', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'micros', type: { type: 'long', logicalType: 'timestamp-micros' } },
    { name: 'day', type: { type: 'int', logicalType: 'date' } },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['A', 'B'] } },
    { name: 'tags', type: { type: 'array', items: 'bytes' } },
    { name: 'sizes', type: { type: 'map', values: 'Hash' } },
    { name: 'maybe', type: ['null', 'bytes'], default: null },
    {
      name: 'child',
      type: ['null', { type: 'record', name: 'Child', fields: [{ name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } }] }],
      default: null,
    },
    // Two records in one union: avsc wraps the value, as Avro's JSON encoding does.
    {
      name: 'either',
      type: [
        { type: 'record', name: 'Left', fields: [{ name: 'l', type: 'bytes' }] },
        { type: 'record', name: 'Right', fields: [{ name: 'r', type: 'int' }] },
      ],
    },
    { name: 'pick', type: ['null', 'Left', 'Right'], default: null },
  ],
}

/** The JSON line `creek consume --value-format avro` prints for this record. */
const line = JSON.stringify({
  id: '0f8fad5b-d9cb-469f-a165-70867728950e',
  count: 9_007_199_254,
  ratio: 'NaN',
  small: 'Infinity',
  blob: 'AAEC/w==',
  hash: 'AQIDBA==',
  again: 'BQYHCA==',
  price: '-12.30',
  millis: '2024-05-31T12:34:56.789Z',
  micros: 1717158896789123,
  day: '2024-05-31T00:00:00.000Z',
  kind: 'B',
  tags: ['AA==', ''],
  sizes: { a: 'AAAAAA==' },
  maybe: 'Kg==',
  child: { at: '1970-01-01T00:00:00.001Z' },
  either: { 'cli.avro.Left': { l: 'AQ==' } },
  pick: { 'cli.avro.Right': { r: 1 } },
})

describe('avroValueFromJson', () => {
  it('reads back what toJsonText prints: the same record, byte for byte', async () => {
    const registry = new InMemorySchemaRegistry()
    const serde = serdes.avro<unknown>({ registry, schema })
    const value = avroValueFromJson(schema, JSON.parse(line))
    const bytes = (await serde.serialize('events', value))!
    const decoded = await serde.deserialize('events', bytes)
    expect(toJsonText(decoded)).toBe(line)
    // And the printed line, read again, writes the same bytes.
    expect(await serde.serialize('events', avroValueFromJson(schema, JSON.parse(toJsonText(decoded))))).toEqual(bytes)
  })

  it('accepts the other spellings: numbers for timestamps and dates, digit strings for longs, plain dates', async () => {
    const registry = new InMemorySchemaRegistry()
    const serde = serdes.avro<Record<string, unknown>>({ registry, schema })
    const input = {
      ...JSON.parse(line),
      count: '12',
      millis: 1717158896789,
      micros: '1717158896789123',
      day: '2024-05-31',
      price: 7.5,
      either: { Right: { r: 3 } },
      pick: { Left: { l: '' } },
    }
    const decoded = (await serde.deserialize('events', (await serde.serialize('events', avroValueFromJson(schema, input) as Record<string, unknown>))!))!
    expect(decoded.count).toBe(12)
    expect(decoded.millis).toEqual(new Date('2024-05-31T12:34:56.789Z'))
    expect(decoded.micros).toBe(1717158896789123n)
    expect(decoded.day).toEqual(new Date('2024-05-31T00:00:00Z'))
    expect(decoded.price).toBe('7.50')
    expect(toJsonText(decoded.either)).toBe('{"cli.avro.Right":{"r":3}}')
    expect(toJsonText(decoded.pick)).toBe('{"cli.avro.Left":{"l":""}}')
  })

  it('leaves what does not fit as it is, for the serde to report', () => {
    expect(avroValueFromJson(schema, { count: 'many', blob: 5, tags: 'x' })).toEqual({ count: 'many', blob: 5, tags: 'x' })
    expect(avroValueFromJson('long', '99999999999999999999')).toBe('99999999999999999999')
    expect(avroValueFromJson(['null', 'string', 'bytes'], 'abc')).toBe('abc')
    expect(avroValueFromJson(['null', 'int', 'bytes'], 'AQ==')).toEqual(Buffer.from([1]))
  })
})
