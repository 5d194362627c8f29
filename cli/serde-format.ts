/**
 * Record formats of `creek produce` and `creek consume` (`--value-format`, `--key-format`): how a
 * line of text becomes record bytes, and record bytes a line of text, through the serdes.
 *
 * | format        | produce reads a line as                          | consume prints               |
 * |---------------|--------------------------------------------------|------------------------------|
 * | (none)        | its text, UTF-8 (the commands' plain behaviour)  | the bytes as UTF-8           |
 * | `string`      | its text (the same as no format)                 | the same as no format        |
 * | `json`        | a JSON value, written as plain JSON              | the value as one JSON line   |
 * | `avro`        | a JSON value, written with the Avro serde        | the value as one JSON line   |
 * | `protobuf`    | a JSON value, written with the Protobuf serde    | the value as one JSON line   |
 * | `json-schema` | a JSON value, validated and written with the JSON Schema serde | the value as one JSON line |
 *
 * The last three use the Confluent wire format and a schema registry (REST); producing needs
 * `--schema FILE`, registered under the subject of the subject name strategy when first written
 * (auto-registration, as Confluent's serializers do). Consuming needs no schema: the writer's is
 * fetched by the id in each record; `--schema` there is the reader's (Avro evolution, the
 * Protobuf message type, the JSON Schema to validate against). JSON lines are printed by
 * `toJsonText` (json-text.ts: bytes as base64, 64-bit integers exact) and Avro input is read
 * back by `avroValueFromJson` (avro-json.ts), so what `consume` prints, `produce` writes again.
 * A line that is only white space is skipped by the JSON formats. `null` writes a null key or a
 * tombstone.
 */
import type { RecordHeader } from '../core/index.ts'
import type { RestSchemaRegistry, Serde, SubjectNameStrategyName } from '../serdes/index.ts'
import { avroValueFromJson } from './avro-json.ts'
import { CliError } from './cli-error.ts'
import { toJsonText } from './json-text.ts'
import { loadSerdes } from './registry-options.ts'
import { readSchemaFile } from './schema-file.ts'

export const FORMATS = ['string', 'json', 'avro', 'protobuf', 'json-schema'] as const
export type FormatName = (typeof FORMATS)[number]

const SCHEMA_FORMATS: ReadonlySet<FormatName> = new Set(['avro', 'protobuf', 'json-schema'])
const STRATEGIES: readonly SubjectNameStrategyName[] = ['topic', 'record', 'topic-record']

/** The format options of the key or the value, as given. */
export interface FormatOptions {
  readonly format?: string
  readonly schema?: string
  readonly message?: string
}

/** A validated format with its schema text, before anything is contacted. */
export interface FormatSpec {
  readonly part: 'key' | 'value'
  readonly format: FormatName
  readonly schemaFile: string | undefined
  readonly schemaText: string | undefined
  readonly message: string | undefined
}

function optionNames(part: 'key' | 'value'): { format: string; schema: string; message: string } {
  return part === 'key'
    ? { format: '--key-format', schema: '--key-schema', message: '--key-message' }
    : { format: '--value-format', schema: '--schema', message: '--message' }
}

/**
 * Validates the key or value format options (and reads the schema file); undefined when no
 * format is given. `needsSchema`: a schema format must have a schema (producing).
 */
export function parseFormat(part: 'key' | 'value', options: FormatOptions, needsSchema: boolean): FormatSpec | undefined {
  const names = optionNames(part)
  if (options.format === undefined) {
    if (options.schema !== undefined) throw new CliError(`${names.schema} needs ${names.format} avro, protobuf or json-schema`)
    if (options.message !== undefined) throw new CliError(`${names.message} needs ${names.format} protobuf`)
    return undefined
  }
  const format = options.format.trim().toLowerCase() as FormatName
  if (!FORMATS.includes(format)) throw new CliError(`${names.format} must be one of ${FORMATS.join(', ')}, got '${options.format}'`)
  const schemaFormat = SCHEMA_FORMATS.has(format)
  if (options.schema !== undefined && !schemaFormat) throw new CliError(`${names.schema} is only used with ${names.format} avro, protobuf or json-schema, not ${format}`)
  if (options.message !== undefined && format !== 'protobuf') throw new CliError(`${names.message} is only used with ${names.format} protobuf`)
  if (options.message !== undefined && options.schema === undefined) throw new CliError(`${names.message} needs ${names.schema} (the .proto file that declares it)`)
  if (needsSchema && schemaFormat && options.schema === undefined) {
    throw new CliError(`${names.format} ${format} needs ${names.schema} FILE (the schema to write ${part}s with)`)
  }
  return {
    part,
    format,
    schemaFile: options.schema,
    schemaText: options.schema === undefined ? undefined : readSchemaFile(options.schema, names.schema),
    message: options.message,
  }
}

/** Whether a format needs a schema registry. */
export function usesRegistry(spec: FormatSpec | undefined): boolean {
  return spec !== undefined && SCHEMA_FORMATS.has(spec.format)
}

/** Validates `--subject-strategy`. */
export function parseStrategy(value: string | undefined): SubjectNameStrategyName | undefined {
  if (value === undefined) return undefined
  if (!(STRATEGIES as readonly string[]).includes(value)) throw new CliError(`--subject-strategy must be topic, record or topic-record, got '${value}'`)
  return value as SubjectNameStrategyName
}

/** A format ready to use: text to bytes (produce), bytes to text (consume). */
export interface Codec {
  readonly spec: FormatSpec
  /** Whether `parse` reads JSON (so blank lines are skipped and bad JSON is reported as such). */
  readonly json: boolean
  /** The value of a line; throws a SyntaxError when the line is not JSON. */
  parse(text: string): unknown
  serialize(topic: string, value: unknown): Buffer | null | Promise<Buffer | null>
  /** The text to print of a record's bytes. */
  print(topic: string, data: Buffer | null, headers: readonly RecordHeader[]): string | Promise<string>
}

export interface CodecContext {
  /** The registry client, made on first need (only schema formats need one). */
  readonly registry: () => Promise<RestSchemaRegistry>
  readonly subjectNameStrategy?: SubjectNameStrategyName
}

/** The serde of a format, and what turns JSON input into its values. */
export async function makeCodec(spec: FormatSpec, context: CodecContext): Promise<Codec> {
  const { serdes, SerdesError } = await loadSerdes()
  const isKey = spec.part === 'key'
  const common = async () => ({ registry: await context.registry(), isKey, subjectNameStrategy: context.subjectNameStrategy })
  let serde: Serde<unknown>
  let fromJson: (value: unknown) => unknown = (value) => value
  try {
    switch (spec.format) {
      case 'string':
        return {
          spec, json: false, parse: (text) => text,
          serialize: (topic, value) => serdes.string().serialize(topic, value as string),
          print: (_topic, data) => data?.toString('utf8') ?? '',
        }
      case 'json':
        serde = serdes.json<unknown>()
        break
      case 'avro': {
        serde = serdes.avro<unknown>({ ...(await common()), schema: spec.schemaText })
        if (spec.schemaText !== undefined) {
          const schema: unknown = JSON.parse(spec.schemaText)
          fromJson = (value) => avroValueFromJson(schema, value)
        }
        break
      }
      case 'protobuf':
        serde = serdes.protobuf<unknown>({ ...(await common()), schema: spec.schemaText, messageName: spec.message })
        break
      case 'json-schema':
        serde = serdes.jsonSchema<unknown>({ ...(await common()), schema: spec.schemaText })
        break
    }
  } catch (error) {
    // The schema file does not parse, or names no such message.
    if (error instanceof SerdesError && spec.schemaFile !== undefined) throw new CliError(`${optionNames(spec.part).schema} ${spec.schemaFile}: ${error.detail}`)
    throw error
  }
  return {
    spec,
    json: true,
    parse: (text) => fromJson(JSON.parse(text)),
    serialize: (topic, value) => serde.serialize(topic, value),
    print: (topic, data, headers) => {
      const value = serde.deserialize(topic, data, headers)
      return value instanceof Promise ? value.then(toJsonText) : toJsonText(value)
    },
  }
}
