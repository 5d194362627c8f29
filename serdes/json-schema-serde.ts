/**
 * `jsonSchema<T>()`: JSON checked against a JSON Schema (ajv with ajv-formats), in the
 * Confluent wire format (magic 0, schema id, UTF-8 JSON) when given a registry, plain UTF-8 JSON
 * without one.
 *
 * ```ts
 * const value = serdes.jsonSchema<Order>({ schema: orderSchema, registry })
 * ```
 *
 * Validation (`validate`, default true) runs on every value written and on every record read;
 * a failure is SERDES_VALIDATION listing the first failing paths. Records are validated against
 * the serde's own schema (what `T` claims), or, without one, against the writer schema the id
 * names (fetched and compiled once per id). The dialect follows `$schema`: 2020-12, 2019-09, or
 * draft-07 (also for draft-06 and when absent). Ajv runs in non-strict mode, so annotations
 * other tools add (`javaType`…) are accepted. The record name for record-name strategies is the
 * schema's `title`.
 */
import Ajv, { type ErrorObject, type Options as AjvOptions, type ValidateFunction } from 'ajv'
import Ajv2019 from 'ajv/dist/2019.js'
import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { SerdesError, type SerdesErrorContext, toSerdesError } from './errors.ts'
import { SchemaByIdCache } from './schema-by-id-cache.ts'
import type { SchemaRegistryClient } from './schema-registry-client.ts'
import type { Serde } from './serde.ts'
import { HEADER_SIZE, readSchemaId, writeHeader } from './wire-format.ts'
import { type RegistrySerdeOptions, type WriterSchema, WriterSchemaResolver } from './writer-schema-resolver.ts'

export type JsonSchemaDefinition = string | Record<string, unknown> | boolean

export interface JsonSchemaSerdeOptions extends Omit<RegistrySerdeOptions, 'registry'> {
  /** The JSON Schema values must satisfy (its text or the parsed document). */
  readonly schema?: JsonSchemaDefinition
  /** With a registry, the Confluent wire format; without, plain JSON. */
  readonly registry?: SchemaRegistryClient
  /** Validate written values and read records. Default true. */
  readonly validate?: boolean
  /** Extra ajv options (`strict` is false unless set here). */
  readonly ajv?: AjvOptions
}

interface CompiledSchema {
  readonly validate: ValidateFunction
}

function formatErrors(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? []).slice(0, 3).map((e) => `${e.instancePath === '' ? '<root>' : e.instancePath} ${e.message ?? 'is invalid'}`).join('; ')
}

function compile(definition: JsonSchemaDefinition, ajvOptions: AjvOptions | undefined, context: SerdesErrorContext): { document: unknown; text: string; compiled: CompiledSchema } {
  try {
    const document: unknown = typeof definition === 'string' ? JSON.parse(definition) : definition
    const dialect = typeof document === 'object' && document !== null ? String((document as { $schema?: unknown }).$schema ?? '') : ''
    const options: AjvOptions = { strict: false, allErrors: false, ...ajvOptions }
    const ajv = dialect.includes('2020-12') ? new Ajv2020(options) : dialect.includes('2019-09') ? new Ajv2019(options) : new Ajv(options)
    addFormats(ajv)
    const validate = ajv.compile(document as Record<string, unknown>)
    return { document, text: typeof definition === 'string' ? definition : JSON.stringify(definition), compiled: { validate } }
  } catch (error) {
    throw toSerdesError(error, 'SERDES_INVALID_SCHEMA', 'Invalid JSON Schema', context)
  }
}

export function jsonSchemaSerde<T>(options: JsonSchemaSerdeOptions): Serde<T> {
  const validating = options.validate ?? true
  const own = options.schema === undefined ? undefined : compile(options.schema, options.ajv, {})
  if (own === undefined && options.registry === undefined) {
    throw new SerdesError('SERDES_INVALID_CONFIG', 'A JSON Schema serde needs a schema, a registry, or both')
  }
  const isKey = options.isKey ?? false

  const check = (compiled: CompiledSchema | undefined, value: unknown, what: string, context: SerdesErrorContext): void => {
    if (!validating || compiled === undefined) return
    if (!compiled.validate(value)) {
      throw new SerdesError('SERDES_VALIDATION', `${what} does not match the JSON Schema: ${formatErrors(compiled.validate.errors)}`, context)
    }
  }
  const parse = (data: Buffer, offset: number, context: SerdesErrorContext): unknown => {
    try {
      return JSON.parse(data.toString('utf8', offset))
    } catch (error) {
      throw toSerdesError(error, 'SERDES_DESERIALIZATION', 'Bytes are not JSON', context)
    }
  }
  const stringify = (value: unknown, context: SerdesErrorContext): string => {
    let text: string | undefined
    try {
      text = JSON.stringify(value)
    } catch (error) {
      throw toSerdesError(error, 'SERDES_SERIALIZATION', 'Value is not JSON-serializable', context)
    }
    if (text === undefined) throw new SerdesError('SERDES_SERIALIZATION', `Value is not JSON-serializable (${typeof value})`, context)
    return text
  }

  const { registry } = options
  if (registry === undefined) {
    return {
      serialize(topic, value) {
        if (value === null) return null
        const context = { topic, isKey }
        check(own?.compiled, value, 'Value', context)
        return Buffer.from(stringify(value, context), 'utf8')
      },
      deserialize(topic, data) {
        if (data === null) return null
        const context = { topic, isKey }
        const value = parse(data, 0, context)
        check(own?.compiled, value, 'Record', context)
        return value as T
      },
    }
  }

  const cache = new SchemaByIdCache<CompiledSchema>(registry, (schema, _references, id) => {
    if (schema.schemaType !== 'JSON') throw new SerdesError('SERDES_INVALID_SCHEMA', `Schema ${id} is ${schema.schemaType}, not JSON`, { schemaId: id })
    return compile(schema.schema, options.ajv, { schemaId: id }).compiled
  })
  const title = typeof own?.document === 'object' && own.document !== null ? (own.document as { title?: unknown }).title : undefined
  const writers = new WriterSchemaResolver<CompiledSchema>({
    ...options,
    registry,
    schema: own === undefined ? undefined : () => ({ schemaType: 'JSON', schema: own.text }),
    parsed: own?.compiled,
    recordName: typeof title === 'string' ? title : undefined,
    cache,
  })

  const encode = (topic: string, writer: WriterSchema<CompiledSchema>, value: unknown): Buffer => {
    const context = { topic, isKey, schemaId: writer.id }
    check(writer.parsed, value, 'Value', context)
    const text = stringify(value, context)
    const out = Buffer.allocUnsafe(HEADER_SIZE + Buffer.byteLength(text))
    writeHeader(out, writer.id)
    out.write(text, HEADER_SIZE, 'utf8')
    return out
  }
  const decode = (compiled: CompiledSchema, data: Buffer, context: SerdesErrorContext): T => {
    const value = parse(data, HEADER_SIZE, context)
    check(compiled, value, 'Record', context)
    return value as T
  }

  return {
    serialize(topic, value) {
      if (value === null) return null
      const writer = writers.resolve(topic)
      if (writer instanceof Promise) return writer.then((resolved) => encode(topic, resolved, value))
      return encode(topic, writer, value)
    },
    deserialize(topic, data) {
      if (data === null) return null
      const schemaId = readSchemaId(data, { topic, isKey })
      const context = { topic, isKey, schemaId }
      if (own !== undefined || !validating) {
        const value = parse(data, HEADER_SIZE, context)
        check(own?.compiled, value, 'Record', context)
        return value as T
      }
      const writer = cache.get(schemaId, context)
      if (writer instanceof Promise) return writer.then((compiled) => decode(compiled, data, context))
      return decode(writer, data, context)
    },
  }
}
