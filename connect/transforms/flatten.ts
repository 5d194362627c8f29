/**
 * `Flatten` (Kafka's `Flatten$Key` / `$Value`): nested structs (or nested plain objects,
 * schema-less) become top-level fields named by their path joined with `delimiter` (default `.`).
 * Arrays, maps and primitives are kept as they are. A field under an optional struct becomes
 * optional. A null key or value passes unchanged (with the flattened schema when it has one).
 */
import type { ConnectRecord } from '../api/records.ts'
import type { Schema } from '../api/schema.ts'
import { SchemaBuilder } from '../api/schema-builder.ts'
import { Struct } from '../api/struct.ts'
import { isStruct } from '../api/values.ts'
import {
  KeyOrValueTransform, type PlainObject, SchemaCache, copyStructBasics, isPlainObject, requireMap, requireStruct, transformConfig,
} from './transform-support.ts'

const PURPOSE = 'flattening'

export class Flatten<R extends ConnectRecord = ConnectRecord> extends KeyOrValueTransform<R> {
  #delimiter = '.'
  readonly #schemas = new SchemaCache()

  protected definition() {
    return transformConfig()
      .define('delimiter', 'STRING', '.', 'MEDIUM', 'Delimiter to insert between field names from the input record when generating field names for the output record')
  }

  protected configured(config: Record<string, unknown>): void {
    this.#delimiter = config.delimiter as string
  }

  #name(prefix: string, name: string): string {
    return prefix === '' ? name : `${prefix}${this.#delimiter}${name}`
  }

  apply(record: R): R {
    const schema = this.operatingSchema(record)
    const value = this.operatingValue(record)
    if (schema === null) {
      if (value === null || value === undefined) return record
      const out: PlainObject = {}
      this.#flattenPlain(requireMap(value, PURPOSE, record), '', out)
      return this.newRecord(record, null, out)
    }
    const updated = this.#schemas.get(schema, (s) => {
      const builder = copyStructBasics(s)
      if (s.optional) builder.optional()
      this.#flattenSchema(s, '', false, builder)
      return builder.build()
    })
    if (value === null || value === undefined) return this.newRecord(record, updated, null)
    const out = new Struct(updated)
    this.#flattenStruct(requireStruct(value, PURPOSE, record), schema, '', out)
    return this.newRecord(record, updated, out)
  }

  #flattenPlain(value: PlainObject, prefix: string, out: PlainObject): void {
    for (const [k, v] of Object.entries(value)) {
      if (isPlainObject(v)) this.#flattenPlain(v, this.#name(prefix, k), out)
      else out[this.#name(prefix, k)] = v
    }
  }

  #flattenSchema(schema: Schema, prefix: string, optional: boolean, builder: SchemaBuilder): void {
    for (const field of schema.fields ?? []) {
      const name = this.#name(prefix, field.name)
      if (field.schema.type === 'STRUCT') this.#flattenSchema(field.schema, name, optional || field.schema.optional, builder)
      else builder.field(name, optional && !field.schema.optional ? SchemaBuilder.from(field.schema).optional().build() : field.schema)
    }
  }

  #flattenStruct(struct: Struct | null, schema: Schema, prefix: string, out: Struct): void {
    for (const field of schema.fields ?? []) {
      const name = this.#name(prefix, field.name)
      const v = struct === null ? null : struct.getWithoutDefault(field.name)
      if (field.schema.type === 'STRUCT') this.#flattenStruct(isStruct(v) ? (v as Struct) : null, field.schema, name, out)
      else out.put(name, v)
    }
  }
}

export class FlattenKey<R extends ConnectRecord = ConnectRecord> extends Flatten<R> {
  constructor() { super('key') }
}

export class FlattenValue<R extends ConnectRecord = ConnectRecord> extends Flatten<R> {
  constructor() { super('value') }
}
