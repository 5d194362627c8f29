/**
 * `HeaderFrom` (Kafka's `HeaderFrom$Key` / `$Value`): copies or moves fields of the key or value
 * into headers. Configs: `fields` and `headers` (lists of the same length: field i goes to header
 * i), `operation` = `copy` | `move` (move also removes the fields from the key or value and its
 * schema). Headers carry the field's schema (null schema-less). A null key or value passes
 * unchanged.
 */
import type { ConnectHeader, ConnectRecord } from '../api/records.ts'
import type { Schema } from '../api/schema.ts'
import { Struct } from '../api/struct.ts'
import { validStringIgnoreCase } from '../api/config-validators.ts'
import { fieldOf } from '../api/values.ts'
import { ConnectError } from '../errors.ts'
import {
  KeyOrValueTransform, SchemaCache, copyStructBasics, requireMap, requireStruct, transformConfig, transformError, withChanges,
} from './transform-support.ts'

const PURPOSE = 'header from field'

export class HeaderFrom<R extends ConnectRecord = ConnectRecord> extends KeyOrValueTransform<R> {
  #fields: string[] = []
  #headers: string[] = []
  #move = false
  readonly #schemas = new SchemaCache()

  protected definition() {
    return transformConfig()
      .define('fields', 'LIST', undefined, 'HIGH', 'Field names in the record whose values are to be copied or moved to headers.')
      .define('headers', 'LIST', undefined, 'HIGH', 'Header names, in the same order as the field names listed in the fields configuration property.')
      .define('operation', 'STRING', undefined, 'HIGH', 'Either move if the fields are to be moved to the headers (removed from the key/value), or copy if the fields are to be copied to the headers (retained in the key/value).', validStringIgnoreCase('move', 'copy'))
      .define('replace.null.with.default', 'BOOLEAN', true, 'MEDIUM', 'Whether to replace fields that have a default value and that are null to the default value.')
  }

  protected configured(config: Record<string, unknown>): void {
    this.#fields = config.fields as string[]
    this.#headers = config.headers as string[]
    if (this.#fields.length !== this.#headers.length) {
      throw new ConnectError('CONNECT_INVALID_CONFIG', `HeaderFrom: 'fields' config must have the same number of elements as 'headers' config (${this.#fields.length} fields, ${this.#headers.length} headers)`)
    }
    this.#move = (config.operation as string).toLowerCase() === 'move'
  }

  apply(record: R): R {
    const value = this.operatingValue(record)
    if (value === null || value === undefined) return record
    const schema = this.operatingSchema(record)
    const headers: ConnectHeader[] = [...record.headers]
    if (schema === null) {
      const map = requireMap(value, PURPOSE, record)
      this.#fields.forEach((f, i) => headers.push({ key: this.#headers[i], schema: null, value: map[f] ?? null }))
      let out = map
      if (this.#move) {
        out = { ...map }
        for (const f of this.#fields) delete out[f]
      }
      return withChanges(this.newRecord(record, null, out), { headers })
    }
    const struct = requireStruct(value, PURPOSE, record)
    this.#fields.forEach((f, i) => {
      const field = fieldOf(schema, f)
      if (field === undefined) throw transformError(PURPOSE, record, `Field does not exist: ${f}`)
      headers.push({ key: this.#headers[i], schema: field.schema, value: struct.getWithoutDefault(f) })
    })
    if (!this.#move) return withChanges(record, { headers })
    const updated = this.#schemas.get(schema, (s: Schema) => {
      const builder = copyStructBasics(s)
      for (const field of s.fields ?? []) if (!this.#fields.includes(field.name)) builder.field(field.name, field.schema)
      return builder.build()
    })
    const out = new Struct(updated)
    for (const field of updated.fields ?? []) out.put(field.name, struct.getWithoutDefault(field.name))
    return withChanges(this.newRecord(record, updated, out), { headers })
  }
}

export class HeaderFromKey<R extends ConnectRecord = ConnectRecord> extends HeaderFrom<R> {
  constructor() { super('key') }
}

export class HeaderFromValue<R extends ConnectRecord = ConnectRecord> extends HeaderFrom<R> {
  constructor() { super('value') }
}
