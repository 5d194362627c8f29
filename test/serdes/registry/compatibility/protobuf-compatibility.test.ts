import { describe, expect, it } from 'vitest'
import { checkCompatibility } from '../../../../serdes/registry/compatibility/index.ts'
import { protobufIncompatibilities } from '../../../../serdes/registry/compatibility/protobuf-compatibility.ts'
import { check, evolutionTable, type EvolutionRow, resolved } from './evolution-table.ts'

const proto = (body: string, { packageName = 'shop', syntax = 'proto3' } = {}): string =>
  `syntax = "${syntax}";\npackage ${packageName};\n${body}\n`
const payment = (fields: string, extra = ''): string => proto(`message Payment {\n${fields}\n}\n${extra}`)
const STATUS = 'enum Status { UNKNOWN = 0; PAID = 1; }'
const MONEY = 'message Money { string currency = 1; int64 units = 2; }'
const PRICE = 'message Price { string currency = 1; int64 units = 2; }'

const rows: EvolutionRow[] = [
  { change: 'add a field', before: payment('string id = 1;'), after: payment('string id = 1; int64 amount = 2;'), backward: [], forward: [] },
  { change: 'remove a field', before: payment('string id = 1; int64 amount = 2;'), after: payment('string id = 1;'), backward: [], forward: [] },
  { change: 'rename a field', before: payment('string id = 1; int64 amount = 2;'), after: payment('string id = 1; int64 total = 2;'), backward: [], forward: [] },
  // Confluent sees a renumbered field as one removed and one added, both allowed.
  { change: 'renumber a field', before: payment('string id = 1; int64 amount = 2;'), after: payment('string id = 1; int64 amount = 3;'), backward: [], forward: [] },
  { change: 'change int32 to int64 (same group)', before: payment('int32 amount = 1;'), after: payment('int64 amount = 1;'), backward: [], forward: [] },
  { change: 'change uint32 to bool (same group)', before: payment('uint32 flag = 1;'), after: payment('bool flag = 1;'), backward: [], forward: [] },
  { change: 'change fixed32 to sfixed32 (same group)', before: payment('fixed32 code = 1;'), after: payment('sfixed32 code = 1;'), backward: [], forward: [] },
  { change: 'change int32 to sint32 (across groups)', before: payment('int32 amount = 1;'), after: payment('sint32 amount = 1;'), backward: ['FIELD_SCALAR_KIND_CHANGED'], forward: ['FIELD_SCALAR_KIND_CHANGED'] },
  { change: 'change int64 to string (across groups)', before: payment('int64 amount = 1;'), after: payment('string amount = 1;'), backward: ['FIELD_SCALAR_KIND_CHANGED'], forward: ['FIELD_SCALAR_KIND_CHANGED'] },
  { change: 'change float to double', before: payment('float rate = 1;'), after: payment('double rate = 1;'), backward: ['FIELD_SCALAR_KIND_CHANGED'], forward: ['FIELD_SCALAR_KIND_CHANGED'] },
  { change: 'change string to bytes', before: payment('string note = 1;'), after: payment('bytes note = 1;'), backward: [], forward: [] },
  { change: 'change int32 to an enum', before: payment('int32 status = 1;'), after: payment('Status status = 1;', STATUS), backward: [], forward: [] },
  { change: 'change a scalar to a message', before: payment('int64 total = 1;', MONEY), after: payment('Money total = 1;', MONEY), backward: ['FIELD_KIND_CHANGED'], forward: ['FIELD_KIND_CHANGED'] },
  { change: 'change the message a field names', before: payment('Money total = 1;', `${MONEY}\n${PRICE}`), after: payment('Price total = 1;', `${MONEY}\n${PRICE}`), backward: ['FIELD_NAMED_TYPE_CHANGED'], forward: ['FIELD_NAMED_TYPE_CHANGED'] },
  { change: 'remove a message', before: payment('string id = 1;', MONEY), after: payment('string id = 1;'), backward: ['MESSAGE_REMOVED'], forward: [] },
  { change: 'add a message', before: payment('string id = 1;'), after: payment('string id = 1;', MONEY), backward: [], forward: ['MESSAGE_REMOVED'] },
  { change: 'reorder messages', before: payment('string id = 1;', MONEY), after: proto(`${MONEY}\nmessage Payment { string id = 1; }`), backward: [], forward: [] },
  { change: 'change the package', before: payment('string id = 1;'), after: proto('message Payment { string id = 1; }', { packageName: 'billing' }), backward: ['PACKAGE_CHANGED'], forward: ['PACKAGE_CHANGED'] },
  { change: 'add an enum constant', before: payment('Status status = 1;', STATUS), after: payment('Status status = 1;', 'enum Status { UNKNOWN = 0; PAID = 1; REFUNDED = 2; }'), backward: [], forward: [] },
  { change: 'remove an enum', before: payment('string id = 1;', STATUS), after: payment('string id = 1;'), backward: [], forward: [] },
  { change: 'move a field into a new oneof', before: payment('string id = 1; string card = 2;'), after: payment('string id = 1; oneof method { string card = 2; }'), backward: [], forward: [] },
  // Read with v1, the new member of a oneof that v1 lacks is a oneof member removed.
  { change: 'move a field into a new oneof with a new member', before: payment('string id = 1; string card = 2;'), after: payment('string id = 1; oneof method { string card = 2; string iban = 3; }'), backward: [], forward: ['ONEOF_FIELD_REMOVED'] },
  { change: 'move two fields into a new oneof', before: payment('string id = 1; string card = 2; string iban = 3;'), after: payment('string id = 1; oneof method { string card = 2; string iban = 3; }'), backward: ['MULTIPLE_FIELDS_MOVED_TO_ONEOF'], forward: [] },
  { change: 'move a field into an existing oneof', before: payment('string id = 1; oneof method { string card = 2; } string iban = 3;'), after: payment('string id = 1; oneof method { string card = 2; string iban = 3; }'), backward: ['FIELD_MOVED_TO_EXISTING_ONEOF'], forward: [] },
  { change: 'remove a oneof member', before: payment('oneof method { string card = 2; string iban = 3; }'), after: payment('oneof method { string card = 2; }'), backward: ['ONEOF_FIELD_REMOVED'], forward: [] },
  { change: 'remove a whole oneof', before: payment('string id = 1; oneof method { string card = 2; string iban = 3; }'), after: payment('string id = 1;'), backward: [], forward: [] },
  { change: 'change optional string to repeated', before: payment('optional string tag = 1;'), after: payment('repeated string tag = 1;'), backward: [], forward: [] },
  { change: 'change optional int32 to repeated', before: payment('optional int32 qty = 1;'), after: payment('repeated int32 qty = 1;'), backward: ['FIELD_NUMERIC_LABEL_CHANGED'], forward: ['FIELD_NUMERIC_LABEL_CHANGED'] },
  // Stricter than Confluent, which only compares labels both schemas spell out.
  { change: 'change an unlabelled proto3 int32 to repeated', before: payment('int32 qty = 1;'), after: payment('repeated int32 qty = 1;'), backward: ['FIELD_NUMERIC_LABEL_CHANGED'], forward: ['FIELD_NUMERIC_LABEL_CHANGED'] },
  { change: 'make a proto3 field optional', before: payment('int32 qty = 1;'), after: payment('optional int32 qty = 1;'), backward: [], forward: [] },
  { change: 'change a message field to repeated', before: payment('Money total = 1;', MONEY), after: payment('repeated Money total = 1;', MONEY), backward: [], forward: [] },
  {
    change: 'add a required field (proto2)',
    before: proto('message Payment { optional string id = 1; }', { syntax: 'proto2' }),
    after: proto('message Payment { optional string id = 1; required int64 amount = 2; }', { syntax: 'proto2' }),
    backward: ['REQUIRED_FIELD_ADDED'],
    forward: ['REQUIRED_FIELD_REMOVED'],
  },
  {
    change: 'change required int32 to optional (proto2)',
    before: proto('message Payment { required int32 qty = 1; }', { syntax: 'proto2' }),
    after: proto('message Payment { optional int32 qty = 1; }', { syntax: 'proto2' }),
    backward: ['FIELD_NUMERIC_LABEL_CHANGED'],
    forward: ['FIELD_NUMERIC_LABEL_CHANGED'],
  },
  { change: 'change a nested message field', before: payment('message Line { int32 qty = 1; }\nrepeated Line lines = 1;'), after: payment('message Line { string qty = 1; }\nrepeated Line lines = 1;'), backward: ['FIELD_SCALAR_KIND_CHANGED'], forward: ['FIELD_SCALAR_KIND_CHANGED'] },
  { change: 'remove a nested message', before: payment('message Line { int32 qty = 1; }\nstring id = 1;'), after: payment('string id = 1;'), backward: ['MESSAGE_REMOVED'], forward: [] },
  { change: 'change map values across groups', before: payment('map<string, int32> stock = 1;'), after: payment('map<string, string> stock = 1;'), backward: ['FIELD_SCALAR_KIND_CHANGED'], forward: ['FIELD_SCALAR_KIND_CHANGED'] },
  { change: 'change map values within a group', before: payment('map<string, int32> stock = 1;'), after: payment('map<string, int64> stock = 1;'), backward: [], forward: [] },
  { change: 'change a map to a repeated message', before: payment('map<string, int32> stock = 1;', MONEY), after: payment('repeated Money stock = 1;', MONEY), backward: ['FIELD_KIND_CHANGED'], forward: ['FIELD_KIND_CHANGED'] },
  { change: 'change a field of a recursive message', before: proto('message Node { int32 value = 1; Node next = 2; }'), after: proto('message Node { string value = 1; Node next = 2; }'), backward: ['FIELD_SCALAR_KIND_CHANGED'], forward: ['FIELD_SCALAR_KIND_CHANGED'] },
  { change: 'use a well-known type', before: payment('google.protobuf.Timestamp at = 1;').replace('package shop;', 'package shop;\nimport "google/protobuf/timestamp.proto";'), after: payment('google.protobuf.Timestamp at = 1; string id = 2;').replace('package shop;', 'package shop;\nimport "google/protobuf/timestamp.proto";'), backward: [], forward: [] },
]

evolutionTable('PROTOBUF', rows)

describe('Protobuf incompatibility details', () => {
  const diff = (reader: string, writer: string, readerReferences = new Map<string, string>(), writerReferences = new Map<string, string>()) =>
    protobufIncompatibilities(resolved('PROTOBUF', reader, readerReferences), resolved('PROTOBUF', writer, writerReferences))

  it('uses Confluent paths: message names, oneof names and field numbers', () => {
    const byChange = (change: string): EvolutionRow => rows.find((row) => row.change === change)!
    const paths = (row: EvolutionRow) => diff(row.after, row.before).map((issue) => [issue.type, issue.path])
    expect(paths(byChange('change int64 to string (across groups)'))).toEqual([['FIELD_SCALAR_KIND_CHANGED', '#/Payment/1']])
    expect(paths(byChange('change a nested message field'))).toEqual([['FIELD_SCALAR_KIND_CHANGED', '#/Payment/Line/1']])
    expect(paths(byChange('move a field into an existing oneof'))).toEqual([['FIELD_MOVED_TO_EXISTING_ONEOF', '#/Payment/method']])
    expect(paths(byChange('remove a oneof member'))).toEqual([['ONEOF_FIELD_REMOVED', '#/Payment/method/3']])
    expect(paths(byChange('remove a message'))).toEqual([['MESSAGE_REMOVED', '#/Money']])
    expect(paths(byChange('change the package'))).toEqual([['PACKAGE_CHANGED', '#/']])
  })

  it('describes the field, its types and the direction', () => {
    const row = rows.find((candidate) => candidate.change === 'change int64 to string (across groups)')!
    expect(check('BACKWARD', 'PROTOBUF', row).messages[0]).toContain(`The field 'amount' at path '#/Payment/1' is string in the new schema and int64 in the old schema, which are not wire-compatible`)
    expect(check('FORWARD', 'PROTOBUF', row).messages[0]).toContain(`is int64 in the old schema and string in the new schema`)
  })

  it('compares a oneof member changed in place', () => {
    const found = diff(payment('oneof method { string card = 2; int64 iban = 3; }'), payment('oneof method { string card = 2; string iban = 3; }'))
    expect(found.map((issue) => [issue.type, issue.path])).toEqual([['FIELD_SCALAR_KIND_CHANGED', '#/Payment/method/3']])
  })

  describe('references', () => {
    const money = (unitsType: string, packageName = 'common'): string => proto(`message Money { string currency = 1; ${unitsType} units = 2; }`, { packageName })
    const order = (type = 'common.Money', file = 'common/money.proto'): string =>
      proto(`import "${file}";\nmessage Payment { string id = 1; ${type} total = 2; }`)

    it('compares a referenced message when the import changes', () => {
      const found = diff(order(), order(), new Map([['common/money.proto', money('string')]]), new Map([['common/money.proto', money('int64')]]))
      expect(found.map((issue) => [issue.type, issue.path])).toEqual([['FIELD_SCALAR_KIND_CHANGED', '#/Money/2'], ['FIELD_NAMED_TYPE_CHANGED', '#/Payment/2']])
    })

    it('accepts a compatible change in the import, and the import moving to another package', () => {
      expect(diff(order(), order(), new Map([['common/money.proto', money('uint64')]]), new Map([['common/money.proto', money('int64')]]))).toEqual([])
      expect(diff(order('finance.Money', 'finance/money.proto'), order(), new Map([['finance/money.proto', money('int64', 'finance')]]), new Map([['common/money.proto', money('int64')]]))).toEqual([])
    })

    it('reports a message that moved from the schema into an import as removed', () => {
      const local = proto(`message Payment { string id = 1; Money total = 2; }\n${MONEY}`)
      const found = diff(order(), local, new Map([['common/money.proto', money('int64')]]))
      expect(found.map((issue) => issue.type)).toEqual(['MESSAGE_REMOVED'])
    })

    it('checks levels with references through checkCompatibility', () => {
      const row: EvolutionRow = {
        change: 'referenced field changed', before: order(), after: order(),
        beforeReferences: new Map([['common/money.proto', money('int64')]]),
        afterReferences: new Map([['common/money.proto', money('double')]]),
        backward: ['FIELD_SCALAR_KIND_CHANGED', 'FIELD_NAMED_TYPE_CHANGED'], forward: [],
      }
      expect(check('BACKWARD', 'PROTOBUF', row).rules).toEqual(['FIELD_NAMED_TYPE_CHANGED', 'FIELD_SCALAR_KIND_CHANGED'])
      expect(check('FULL', 'PROTOBUF', row).compatible).toBe(false)
    })

    it('fails to parse when an import is not given', () => {
      expect(() => diff(order(), order())).toThrow(/Invalid Protobuf schema/)
    })
  })

  it.each([
    ['a syntax error', 'syntax = "proto3"; message {'],
    ['an unknown field type', 'syntax = "proto3"; message Payment { Missing m = 1; }'],
  ])('throws for %s', (_, text) => {
    expect(() => checkCompatibility('BACKWARD', resolved('PROTOBUF', text), [{ version: 1, schema: resolved('PROTOBUF', payment('string id = 1;')) }])).toThrow(/Invalid Protobuf schema/)
  })
})
