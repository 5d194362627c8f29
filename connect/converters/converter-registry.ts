/**
 * `converterFor(className)`: a converter from the name a connector or worker config gives
 * (`key.converter`, `value.converter`, `header.converter`), accepting Kafka's and Confluent's
 * class names, Creek's short class names and lower-case aliases:
 *
 * | Kafka / Confluent class                                    | short names                          |
 * |------------------------------------------------------------|--------------------------------------|
 * | org.apache.kafka.connect.json.JsonConverter                | JsonConverter, json                  |
 * | org.apache.kafka.connect.storage.StringConverter           | StringConverter, string              |
 * | org.apache.kafka.connect.converters.ByteArrayConverter     | ByteArrayConverter, bytes            |
 * | org.apache.kafka.connect.converters.{Short,Integer,Long,Float,Double,Boolean}Converter | the class name, short, int, long, float, double, boolean |
 * | org.apache.kafka.connect.storage.SimpleHeaderConverter     | SimpleHeaderConverter                |
 * | io.confluent.connect.avro.AvroConverter                    | AvroConverter, avro                  |
 * | io.confluent.connect.protobuf.ProtobufConverter            | ProtobufConverter, protobuf          |
 * | io.confluent.connect.json.JsonSchemaConverter              | JsonSchemaConverter, json-schema     |
 *
 * Registry converters take their registry from `schema.registry.url` when configured, or from
 * `options.registry` (an embedded or in-memory registry) given here. The converter is returned
 * unconfigured: the caller calls `configure(configs, isKey)`.
 */
import type { SchemaRegistryClient } from '../../serdes/index.ts'
import type { Converter, HeaderConverter } from '../api/converter.ts'
import { ConnectError } from '../errors.ts'
import { ByteArrayConverter } from './byte-array-converter.ts'
import { JsonConverter } from './json-converter.ts'
import {
  BooleanConverter, DoubleConverter, FloatConverter, IntegerConverter, LongConverter, ShortConverter,
} from './number-converters.ts'
import { AvroConverter, JsonSchemaConverter, ProtobufConverter } from './registry-converters.ts'
import { SimpleHeaderConverter } from './simple-header-converter.ts'
import { StringConverter } from './string-converter.ts'

export interface ConverterOptions {
  /** The registry of registry converters when the config has no `schema.registry.url`. */
  readonly registry?: SchemaRegistryClient
}

type Factory = (options: ConverterOptions) => Converter & Partial<HeaderConverter>

const FACTORIES: ReadonlyArray<[Factory, readonly string[]]> = [
  [() => new JsonConverter(), ['org.apache.kafka.connect.json.JsonConverter', 'JsonConverter', 'json']],
  [() => new StringConverter(), ['org.apache.kafka.connect.storage.StringConverter', 'StringConverter', 'string']],
  [() => new ByteArrayConverter(), ['org.apache.kafka.connect.converters.ByteArrayConverter', 'ByteArrayConverter', 'bytes']],
  [() => new ShortConverter(), ['org.apache.kafka.connect.converters.ShortConverter', 'ShortConverter', 'short']],
  [() => new IntegerConverter(), ['org.apache.kafka.connect.converters.IntegerConverter', 'IntegerConverter', 'int']],
  [() => new LongConverter(), ['org.apache.kafka.connect.converters.LongConverter', 'LongConverter', 'long']],
  [() => new FloatConverter(), ['org.apache.kafka.connect.converters.FloatConverter', 'FloatConverter', 'float']],
  [() => new DoubleConverter(), ['org.apache.kafka.connect.converters.DoubleConverter', 'DoubleConverter', 'double']],
  [() => new BooleanConverter(), ['org.apache.kafka.connect.converters.BooleanConverter', 'BooleanConverter', 'boolean']],
  [() => new SimpleHeaderConverter(), ['org.apache.kafka.connect.storage.SimpleHeaderConverter', 'SimpleHeaderConverter']],
  [(o) => new AvroConverter(o), ['io.confluent.connect.avro.AvroConverter', 'AvroConverter', 'avro']],
  [(o) => new ProtobufConverter(o), ['io.confluent.connect.protobuf.ProtobufConverter', 'ProtobufConverter', 'protobuf']],
  [(o) => new JsonSchemaConverter(o), ['io.confluent.connect.json.JsonSchemaConverter', 'JsonSchemaConverter', 'json-schema']],
]

const BY_NAME = new Map<string, Factory>(FACTORIES.flatMap(([factory, names]) => names.map((name) => [name, factory] as const)))

/** Every accepted converter name. */
export const CONVERTER_NAMES: readonly string[] = Object.freeze([...BY_NAME.keys()])

/** An unconfigured converter for `className`; CONNECT_INVALID_CONFIG when the name is unknown. */
export function converterFor(className: string, options: ConverterOptions = {}): Converter & Partial<HeaderConverter> {
  const factory = BY_NAME.get(className.trim())
  if (factory === undefined) {
    throw new ConnectError('CONNECT_INVALID_CONFIG', `Unknown converter class "${className}"; use one of: ${FACTORIES.map(([, names]) => names[0]).join(', ')}`)
  }
  return factory(options)
}

/** An unconfigured header converter for `className` (a converter that is also a header converter). */
export function headerConverterFor(className: string, options: ConverterOptions = {}): HeaderConverter {
  const converter = converterFor(className, options)
  if (typeof converter.fromConnectHeader !== 'function' || typeof converter.toConnectHeader !== 'function') {
    throw new ConnectError('CONNECT_INVALID_CONFIG', `Converter class "${className}" cannot convert headers; use SimpleHeaderConverter, StringConverter or JsonConverter`)
  }
  return converter as HeaderConverter
}
