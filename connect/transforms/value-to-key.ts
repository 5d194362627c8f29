/**
 * `ValueToKey` (Kafka's `org.apache.kafka.connect.transforms.ValueToKey`): replaces the key with
 * the named fields of the value: a Struct of those fields (with schema) or a plain object
 * (schema-less). Configs: `fields` (required). A field the value lacks is an error naming it.
 */
import type { ConnectRecord } from '../api/records.ts'
import type { Schema } from '../api/schema.ts'
import { SchemaBuilder } from '../api/schema-builder.ts'
import { Struct } from '../api/struct.ts'
import { fieldOf } from '../api/values.ts'
import {
  BaseTransform, type PlainObject, SchemaCache, requireMap, requireStruct, transformConfig, transformError, withChanges,
} from './transform-support.ts'

const PURPOSE = 'copying fields from value to key'

export class ValueToKey<R extends ConnectRecord = ConnectRecord> extends BaseTransform<R> {
  #fields: string[] = []
  readonly #schemas = new SchemaCache()

  protected definition() {
    return transformConfig()
      .define('fields', 'LIST', undefined, 'HIGH', 'Field names on the record value to extract as the record key.', (_name, value) => {
        if ((value as string[]).length === 0) throw new Error('Empty list')
      })
      .define('replace.null.with.default', 'BOOLEAN', true, 'MEDIUM', 'Whether to replace fields that have a default value and that are null to the default value.')
  }

  protected configured(config: Record<string, unknown>): void {
    this.#fields = config.fields as string[]
  }

  apply(record: R): R {
    if (record.valueSchema === null) {
      const value = requireMap(record.value, PURPOSE, record)
      const key: PlainObject = {}
      for (const name of this.#fields) key[name] = value[name] ?? null
      return withChanges(record, { keySchema: null, key })
    }
    const value = requireStruct(record.value, PURPOSE, record)
    const keySchema = this.#schemas.get(record.valueSchema, (schema: Schema) => {
      const builder = SchemaBuilder.struct()
      for (const name of this.#fields) {
        const field = fieldOf(schema, name)
        if (field === undefined) throw transformError(PURPOSE, record, `Field does not exist: ${name}`)
        builder.field(name, field.schema)
      }
      return builder.build()
    })
    const key = new Struct(keySchema)
    for (const name of this.#fields) key.put(name, value.getWithoutDefault(name))
    return withChanges(record, { keySchema, key })
  }
}
