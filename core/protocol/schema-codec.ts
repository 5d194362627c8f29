/**
 * Compiles a message schema (see `schema.ts`) into one encoder/decoder pair per valid version.
 *
 * Each version is compiled once, on first use, by `struct-compiler.ts` into one generated
 * function per struct and array (straight-line field code, object literals, monomorphic calls);
 * encoding and decoding never look at the schema tree again.
 *
 * Contracts:
 * - `encode` writes only the fields present in the version (others are skipped without error),
 *   treats `undefined` as the field's default, and writes a tagged field only when it differs
 *   from its default (deep comparison for structs, emptiness for arrays and bytes), in tag order.
 *   Null in a version where the field is not nullable throws `CORE_INVALID_ARGUMENT`.
 * - `decode` returns a complete object: fields absent in the version, and tagged fields not
 *   sent, carry their defaults (fresh arrays and objects). Unknown tags are skipped. Every
 *   failure is a `CORE_PROTOCOL` error naming the message, version and field path.
 * - Records and bytes are decoded as zero-copy views into the input.
 */
import { CoreError } from '../errors.ts'
import { Reader } from './reader.ts'
import type { MessageSchema, MessageType } from './schema.ts'
import { VersionCompiler, fieldPath } from './struct-compiler.ts'
import { parseVersionRange, type VersionRange } from './version-range.ts'
import { Writer } from './writer.ts'

/** The codec of one message at one version. */
export interface VersionCodec<T> {
  readonly name: string
  readonly version: number
  readonly flexible: boolean
  encode(value: T, writer: Writer): void
  decode(reader: Reader): T
}

/** A message's codecs, one per valid version, compiled on first use and cached. */
export interface MessageCodec<T> {
  readonly schema: MessageSchema
  readonly validVersions: VersionRange
  readonly flexibleVersions: VersionRange
  isValidVersion(version: number): boolean
  /** Throws `CORE_INVALID_ARGUMENT` for a version outside `validVersions`. */
  forVersion(version: number): VersionCodec<T>
}

const codecs = new WeakMap<MessageSchema, MessageCodec<unknown>>()

/** The (cached) codec of a message schema. */
export function compileCodec<S extends MessageSchema<any>>(schema: S): MessageCodec<MessageType<S>> {
  let codec = codecs.get(schema)
  if (codec === undefined) {
    codec = new CompiledMessage(schema)
    codecs.set(schema, codec)
  }
  return codec as MessageCodec<MessageType<S>>
}

/** Encodes `value` as `schema` at `version` into a new buffer (the body only, no header). */
export function encodeMessage<S extends MessageSchema<any>>(schema: S, version: number, value: MessageType<S>): Buffer {
  const writer = new Writer()
  compileCodec(schema).forVersion(version).encode(value, writer)
  return writer.finish()
}

/** Decodes a whole buffer as `schema` at `version`; trailing bytes are a `CORE_PROTOCOL` error. */
export function decodeMessage<S extends MessageSchema<any>>(schema: S, version: number, buffer: Buffer): MessageType<S> {
  const reader = new Reader(buffer)
  const value = compileCodec(schema).forVersion(version).decode(reader)
  if (reader.remaining !== 0) {
    throw new CoreError('CORE_PROTOCOL', `${schema.name} v${version} was decoded with ${reader.remaining} bytes left over`)
  }
  return value
}

class CompiledMessage<T> implements MessageCodec<T> {
  readonly schema: MessageSchema
  readonly validVersions: VersionRange
  readonly flexibleVersions: VersionRange
  readonly #versions: (VersionCodec<T> | undefined)[] = []

  constructor(schema: MessageSchema) {
    this.schema = schema
    this.validVersions = parseVersionRange(schema.validVersions)
    this.flexibleVersions = parseVersionRange(schema.flexibleVersions)
  }

  isValidVersion(version: number): boolean {
    return Number.isInteger(version) && version >= this.validVersions.min && version <= this.validVersions.max
  }

  forVersion(version: number): VersionCodec<T> {
    const cached = this.#versions[version]
    if (cached !== undefined) return cached
    if (!this.isValidVersion(version)) {
      throw new CoreError('CORE_INVALID_ARGUMENT', `${this.schema.name} has no version ${version}; valid versions are ${this.schema.validVersions}`)
    }
    const flexible = version >= this.flexibleVersions.min && version <= this.flexibleVersions.max
    const root = new VersionCompiler(version, flexible).struct(this.schema)
    const name = this.schema.name
    const codec: VersionCodec<T> = Object.freeze({
      name,
      version,
      flexible,
      encode(value: T, writer: Writer): void {
        try {
          root.encode(writer, value)
        } catch (error) {
          throw contextualise(error, `Cannot encode ${name} v${version}`, false)
        }
      },
      decode(reader: Reader): T {
        try {
          return root.decode(reader)
        } catch (error) {
          throw contextualise(error, `Cannot decode ${name} v${version}`, true)
        }
      },
    })
    this.#versions[version] = codec
    return codec
  }
}

/**
 * The error thrown out of a codec: the message, version and field path, then the cause's message.
 * Decoding failures are always `CORE_PROTOCOL`; encoding keeps a `CoreError`'s code and turns
 * anything else (a wrong value type) into `CORE_INVALID_ARGUMENT`.
 */
function contextualise(error: unknown, what: string, decoding: boolean): CoreError {
  const segments = fieldPath(error)
  const path = segments === '' ? '' : ` at ${segments}`
  const message = error instanceof Error ? error.message : String(error)
  const code = decoding ? 'CORE_PROTOCOL' : error instanceof CoreError ? error.code : 'CORE_INVALID_ARGUMENT'
  return new CoreError(code, `${what}${path}: ${message}`, { cause: error })
}
