/**
 * `JsonConverter` (Kafka's `org.apache.kafka.connect.json.JsonConverter`).
 *
 * Configs (Kafka's names and defaults): `schemas.enable` (true: every message is the envelope
 * `{"schema": …, "payload": …}`; false: plain JSON, read back schema-less), `decimal.format`
 * (BASE64 or NUMERIC), `schemas.cache.size` (1000), `replace.null.with.default` (true).
 *
 * As Kafka: a null value without a schema converts to null bytes (a tombstone); null bytes read
 * as no schema and null; with `schemas.enable` a message that is not exactly an object with
 * `schema` and `payload` fails with Kafka's message, which tells the user to set
 * `schemas.enable=false`. Bytes that are not JSON fail with CONNECT_CONVERSION naming the topic.
 * The mapping of schemas and values, and the schema caches that make a record's conversion one
 * pass over its value or payload, are in json-data.ts.
 *
 * Also usable as a `HeaderConverter` (header values with their schemas, as Kafka's).
 */
import type { RecordHeader } from '../../core/index.ts'
import { ConfigDef } from '../api/config-def-impl.ts'
import type { ConfigDefinition } from '../api/config-def.ts'
import { ranged, validStringIgnoreCase } from '../api/config-validators.ts'
import type { Converter, HeaderConverter } from '../api/converter.ts'
import type { Schema, SchemaAndValue } from '../api/schema.ts'
import { ConnectError } from '../errors.ts'
import { type DecimalFormat, JsonData } from './json-data.ts'
import { type JsonNode, parseJson } from './json-node.ts'

export const JSON_CONVERTER_DEFAULTS = Object.freeze({
  'schemas.enable': true,
  'schemas.cache.size': 1000,
  'decimal.format': 'BASE64' as DecimalFormat,
  'replace.null.with.default': true,
})

export const ENVELOPE_REQUIRED_MESSAGE = 'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields.' +
  ' If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.'

function configDef(): ConfigDef {
  return new ConfigDef()
    .define('schemas.enable', 'BOOLEAN', JSON_CONVERTER_DEFAULTS['schemas.enable'], 'HIGH', 'Include schemas within each of the serialized values and keys.')
    .define('schemas.cache.size', 'INT', JSON_CONVERTER_DEFAULTS['schemas.cache.size'], 'HIGH', 'The maximum number of schemas that can be cached in this converter instance.', ranged(0))
    .define('decimal.format', 'STRING', JSON_CONVERTER_DEFAULTS['decimal.format'], 'LOW', 'How decimals are written: BASE64 (bytes) or NUMERIC (a JSON number).', validStringIgnoreCase('BASE64', 'NUMERIC'))
    .define('replace.null.with.default', 'BOOLEAN', JSON_CONVERTER_DEFAULTS['replace.null.with.default'], 'LOW', 'Write and read the default of a field in place of null.')
    .define('converter.type', 'STRING', 'value', 'LOW', 'key, value or header (set by the worker).', validStringIgnoreCase('key', 'value', 'header'))
}

export class JsonConverter implements Converter, HeaderConverter {
  #schemasEnabled: boolean = JSON_CONVERTER_DEFAULTS['schemas.enable']
  #data = new JsonData({ decimalFormat: 'BASE64', replaceNullWithDefault: true, schemasCacheSize: 1000 })

  config(): ConfigDefinition {
    return configDef()
  }

  configure(configs: Readonly<Record<string, string>>, _isKey = false): void {
    const parsed = configDef().parse(configs, 'JsonConverter')
    this.#schemasEnabled = parsed['schemas.enable'] as boolean
    this.#data = new JsonData({
      decimalFormat: (parsed['decimal.format'] as string).toUpperCase() as DecimalFormat,
      replaceNullWithDefault: parsed['replace.null.with.default'] as boolean,
      schemasCacheSize: parsed['schemas.cache.size'] as number,
    })
  }

  fromConnectData(_topic: string, _headers: RecordHeader[], schema: Schema | null, value: unknown): Buffer | null {
    if (schema === null && (value === null || value === undefined)) return null
    if (this.#schemasEnabled) return this.#data.envelope(schema, value)
    return Buffer.from(this.#data.valueToJson(schema, value), 'utf8')
  }

  toConnectData(topic: string, _headers: readonly RecordHeader[], bytes: Buffer | null): SchemaAndValue {
    if (bytes === null) return { schema: null, value: null }
    if (this.#schemasEnabled) {
      const fast = this.#data.readEnvelope(bytes)
      if (fast !== undefined) return fast
    }
    let node: JsonNode
    try {
      node = parseJson(bytes.toString('utf8'))
    } catch (cause) {
      throw new ConnectError('CONNECT_CONVERSION', `Converting byte[] to Kafka Connect data failed due to serialization error (topic ${topic}): ${(cause as Error).message}`, { cause })
    }
    if (!this.#schemasEnabled) return { schema: null, value: this.#data.valueFromJson(null, node) }
    if (!(node instanceof Map) || node.size !== 2 || !node.has('schema') || !node.has('payload')) {
      throw new ConnectError('CONNECT_CONVERSION', ENVELOPE_REQUIRED_MESSAGE)
    }
    const schema = this.#data.schemaFromJson(node.get('schema')!)
    return { schema, value: this.#data.valueFromJson(schema, node.get('payload')) }
  }

  fromConnectHeader(topic: string, _key: string, schema: Schema | null, value: unknown): Buffer | null {
    return this.fromConnectData(topic, [], schema, value)
  }

  toConnectHeader(topic: string, _key: string, bytes: Buffer | null): SchemaAndValue {
    return this.toConnectData(topic, [], bytes)
  }
}
