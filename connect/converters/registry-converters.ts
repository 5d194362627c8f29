/**
 * Schema-registry converters built on the serdes layer (Confluent's
 * `io.confluent.connect.avro.AvroConverter`, `…protobuf.ProtobufConverter`,
 * `…json.JsonSchemaConverter`): Connect data in the Confluent wire format (magic byte, schema id,
 * payload), with the schema registered under the subject of the topic.
 *
 * Configs (Confluent's names): `schema.registry.url` (one URL or several, comma-separated; without
 * it the registry given to the constructor is used, e.g. an embedded one),
 * `auto.register.schemas` (true), `use.latest.version` (false; writes with the subject's latest
 * schema and never registers), `key.subject.name.strategy` / `value.subject.name.strategy`
 * (`io.confluent.kafka.serializers.subject.TopicNameStrategy` (default), `RecordNameStrategy`,
 * `TopicRecordNameStrategy`, or their short names), `schemas.cache.config` (1000: serdes kept per
 * distinct Connect schema, LRU).
 *
 * Writing needs a schema (schema-less values are CONNECT_DATA); the Connect schema is mapped to
 * the format's schema (avro-data.ts, json-schema-data.ts, protobuf-data.ts: each documents its
 * mapping and what it does not support), one serde per distinct schema. Reading
 * maps the writer schema (fetched by id once) back to a Connect schema. Registry failures are
 * CONNECT_CONVERSION errors that keep the serdes error as cause and its retriability (an
 * unreachable registry is retriable).
 */
import type { RecordHeader } from '../../core/index.ts'
import {
  HEADER_SIZE, ProtobufSchema, RestSchemaRegistry, type SchemaRegistryClient, type Serde, SerdesError, type SubjectNameStrategyName,
  decodeMessageIndexes, readSchemaId, serdes,
} from '../../serdes/index.ts'
import { ConfigDef } from '../api/config-def-impl.ts'
import type { ConfigDefinition } from '../api/config-def.ts'
import { ranged } from '../api/config-validators.ts'
import type { Converter } from '../api/converter.ts'
import type { Schema, SchemaAndValue } from '../api/schema.ts'
import { validateValue } from '../api/values.ts'
import { ConnectError } from '../errors.ts'
import { AvroData } from './avro-data.ts'
import { JsonSchemaData } from './json-schema-data.ts'
import { ProtobufData, type ProtoType } from './protobuf-data.ts'

export interface RegistryConverterOptions {
  /** The registry to use when the config has no `schema.registry.url`. */
  readonly registry?: SchemaRegistryClient
}

const STRATEGIES: Readonly<Record<string, SubjectNameStrategyName>> = {
  'io.confluent.kafka.serializers.subject.TopicNameStrategy': 'topic',
  'io.confluent.kafka.serializers.subject.RecordNameStrategy': 'record',
  'io.confluent.kafka.serializers.subject.TopicRecordNameStrategy': 'topic-record',
  TopicNameStrategy: 'topic', RecordNameStrategy: 'record', TopicRecordNameStrategy: 'topic-record',
  topic: 'topic', record: 'record', 'topic-record': 'topic-record',
}

function configDef(): ConfigDef {
  const strategy = (_name: string, value: unknown): void => {
    if (STRATEGIES[String(value)] === undefined) throw new Error(`Unknown subject name strategy; use one of ${Object.keys(STRATEGIES).slice(0, 3).join(', ')}`)
  }
  return new ConfigDef()
    .define('schema.registry.url', 'LIST', null, 'HIGH', 'Comma-separated list of URLs for Schema Registry instances.')
    .define('auto.register.schemas', 'BOOLEAN', true, 'MEDIUM', 'Specify if the serializer should attempt to register the schema.')
    .define('use.latest.version', 'BOOLEAN', false, 'LOW', 'Use the latest version of the schema in the subject instead of registering one.')
    .define('key.subject.name.strategy', 'STRING', 'io.confluent.kafka.serializers.subject.TopicNameStrategy', 'MEDIUM', 'Determines how to construct the subject name for keys.', strategy)
    .define('value.subject.name.strategy', 'STRING', 'io.confluent.kafka.serializers.subject.TopicNameStrategy', 'MEDIUM', 'Determines how to construct the subject name for values.', strategy)
    .define('schemas.cache.config', 'INT', 1000, 'LOW', 'Size of the converter\'s schema caches.', ranged(1))
}

/** What a format contributes: schema and value mapping and its serdes. */
interface Format {
  readonly name: string
  /** The format's schema for a Connect schema (stable text or object: serdes are cached by it). */
  schemaFor(schema: Schema): { readonly key: string; readonly serde: (common: CommonSerdeOptions) => Serde<unknown> }
  toFormatValue(schema: Schema, value: unknown): unknown
  /** Which Connect schema a record maps to, given its bytes and schema id (default: the id). */
  cacheKey?(bytes: Buffer, id: number, topic: string): string
  /** The Connect schema of a registered schema text (for the record `bytes`). */
  fromRegistered(text: string, schemaType: string, bytes: Buffer, topic: string): Schema
  readerSerde(common: CommonSerdeOptions): Serde<unknown>
  toConnectValue(schema: Schema, value: unknown): unknown
}

interface CommonSerdeOptions {
  readonly registry: SchemaRegistryClient
  readonly isKey: boolean
  readonly autoRegister: boolean
  readonly useLatestVersion: boolean
  readonly subjectNameStrategy: SubjectNameStrategyName
}

function conversion(error: unknown, what: string, topic: string): ConnectError {
  if (error instanceof ConnectError) return error
  const retriable = error instanceof SerdesError ? error.retriable : false
  return new ConnectError('CONNECT_CONVERSION', `${what} (topic ${topic}): ${(error as Error).message}`, { cause: error, retriable })
}

abstract class RegistryConverter implements Converter {
  readonly #given: SchemaRegistryClient | undefined
  #common: CommonSerdeOptions | undefined
  #cacheSize = 1000
  readonly #writers = new Map<string, Serde<unknown>>()
  readonly #schemasById = new Map<string, Schema | Promise<Schema>>()
  #reader: Serde<unknown> | undefined

  protected constructor(options: RegistryConverterOptions) {
    this.#given = options.registry
  }

  protected abstract readonly format: Format

  config(): ConfigDefinition {
    return configDef()
  }

  configure(configs: Readonly<Record<string, string>>, isKey = false): void {
    const parsed = configDef().parse(configs, this.format.name)
    const urls = parsed['schema.registry.url'] as string[] | null
    let registry: SchemaRegistryClient | undefined = this.#given
    if (urls !== null && urls.length > 0) registry = new RestSchemaRegistry({ url: urls })
    if (registry === undefined) {
      throw new ConnectError('CONNECT_INVALID_CONFIG', `${this.format.name}: Missing required configuration "schema.registry.url" which has no default value.`)
    }
    const useLatestVersion = parsed['use.latest.version'] as boolean
    this.#common = {
      registry,
      isKey,
      useLatestVersion,
      autoRegister: (parsed['auto.register.schemas'] as boolean) && !useLatestVersion,
      subjectNameStrategy: STRATEGIES[parsed[isKey ? 'key.subject.name.strategy' : 'value.subject.name.strategy'] as string],
    }
    this.#cacheSize = parsed['schemas.cache.config'] as number
    this.#writers.clear()
    this.#schemasById.clear()
    this.#reader = this.format.readerSerde(this.#common)
  }

  #configured(): CommonSerdeOptions {
    if (this.#common === undefined) throw new ConnectError('CONNECT_ILLEGAL_STATE', `${this.format.name} is used before configure()`)
    return this.#common
  }

  async fromConnectData(topic: string, headers: RecordHeader[], schema: Schema | null, value: unknown): Promise<Buffer | null> {
    const common = this.#configured()
    if (value === null || value === undefined) return null
    if (schema === null) throw new ConnectError('CONNECT_DATA', `${this.format.name} needs a schema; the value for topic ${topic} has none (use JsonConverter with schemas.enable=false for schema-less data)`)
    validateValue(schema, value)
    const { key, serde } = this.format.schemaFor(schema)
    let writer = this.#writers.get(key)
    if (writer === undefined) {
      writer = serde(common)
      this.#writers.set(key, writer)
      if (this.#writers.size > this.#cacheSize) this.#writers.delete(this.#writers.keys().next().value!)
    }
    try {
      return await writer.serialize(topic, this.format.toFormatValue(schema, value), headers)
    } catch (error) {
      throw conversion(error, `Failed to serialize ${this.format.name} data`, topic)
    }
  }

  async toConnectData(topic: string, headers: readonly RecordHeader[], bytes: Buffer | null): Promise<SchemaAndValue> {
    const common = this.#configured()
    if (bytes === null) return { schema: null, value: null }
    try {
      const id = readSchemaId(bytes, { topic, isKey: common.isKey })
      const schema = await this.#schemaOf(id, bytes, topic, common.registry)
      const decoded = await this.#reader!.deserialize(topic, bytes, headers)
      return { schema, value: this.format.toConnectValue(schema, decoded) }
    } catch (error) {
      throw conversion(error, `Failed to deserialize ${this.format.name} data`, topic)
    }
  }

  #schemaOf(id: number, bytes: Buffer, topic: string, registry: SchemaRegistryClient): Schema | Promise<Schema> {
    const key = this.format.cacheKey?.(bytes, id, topic) ?? String(id)
    let schema = this.#schemasById.get(key)
    if (schema === undefined) {
      const pending = registry.getById(id).then((registered) => {
        const connect = this.format.fromRegistered(registered.schema, registered.schemaType, bytes, topic)
        this.#schemasById.set(key, connect)
        if (this.#schemasById.size > this.#cacheSize) this.#schemasById.delete(this.#schemasById.keys().next().value!)
        return connect
      })
      pending.catch(() => this.#schemasById.delete(key))
      this.#schemasById.set(key, pending)
      schema = pending
    }
    return schema
  }
}

export class AvroConverter extends RegistryConverter {
  protected readonly format: Format

  constructor(options: RegistryConverterOptions = {}) {
    super(options)
    const data = new AvroData()
    this.format = {
      name: 'AvroConverter',
      schemaFor: (schema) => {
        const avro = data.fromConnectSchema(schema)
        return { key: JSON.stringify(avro), serde: (common) => serdes.avro<unknown>({ ...common, schema: typeof avro === 'string' ? JSON.stringify(avro) : (avro as Record<string, unknown>) }) }
      },
      toFormatValue: (schema, value) => data.fromConnectValue(schema, value),
      fromRegistered: (text, type) => {
        if (type !== 'AVRO') throw new ConnectError('CONNECT_CONVERSION', `AvroConverter read a record written with a ${type} schema`)
        return data.toConnectSchema(text)
      },
      readerSerde: (common) => serdes.avro<unknown>({ ...common }),
      toConnectValue: (schema, value) => data.toConnectValue(schema, value),
    }
  }
}

export class JsonSchemaConverter extends RegistryConverter {
  protected readonly format: Format

  constructor(options: RegistryConverterOptions = {}) {
    super(options)
    const data = new JsonSchemaData()
    this.format = {
      name: 'JsonSchemaConverter',
      schemaFor: (schema) => {
        const document = data.fromConnectSchema(schema)
        return { key: JSON.stringify(document), serde: (common) => serdes.jsonSchema<unknown>({ ...common, schema: document }) }
      },
      toFormatValue: (schema, value) => data.fromConnectValue(schema, value),
      fromRegistered: (text, type) => {
        if (type !== 'JSON') throw new ConnectError('CONNECT_CONVERSION', `JsonSchemaConverter read a record written with a ${type} schema`)
        return data.toConnectSchema(JSON.parse(text))
      },
      readerSerde: (common) => serdes.jsonSchema<unknown>({ ...common }),
      toConnectValue: (schema, value) => data.toConnectValue(schema, value),
    }
  }
}

export class ProtobufConverter extends RegistryConverter {
  protected readonly format: Format

  constructor(options: RegistryConverterOptions = {}) {
    super(options)
    const data = new ProtobufData()
    const indexesOf = (bytes: Buffer, topic: string): readonly number[] => decodeMessageIndexes(bytes, HEADER_SIZE, { topic }).indexes
    this.format = {
      name: 'ProtobufConverter',
      schemaFor: (schema) => {
        const file = data.fromConnectSchema(schema)
        return {
          key: file.text,
          serde: (common) => serdes.protobuf<unknown>({ ...common, schema: file.text, messageName: file.messageName, toObject: TO_OBJECT }),
        }
      },
      toFormatValue: (schema, value) => data.fromConnectValue(schema, value),
      cacheKey: (bytes, id, topic) => `${id}:${indexesOf(bytes, topic).join(',')}`,
      fromRegistered: (text, type, bytes, topic) => {
        if (type !== 'PROTOBUF') throw new ConnectError('CONNECT_CONVERSION', `ProtobufConverter read a record written with a ${type} schema`)
        const indexes = indexesOf(bytes, topic)
        return data.toConnectSchema(new ProtobufSchema(text).typeAt(indexes.length === 0 ? [0] : indexes) as unknown as ProtoType)
      },
      readerSerde: (common) => serdes.protobuf<unknown>({ ...common, toObject: TO_OBJECT }),
      toConnectValue: (schema, value) => data.toConnectValue(schema, value),
    }
  }
}

/** Decoded messages as ProtobufData reads them: 64-bit integers as strings, enums by name, absent fields defaulted. */
const TO_OBJECT = Object.freeze({ longs: String, enums: String, defaults: true })
