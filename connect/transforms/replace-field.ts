/**
 * `ReplaceField` (Kafka's `ReplaceField$Key` / `$Value`): drops, keeps and renames fields of a
 * Struct or a plain object.
 *
 * Configs: `exclude` (fields to drop), `include` (fields to keep; empty keeps all), `renames`
 * (`old:new,…`). A field is kept when it is not excluded and (include is empty or it is
 * included); renaming applies after. A null key or value passes unchanged.
 */
import type { ConnectRecord } from '../api/records.ts'
import type { Schema } from '../api/schema.ts'
import { Struct } from '../api/struct.ts'
import {
  KeyOrValueTransform, type PlainObject, SchemaCache, copyStructBasics, requireMap, requireStruct, transformConfig,
} from './transform-support.ts'

const PURPOSE = 'field replacement'

export class ReplaceField<R extends ConnectRecord = ConnectRecord> extends KeyOrValueTransform<R> {
  #exclude = new Set<string>()
  #include = new Set<string>()
  #renames = new Map<string, string>()
  readonly #schemas = new SchemaCache()

  protected definition() {
    return transformConfig()
      .define('exclude', 'LIST', '', 'MEDIUM', 'Fields to exclude. This takes precedence over the fields to include.')
      .define('include', 'LIST', '', 'MEDIUM', 'Fields to include. If specified, only these fields will be used.')
      .define('renames', 'LIST', '', 'MEDIUM', 'Field rename mappings (old:new, comma separated).', (_name, value) => {
        for (const pair of value as string[]) if (pair.split(':').length !== 2) throw new Error(`Invalid rename mapping: ${pair} (use old:new)`)
      })
      .define('replace.null.with.default', 'BOOLEAN', true, 'MEDIUM', 'Whether to replace fields that have a default value and that are null to the default value.')
  }

  protected configured(config: Record<string, unknown>): void {
    this.#exclude = new Set(config.exclude as string[])
    this.#include = new Set(config.include as string[])
    this.#renames = new Map((config.renames as string[]).map((pair) => pair.split(':') as [string, string]))
  }

  #keep(name: string): boolean {
    return !this.#exclude.has(name) && (this.#include.size === 0 || this.#include.has(name))
  }

  #renamed(name: string): string {
    return this.#renames.get(name) ?? name
  }

  apply(record: R): R {
    const value = this.operatingValue(record)
    if (value === null || value === undefined) return record
    const schema = this.operatingSchema(record)
    if (schema === null) {
      const out: PlainObject = {}
      for (const [k, v] of Object.entries(requireMap(value, PURPOSE, record))) if (this.#keep(k)) out[this.#renamed(k)] = v
      return this.newRecord(record, null, out)
    }
    const struct = requireStruct(value, PURPOSE, record)
    const updated = this.#schemas.get(schema, (s) => this.#updatedSchema(s))
    const out = new Struct(updated)
    for (const field of updated.fields ?? []) out.put(field.name, struct.getWithoutDefault(this.#original(field.name)))
    return this.newRecord(record, updated, out)
  }

  #original(renamed: string): string {
    for (const [from, to] of this.#renames) if (to === renamed) return from
    return renamed
  }

  #updatedSchema(schema: Schema): Schema {
    const builder = copyStructBasics(schema)
    for (const field of schema.fields ?? []) if (this.#keep(field.name)) builder.field(this.#renamed(field.name), field.schema)
    return builder.build()
  }
}

export class ReplaceFieldKey<R extends ConnectRecord = ConnectRecord> extends ReplaceField<R> {
  constructor() { super('key') }
}

export class ReplaceFieldValue<R extends ConnectRecord = ConnectRecord> extends ReplaceField<R> {
  constructor() { super('value') }
}
