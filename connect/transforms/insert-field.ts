/**
 * `InsertField` (Kafka's `org.apache.kafka.connect.transforms.InsertField$Key` / `$Value`): adds
 * the record's topic, partition, offset (sink records only), timestamp and/or a static string to
 * a Struct (with schema) or a plain object (schema-less).
 *
 * Configs: `topic.field`, `partition.field`, `offset.field`, `timestamp.field`, `static.field`,
 * `static.value`. A field name ending in `!` is required in the new schema, `?` (or nothing)
 * optional. A null key or value (a tombstone) passes unchanged. With a schema, the timestamp is a
 * Timestamp logical value; schema-less it is the epoch milliseconds.
 */
import type { ConnectRecord, SinkRecord } from '../api/records.ts'
import type { Schema } from '../api/schema.ts'
import { SchemaBuilder } from '../api/schema-builder.ts'
import { Timestamp } from '../api/logical-types.ts'
import { Struct } from '../api/struct.ts'
import {
  KeyOrValueTransform, SchemaCache, copyStructBasics, requireMap, requireStruct, transformConfig, transformError,
} from './transform-support.ts'

const PURPOSE = 'field insertion'

interface InsertionSpec {
  readonly name: string
  readonly optional: boolean
}

function spec(text: string | null): InsertionSpec | null {
  if (text === null || text === '') return null
  if (text.endsWith('!')) return { name: text.slice(0, -1), optional: false }
  if (text.endsWith('?')) return { name: text.slice(0, -1), optional: true }
  return { name: text, optional: true }
}

export class InsertField<R extends ConnectRecord = ConnectRecord> extends KeyOrValueTransform<R> {
  #topic: InsertionSpec | null = null
  #partition: InsertionSpec | null = null
  #offset: InsertionSpec | null = null
  #timestamp: InsertionSpec | null = null
  #static: InsertionSpec | null = null
  #staticValue: string | null = null
  readonly #schemas = new SchemaCache()

  protected definition() {
    return transformConfig()
      .define('topic.field', 'STRING', null, 'MEDIUM', 'Field name for Kafka topic. Suffix with ! to make this a required field, or ? to keep it optional (the default).')
      .define('partition.field', 'STRING', null, 'MEDIUM', 'Field name for Kafka partition.')
      .define('offset.field', 'STRING', null, 'MEDIUM', 'Field name for Kafka offset - only applicable to sink connectors.')
      .define('timestamp.field', 'STRING', null, 'MEDIUM', 'Field name for record timestamp.')
      .define('static.field', 'STRING', null, 'MEDIUM', 'Field name for static data field.')
      .define('static.value', 'STRING', null, 'MEDIUM', 'Static field value, if field name configured.')
      .define('replace.null.with.default', 'BOOLEAN', true, 'MEDIUM', 'Whether to replace fields that have a default value and that are null to the default value.')
  }

  protected configured(config: Record<string, unknown>): void {
    this.#topic = spec(config['topic.field'] as string | null)
    this.#partition = spec(config['partition.field'] as string | null)
    this.#offset = spec(config['offset.field'] as string | null)
    this.#timestamp = spec(config['timestamp.field'] as string | null)
    this.#static = spec(config['static.field'] as string | null)
    this.#staticValue = config['static.value'] as string | null
  }

  apply(record: R): R {
    const value = this.operatingValue(record)
    if (value === null || value === undefined) return record
    if (this.#offset !== null && !('kafkaOffset' in record)) {
      throw transformError(PURPOSE, record, 'Offset insertion is only supported for sink connectors, this record comes from a source')
    }
    const schema = this.operatingSchema(record)
    if (schema === null) {
      const out = { ...requireMap(value, PURPOSE, record) }
      if (this.#topic !== null) out[this.#topic.name] = record.topic
      if (this.#partition !== null) out[this.#partition.name] = record.kafkaPartition
      if (this.#offset !== null) out[this.#offset.name] = (record as unknown as SinkRecord).kafkaOffset
      if (this.#timestamp !== null) out[this.#timestamp.name] = record.timestamp
      if (this.#static !== null) out[this.#static.name] = this.#staticValue
      return this.newRecord(record, null, out)
    }
    const struct = requireStruct(value, PURPOSE, record)
    const updated = this.#schemas.get(schema, (s) => this.#updatedSchema(s))
    const out = new Struct(updated)
    for (const field of schema.fields ?? []) out.put(field.name, struct.getWithoutDefault(field.name))
    if (this.#topic !== null) out.put(this.#topic.name, record.topic)
    if (this.#partition !== null) out.put(this.#partition.name, record.kafkaPartition)
    if (this.#offset !== null) out.put(this.#offset.name, (record as unknown as SinkRecord).kafkaOffset)
    if (this.#timestamp !== null) out.put(this.#timestamp.name, record.timestamp === null ? null : new Date(record.timestamp))
    if (this.#static !== null) out.put(this.#static.name, this.#staticValue)
    return this.newRecord(record, updated, out)
  }

  #updatedSchema(schema: Schema): Schema {
    const builder = copyStructBasics(schema)
    for (const field of schema.fields ?? []) builder.field(field.name, field.schema)
    const add = (s: InsertionSpec | null, base: () => SchemaBuilder): void => {
      if (s === null) return
      const b = base()
      if (s.optional) b.optional()
      builder.field(s.name, b.build())
    }
    add(this.#topic, () => SchemaBuilder.string())
    add(this.#partition, () => SchemaBuilder.int32())
    add(this.#offset, () => SchemaBuilder.int64())
    add(this.#timestamp, () => Timestamp.builder())
    add(this.#static, () => SchemaBuilder.string())
    return builder.build()
  }
}

export class InsertFieldKey<R extends ConnectRecord = ConnectRecord> extends InsertField<R> {
  constructor() { super('key') }
}

export class InsertFieldValue<R extends ConnectRecord = ConnectRecord> extends InsertField<R> {
  constructor() { super('value') }
}
