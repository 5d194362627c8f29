/**
 * `protobuf<T>()`: Protobuf messages in the Confluent wire format (magic 0, schema id, message
 * indexes, message), with protobufjs.
 *
 * ```ts
 * const value = serdes.protobuf<Order>({ registry, schema: orderProto, messageName: 'shop.Order' })
 * ```
 *
 * - `schema` is the .proto text; `messageName` chooses the message (default: the file's first);
 *   `imports` gives the text of imported files by import path. When the serde registers its
 *   schema, each import is registered first under a subject named after its import path and
 *   referenced from the main schema (Confluent's default reference subject names);
 *   `google/protobuf/*` imports are built in and not registered.
 * - Values are plain objects. Writing converts with `Type.fromObject` (enums by name or number,
 *   64-bit integers as string, number or bigint; like protobufjs it coerces scalars, so only
 *   structural mismatches such as a non-array for a repeated field fail); reading converts with `toObject` options,
 *   default proto3 JSON-like: 64-bit integers as strings, enums by name, absent fields with their
 *   defaults, bytes as Buffers.
 * - Reading with a message type (`schema` given) decodes with it: Protobuf readers resolve by
 *   field number, so the writer's schema is not needed. Without one, the writer schema is
 *   fetched by id (once) and the message indexes choose the message.
 */
import protobuf from 'protobufjs'
import { SerdesError, type SerdesErrorContext, toSerdesError } from './errors.ts'
import { decodeMessageIndexes, encodeMessageIndexes } from './message-indexes.ts'
import { ProtobufSchema } from './protobuf-schema.ts'
import { SchemaByIdCache } from './schema-by-id-cache.ts'
import type { Schema, SchemaReference, SchemaRegistryClient } from './schema-registry-client.ts'
import type { Serde } from './serde.ts'
import { HEADER_SIZE, readSchemaId, writeHeader } from './wire-format.ts'
import { type RegistrySerdeOptions, type WriterSchema, WriterSchemaResolver } from './writer-schema-resolver.ts'

export interface ProtobufSerdeOptions extends RegistrySerdeOptions {
  /** The .proto text of the main file. */
  readonly schema?: string
  /** The message written and read: a full name or one relative to the package. Default: the first message. */
  readonly messageName?: string
  /** Imported files' texts by import path (as the `import` statements spell them). */
  readonly imports?: Readonly<Record<string, string>>
  /** How decoded messages become objects. Default `{ longs: String, enums: String, defaults: true }`. */
  readonly toObject?: protobuf.IConversionOptions
}

const DEFAULT_TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, defaults: true }
const WELL_KNOWN = 'google/protobuf/'

/** A writer's parsed schema: the file set and the message written with its indexes. */
interface ProtobufWriter {
  readonly schema: ProtobufSchema
  readonly type: protobuf.Type | undefined
  readonly indexes: Buffer | undefined
}

/**
 * The schema to register: each import registered (or looked up) first, dependencies before
 * dependants, under its import path; the main file referencing its direct imports.
 */
async function withReferences(
  registry: SchemaRegistryClient, autoRegister: boolean, text: string, imports: Readonly<Record<string, string>>,
): Promise<Schema> {
  const versions = new Map<string, Promise<number>>()
  const referencesOf = async (source: string): Promise<SchemaReference[]> => {
    const direct = new ProtobufSchema(source, Object.entries(imports).map(([name, importText]) => ({ name, text: importText }))).imports
    const references: SchemaReference[] = []
    for (const name of direct) {
      if (name.startsWith(WELL_KNOWN)) continue
      let version = versions.get(name)
      if (version === undefined) {
        version = (async () => {
          const schema: Schema = { schemaType: 'PROTOBUF', schema: imports[name], references: await referencesOf(imports[name]) }
          if (autoRegister) await registry.register(name, schema)
          return (await registry.lookup(name, schema)).version
        })()
        versions.set(name, version)
      }
      references.push({ name, subject: name, version: await version })
    }
    return references
  }
  return { schemaType: 'PROTOBUF', schema: text, references: await referencesOf(text) }
}

export function protobufSerde<T>(options: ProtobufSerdeOptions): Serde<T> {
  const imports = options.imports ?? {}
  const files = Object.entries(imports).map(([name, text]) => ({ name, text }))
  const toObjectOptions = options.toObject ?? DEFAULT_TO_OBJECT
  let own: ProtobufWriter | undefined
  if (options.schema !== undefined) {
    const schema = new ProtobufSchema(options.schema, files)
    const messageName = options.messageName ?? schema.firstMessageName
    if (messageName === undefined) throw new SerdesError('SERDES_INVALID_SCHEMA', 'The Protobuf schema declares no message')
    const type = schema.messageType(messageName)
    own = { schema, type, indexes: encodeMessageIndexes(schema.indexesOf(type)) }
  } else if (options.messageName !== undefined && options.useLatestVersion !== true) {
    throw new SerdesError('SERDES_INVALID_CONFIG', 'messageName needs the schema (the .proto text) it is declared in, or useLatestVersion')
  }
  const cache = new SchemaByIdCache<ProtobufWriter>(options.registry, (schema, references, id) => {
    if (schema.schemaType !== 'PROTOBUF') {
      throw new SerdesError('SERDES_INVALID_SCHEMA', `Schema ${id} is ${schema.schemaType}, not PROTOBUF`, { schemaId: id })
    }
    const parsed = new ProtobufSchema(schema.schema, references.map((r) => ({ name: r.name, text: r.schema.schema })), { schemaId: id })
    // With useLatestVersion the writer is the latest schema: write the same message name in it.
    const type = options.messageName === undefined ? undefined : parsed.messageType(options.messageName, { schemaId: id })
    return { schema: parsed, type, indexes: type === undefined ? undefined : encodeMessageIndexes(parsed.indexesOf(type)) }
  })
  const writers = new WriterSchemaResolver<ProtobufWriter>({
    ...options,
    schema: options.schema === undefined ? undefined : () => withReferences(options.registry, options.autoRegister ?? !options.useLatestVersion, options.schema!, imports),
    parsed: own,
    recordName: own?.type === undefined ? undefined : own.type.fullName.slice(1),
    cache,
  })
  const isKey = writers.isKey

  const encode = (topic: string, writer: WriterSchema<ProtobufWriter>, value: unknown): Buffer => {
    const { type, indexes } = writer.parsed
    const context = { topic, isKey, schemaId: writer.id }
    if (type === undefined || indexes === undefined) {
      throw new SerdesError('SERDES_INVALID_CONFIG', 'The Protobuf serde needs a messageName to write with the latest schema', context)
    }
    let payload: Uint8Array
    try {
      payload = type.encode(type.fromObject(value as Record<string, unknown>)).finish()
    } catch (error) {
      throw toSerdesError(error, 'SERDES_SERIALIZATION', `Value is not a valid ${type.fullName.slice(1)}`, context)
    }
    const out = Buffer.allocUnsafe(HEADER_SIZE + indexes.length + payload.length)
    writeHeader(out, writer.id)
    indexes.copy(out, HEADER_SIZE)
    out.set(payload, HEADER_SIZE + indexes.length)
    return out
  }

  const decode = (type: protobuf.Type, data: Buffer, offset: number, context: SerdesErrorContext): T => {
    try {
      return type.toObject(type.decode(data.subarray(offset)), toObjectOptions) as T
    } catch (error) {
      throw toSerdesError(error, 'SERDES_DESERIALIZATION', `Could not decode a ${type.fullName.slice(1)} message`, context)
    }
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
      const { indexes, offset } = decodeMessageIndexes(data, HEADER_SIZE, context)
      if (own?.type !== undefined) return decode(own.type, data, offset, context)
      const writer = cache.get(schemaId, context)
      if (writer instanceof Promise) return writer.then((parsed) => decode(parsed.schema.typeAt(indexes, context), data, offset, context))
      return decode(writer.schema.typeAt(indexes, context), data, offset, context)
    },
  }
}
