/**
 * `avro<T>()`: Avro binary in the Confluent wire format (magic 0, schema id, datum), with avsc.
 *
 * ```ts
 * const value = serdes.avro<Payment>({ registry, schema: paymentSchema })
 * ```
 *
 * Writing: the value is encoded with the writer schema (the serde's own, registered or looked
 * up, or the subject's latest with `useLatestVersion`; see writer-schema-resolver.ts). Reading:
 * the bytes are decoded with the writer schema the id names (fetched once per id) and resolved
 * to the reader schema (`readerSchema`, else the serde's own `schema`) with avsc's resolver, so
 * a reader with an added field that has a default reads old records; without either, records
 * are decoded as written. Logical types: see avro-logical-types.ts.
 *
 * Hot path: with the id cached both directions are synchronous; encoding goes through one
 * reusable scratch buffer and one copy.
 */
import avsc from 'avsc'
import { AVRO_LOGICAL_TYPES } from './avro-logical-types.ts'
import { SerdesError, type SerdesErrorContext, toSerdesError } from './errors.ts'
import { type ResolvedReference, SchemaByIdCache } from './schema-by-id-cache.ts'
import type { Schema } from './schema-registry-client.ts'
import type { Serde } from './serde.ts'
import { HEADER_SIZE, readSchemaId, writeHeader } from './wire-format.ts'
import { type RegistrySerdeOptions, type WriterSchema, WriterSchemaResolver } from './writer-schema-resolver.ts'

/** An Avro schema: its JSON text or the parsed JSON. */
export type AvroSchemaDefinition = string | Record<string, unknown> | readonly unknown[]

export interface AvroSerdeOptions extends RegistrySerdeOptions {
  /** The schema values are written with and, unless `readerSchema` is given, read as. */
  readonly schema?: AvroSchemaDefinition
  /** The schema records are read as (resolved from each record's writer schema). */
  readonly readerSchema?: AvroSchemaDefinition
}

const INITIAL_SCRATCH = 1024

interface ReadPlan {
  readonly type: avsc.Type
  readonly resolver: avsc.Resolver | undefined
}

function schemaText(definition: AvroSchemaDefinition): string {
  return typeof definition === 'string' ? definition : JSON.stringify(definition)
}

function parseAvro(text: string, references: readonly ResolvedReference[], context: SerdesErrorContext): avsc.Type {
  try {
    const registry: Record<string, avsc.Type> = {}
    const options = { logicalTypes: AVRO_LOGICAL_TYPES, registry, wrapUnions: 'auto' as const }
    for (const reference of references) avsc.Type.forSchema(JSON.parse(reference.schema.schema), options)
    return avsc.Type.forSchema(JSON.parse(text), options)
  } catch (error) {
    throw toSerdesError(error, 'SERDES_INVALID_SCHEMA', 'Invalid Avro schema', context)
  }
}

/** The paths of the fields that make `value` invalid for `type`, for error messages. */
function invalidPaths(type: avsc.Type, value: unknown): string {
  const paths: string[] = []
  type.isValid(value, {
    errorHook: (path, any, t) => {
      if (paths.length < 3) paths.push(`${path.length === 0 ? '<root>' : path.join('.')}: ${JSON.stringify(any) ?? String(any)} is not a valid ${t.typeName}`)
    },
  })
  return paths.join('; ')
}

export function avroSerde<T>(options: AvroSerdeOptions): Serde<T> {
  const own = options.schema === undefined ? undefined : schemaText(options.schema)
  const ownType = own === undefined ? undefined : parseAvro(own, [], {})
  const readerType = options.readerSchema === undefined ? ownType : parseAvro(schemaText(options.readerSchema), [], {})
  const cache = new SchemaByIdCache<avsc.Type>(options.registry, (schema, references, id) => {
    if (schema.schemaType !== 'AVRO') {
      throw new SerdesError('SERDES_INVALID_SCHEMA', `Schema ${id} is ${schema.schemaType}, not AVRO`, { schemaId: id })
    }
    return parseAvro(schema.schema, references, { schemaId: id })
  })
  const writers = new WriterSchemaResolver<avsc.Type>({
    ...options,
    schema: own === undefined ? undefined : (): Schema => ({ schemaType: 'AVRO', schema: own }),
    parsed: ownType,
    recordName: ownType === undefined ? undefined : (ownType.name ?? ownType.typeName),
    cache,
  })
  const isKey = writers.isKey
  const plans = new Map<number, ReadPlan>()
  let scratch = Buffer.allocUnsafe(INITIAL_SCRATCH)

  const encode = (topic: string, writer: WriterSchema<avsc.Type>, value: unknown): Buffer => {
    let end: number
    try {
      end = writer.parsed.encode(value, scratch, HEADER_SIZE)
      if (end < 0) {
        scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, scratch.length - end + HEADER_SIZE))
        end = writer.parsed.encode(value, scratch, HEADER_SIZE)
      }
    } catch (error) {
      const paths = invalidPaths(writer.parsed, value)
      throw new SerdesError('SERDES_SERIALIZATION', `Value does not match the Avro schema: ${paths || (error as Error).message}`, {
        topic, isKey, schemaId: writer.id,
      }, { cause: error })
    }
    const out = Buffer.allocUnsafe(end)
    scratch.copy(out, HEADER_SIZE, HEADER_SIZE, end)
    writeHeader(out, writer.id)
    return out
  }

  const planFor = (writer: avsc.Type, id: number, context: SerdesErrorContext): ReadPlan => {
    let plan = plans.get(id)
    if (plan !== undefined) return plan
    if (readerType === undefined || readerType === writer || readerType.equals(writer)) {
      plan = { type: readerType ?? writer, resolver: undefined }
    } else {
      try {
        // Names match without namespaces, as in Avro's own resolution and the registry's
        // compatibility check: a schema the registry accepts must also decode.
        plan = { type: readerType, resolver: readerType.createResolver(writer, { ignoreNamespaces: true }) }
      } catch (error) {
        throw toSerdesError(error, 'SERDES_INCOMPATIBLE_SCHEMA', 'The writer schema cannot be read as the reader schema', context)
      }
    }
    plans.set(id, plan)
    return plan
  }

  const decode = (plan: ReadPlan, data: Buffer, context: SerdesErrorContext): T => {
    let decoded: { value: unknown; offset: number }
    try {
      decoded = plan.type.decode(data, HEADER_SIZE, plan.resolver)
    } catch (error) {
      throw toSerdesError(error, 'SERDES_DESERIALIZATION', 'Could not decode the Avro datum', context)
    }
    if (decoded.offset !== data.length) {
      const detail = decoded.offset < 0 ? 'The Avro datum is truncated' : `${data.length - decoded.offset} bytes of trailing data after the Avro datum`
      throw new SerdesError('SERDES_DESERIALIZATION', detail, context)
    }
    return decoded.value as T
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
      const id = readSchemaId(data, { topic, isKey })
      const plan = plans.get(id)
      if (plan !== undefined) return decode(plan, data, { topic, isKey, schemaId: id })
      const context = { topic, isKey, schemaId: id }
      const writer = cache.get(id, context)
      if (writer instanceof Promise) return writer.then((type) => decode(planFor(type, id, context), data, context))
      return decode(planFor(writer, id, context), data, context)
    },
  }
}
