/**
 * Which columns a record writes, and which of them form the primary key (Confluent's
 * `FieldsMetadata.extract`), from `pk.mode`, `pk.fields`, `fields.whitelist` and the record's key
 * and value schemas:
 *
 * | pk.mode      | key columns                                                              |
 * |--------------|--------------------------------------------------------------------------|
 * | none         | none                                                                     |
 * | kafka        | `pk.fields` (3 names, default `__connect_topic,__connect_partition,__connect_offset`): topic STRING, partition INT32, offset INT64 |
 * | record_key   | a primitive key: the one name of `pk.fields`; a Struct key: `pk.fields` of it (empty: all its fields) |
 * | record_value | `pk.fields` of the value Struct (empty: all its fields)                  |
 *
 * Non-key columns: the value Struct's fields in order, kept by `fields.whitelist` (empty: all),
 * without the key columns. `extract` is pure; a wrong combination is CONNECT_DATA naming the
 * table and what is missing. ARRAY, MAP and STRUCT fields have no column type: CONNECT_DATA.
 */
import { LOGICAL, type Schema } from '../../../api/schema.ts'
import { Schemas } from '../../../api/schema-builder.ts'
import { describeSchema } from '../../../api/values.ts'
import { ConnectError } from '../../../errors.ts'
import type { JdbcSinkConfig } from './jdbc-sink-config.ts'

/** Where a column's value comes from. */
export type ColumnSource = 'topic' | 'partition' | 'offset' | 'key' | 'key-field' | 'value-field'

export interface SinkColumn {
  readonly name: string
  readonly schema: Schema
  readonly isKey: boolean
  readonly source: ColumnSource
}

export interface FieldsMetadata {
  /** Key columns first (in `pk.fields` order), then the others. */
  readonly columns: readonly SinkColumn[]
  readonly keyColumns: readonly SinkColumn[]
  readonly nonKeyColumns: readonly SinkColumn[]
}

const UNSUPPORTED: ReadonlySet<string> = new Set(['ARRAY', 'MAP', 'STRUCT'])

function checkType(table: string, name: string, schema: Schema): void {
  if (UNSUPPORTED.has(schema.type) && schema.name !== LOGICAL.DECIMAL) {
    throw new ConnectError('CONNECT_DATA', `Field "${name}" of table ${table} has type ${describeSchema(schema)}, which the JDBC sink cannot write to a column (use the Flatten or Cast transforms, or drop it with fields.whitelist)`)
  }
}

/**
 * The columns of records with these schemas. `valueSchema` null: a tombstone (key columns only).
 */
export function extractFieldsMetadata(table: string, config: Pick<JdbcSinkConfig, 'pkMode' | 'pkFields' | 'fieldsWhitelist'>, keySchema: Schema | null, valueSchema: Schema | null): FieldsMetadata {
  if (valueSchema !== null && valueSchema.type !== 'STRUCT') {
    throw new ConnectError('CONNECT_DATA', `Value schema must be of type Struct for table ${table}, got ${describeSchema(valueSchema)}`)
  }
  const keys: SinkColumn[] = []
  const { pkMode, pkFields } = config
  switch (pkMode) {
    case 'none':
      break
    case 'kafka':
      keys.push(
        { name: pkFields[0], schema: Schemas.STRING, isKey: true, source: 'topic' },
        { name: pkFields[1], schema: Schemas.INT32, isKey: true, source: 'partition' },
        { name: pkFields[2], schema: Schemas.INT64, isKey: true, source: 'offset' },
      )
      break
    case 'record_key': {
      if (keySchema === null) throw new ConnectError('CONNECT_DATA', `PK mode for table ${table} is record_key, but the record key has no schema (a schemaless or null key)`)
      if (keySchema.type === 'STRUCT') {
        keys.push(...structKeys(table, 'key', keySchema, pkFields, 'key-field'))
      } else {
        if (pkFields.length !== 1) {
          throw new ConnectError('CONNECT_DATA', `Need exactly one PK column defined since the key schema for records of table ${table} is a primitive type (${describeSchema(keySchema)}); pk.fields is [${pkFields.join(', ')}]`)
        }
        keys.push({ name: pkFields[0], schema: keySchema, isKey: true, source: 'key' })
      }
      break
    }
    case 'record_value':
      if (valueSchema === null) throw new ConnectError('CONNECT_DATA', `PK mode for table ${table} is record_value, but the record value has no schema`)
      keys.push(...structKeys(table, 'value', valueSchema, pkFields, 'value-field'))
      break
  }
  const keyNames = new Set(keys.map((k) => k.name))
  const whitelist = config.fieldsWhitelist.length === 0 ? null : new Set(config.fieldsWhitelist)
  const nonKeys: SinkColumn[] = []
  for (const field of valueSchema?.fields ?? []) {
    if (keyNames.has(field.name)) continue
    if (whitelist !== null && !whitelist.has(field.name)) continue
    nonKeys.push({ name: field.name, schema: field.schema, isKey: false, source: 'value-field' })
  }
  const columns = [...keys, ...nonKeys]
  if (columns.length === 0) {
    throw new ConnectError('CONNECT_DATA', `No fields found using key and value schemas for table ${table} (pk.mode ${pkMode}, fields.whitelist [${config.fieldsWhitelist.join(', ')}])`)
  }
  for (const column of columns) checkType(table, column.name, column.schema)
  return { columns, keyColumns: keys, nonKeyColumns: nonKeys }
}

function structKeys(table: string, what: 'key' | 'value', schema: Schema, pkFields: readonly string[], source: ColumnSource): SinkColumn[] {
  const fields = schema.fields ?? []
  if (pkFields.length === 0) return fields.map((f) => ({ name: f.name, schema: f.schema, isKey: true, source }))
  return pkFields.map((name) => {
    const field = fields.find((f) => f.name === name)
    if (field === undefined) {
      throw new ConnectError('CONNECT_DATA', `PK mode for table ${table} is record_${what} with configured PK fields [${pkFields.join(', ')}], but the record ${what} schema does not contain field "${name}" (fields: ${fields.map((f) => f.name).join(', ')})`)
    }
    return { name, schema: field.schema, isKey: true, source }
  })
}
