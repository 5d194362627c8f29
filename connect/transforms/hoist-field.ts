/**
 * `HoistField` (Kafka's `HoistField$Key` / `$Value`): wraps the key or value in a Struct with one
 * field (with schema) or a plain object `{ [field]: value }` (schema-less). Configs: `field`.
 */
import type { ConnectRecord } from '../api/records.ts'
import { SchemaBuilder } from '../api/schema-builder.ts'
import { Struct } from '../api/struct.ts'
import { KeyOrValueTransform, SchemaCache, transformConfig } from './transform-support.ts'

export class HoistField<R extends ConnectRecord = ConnectRecord> extends KeyOrValueTransform<R> {
  #field = ''
  readonly #schemas = new SchemaCache()

  protected definition() {
    return transformConfig()
      .define('field', 'STRING', undefined, 'MEDIUM', 'Field name for the single field that will be created in the resulting Struct or Map.')
  }

  protected configured(config: Record<string, unknown>): void {
    this.#field = config.field as string
  }

  apply(record: R): R {
    const schema = this.operatingSchema(record)
    const value = this.operatingValue(record)
    if (schema === null) return this.newRecord(record, null, { [this.#field]: value })
    const updated = this.#schemas.get(schema, (s) => SchemaBuilder.struct().field(this.#field, s).build())
    return this.newRecord(record, updated, new Struct(updated).put(this.#field, value))
  }
}

export class HoistFieldKey<R extends ConnectRecord = ConnectRecord> extends HoistField<R> {
  constructor() { super('key') }
}

export class HoistFieldValue<R extends ConnectRecord = ConnectRecord> extends HoistField<R> {
  constructor() { super('value') }
}
