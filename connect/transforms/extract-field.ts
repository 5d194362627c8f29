/**
 * `ExtractField` (Kafka's `ExtractField$Key` / `$Value`): replaces the key or value with one of
 * its fields. Configs: `field`; `field.syntax.version` V1 (the name as it is) or V2 (a dotted
 * path into nested structs or objects, KIP-821). A null key or value gives null; a field missing
 * from the schema is an error, a key missing from a plain object gives null.
 */
import type { ConnectRecord } from '../api/records.ts'
import type { Schema } from '../api/schema.ts'
import { validStringIgnoreCase } from '../api/config-validators.ts'
import { fieldOf, isStruct } from '../api/values.ts'
import type { Struct } from '../api/struct.ts'
import { KeyOrValueTransform, isPlainObject, requireMap, requireStruct, transformConfig, transformError } from './transform-support.ts'

const PURPOSE = 'field extraction'

export class ExtractField<R extends ConnectRecord = ConnectRecord> extends KeyOrValueTransform<R> {
  #path: string[] = []

  protected definition() {
    return transformConfig()
      .define('field', 'STRING', undefined, 'MEDIUM', 'Field name to extract.')
      .define('field.syntax.version', 'STRING', 'V1', 'HIGH', 'V1: field names as they are; V2: dotted paths into nested fields.', validStringIgnoreCase('V1', 'V2'))
      .define('replace.null.with.default', 'BOOLEAN', true, 'MEDIUM', 'Whether to replace fields that have a default value and that are null to the default value.')
  }

  protected configured(config: Record<string, unknown>): void {
    const field = config.field as string
    this.#path = (config['field.syntax.version'] as string).toUpperCase() === 'V2' ? field.split('.') : [field]
  }

  apply(record: R): R {
    const schema = this.operatingSchema(record)
    const value = this.operatingValue(record)
    if (schema === null) {
      let current: unknown = value === null || value === undefined ? null : requireMap(value, PURPOSE, record)
      for (const name of this.#path) current = isPlainObject(current) ? (current[name] ?? null) : null
      return this.newRecord(record, null, current)
    }
    let fieldSchema: Schema = schema
    for (const name of this.#path) {
      const field = fieldSchema.type === 'STRUCT' ? fieldOf(fieldSchema, name) : undefined
      if (field === undefined) throw transformError(PURPOSE, record, `Unknown field: ${this.#path.join('.')}`)
      fieldSchema = field.schema
    }
    let current: unknown = value === null || value === undefined ? null : requireStruct(value, PURPOSE, record)
    for (const name of this.#path) current = isStruct(current) ? (current as Struct).get(name) : null
    return this.newRecord(record, fieldSchema, current ?? null)
  }
}

export class ExtractFieldKey<R extends ConnectRecord = ConnectRecord> extends ExtractField<R> {
  constructor() { super('key') }
}

export class ExtractFieldValue<R extends ConnectRecord = ConnectRecord> extends ExtractField<R> {
  constructor() { super('value') }
}
