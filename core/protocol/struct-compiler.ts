/**
 * Generates the encoder and decoder of every struct of one message version (used by
 * `schema-codec.ts`).
 *
 * Each struct and array becomes one generated function whose body lists the fields in wire order:
 * primitives call the `Reader`/`Writer` method directly, nested structs and arrays call their own
 * generated function, and decoding builds the result as one object literal. Every call site is
 * therefore monomorphic and every decoded struct of a type shares one hidden class, which is what
 * makes decoding as fast as hand-written code. Field names reach the generated source only as
 * JSON string literals, and nothing else from the schema does, so no declaration can inject code.
 *
 * Errors are annotated with the field path on their way out (`fieldPath`), at no cost when
 * nothing fails.
 */
import { CoreError } from '../errors.ts'
import type { Reader } from './reader.ts'
import { type ArrayType, type FieldDef, type Fields, type SchemaType, type StructType, fieldDefault } from './schema.ts'
import { inVersionRange } from './version-range.ts'
import { Writer } from './writer.ts'

export type Encode = (writer: Writer, value: any) => void
export type Decode = (reader: Reader) => any
type IsDefault = (value: any) => boolean

export interface CompiledStruct {
  encode: Encode
  decode: Decode
}

interface TaggedField {
  readonly key: string
  readonly tag: number
  readonly encode: Encode
  readonly decode: Decode
  readonly isDefault: IsDefault
}

/** Compiles the structs of one message version; a struct type used twice is compiled once. */
export class VersionCompiler {
  readonly #version: number
  readonly #flexible: boolean
  readonly #structs = new Map<StructType, CompiledStruct>()

  constructor(version: number, flexible: boolean) {
    this.#version = version
    this.#flexible = flexible
  }

  struct(struct: StructType): CompiledStruct {
    const cached = this.#structs.get(struct)
    if (cached !== undefined) return cached
    // Registered before its fields are compiled, so that a recursive struct can refer to itself.
    const compiled: CompiledStruct = { encode: unreachable, decode: unreachable }
    this.#structs.set(struct, compiled)
    Object.assign(compiled, this.#compileStruct(struct))
    return compiled
  }

  #compileStruct(struct: StructType): CompiledStruct {
    const version = this.#version
    const flexible = this.#flexible
    const scope = new Scope()
    const keys: string[] = []
    const tagged: TaggedField[] = []
    const decodeParts: string[] = []
    const encodeParts: string[] = []

    for (const [key, field] of Object.entries(struct.fields as Fields)) {
      const index = keys.push(key) - 1
      const literalKey = JSON.stringify(key)
      const track = index === 0 ? '' : `i = ${index}, `
      const present = inVersionRange(field.versions, version)
      const isTagged = present && flexible && inVersionRange(field.taggedVersions, version)
      const nullable = field.type.kind === 'records' || inVersionRange(field.nullableVersions, version)
      const makeDefault = defaultExpression(field, scope)
      if (!present || isTagged) {
        decodeParts.push(`${literalKey}: ${makeDefault}`)
        if (isTagged) {
          tagged.push({
            key, tag: field.tag!, encode: this.#encoder(field.type, nullable), decode: this.#decoder(field.type, nullable),
            isDefault: defaultTest(field),
          })
        }
        continue
      }
      decodeParts.push(`${literalKey}: (${track}${this.#readExpression(field.type, nullable, scope)})`)
      encodeParts.push(
        `i = ${index}; v = value[${literalKey}]; ` +
          `if (v === undefined) v = ${makeDefault};${nullable ? '' : ' else if (v === null) throw notNullable();'} ` +
          `${this.#writeStatement(field.type, nullable, 'v', scope)}`,
      )
    }
    tagged.sort((a, b) => a.tag - b.tag)
    const byTag = new Map(tagged.map((field) => [field.tag, field]))
    const notNullable = (): CoreError => new CoreError('CORE_INVALID_ARGUMENT', `null is not allowed in version ${version}`)
    Object.assign(scope.values, { keys, tagged, byTag, addPath, notNullable, readTagBuffer, writeTagBuffer })

    const decodeTags = flexible ? 'readTagBuffer(reader, value, byTag);' : ''
    const encodeTags = !flexible ? '' : tagged.length === 0 ? 'writer.unsignedVarint(0);' : 'writeTagBuffer(writer, value, tagged);'
    const name = struct.name.replace(/[^A-Za-z0-9_]/g, '_')
    const decode = scope.build<Decode>(`function decode${name}(reader) {
      let i = 0
      try {
        const value = { ${decodeParts.join(',\n')} }
        i = -1
        ${decodeTags}
        return value
      } catch (error) {
        throw i === -1 ? error : addPath(error, keys[i])
      }
    }`)
    const encode = scope.build<Encode>(`function encode${name}(writer, value) {
      let i = -1, v
      try {
        ${encodeParts.join('\n')}
        i = -1
        ${encodeTags}
      } catch (error) {
        throw i === -1 ? error : addPath(error, keys[i])
      }
    }`)
    return { encode, decode }
  }

  /** A JS expression reading a value of `type` from `reader`. */
  #readExpression(type: SchemaType, nullable: boolean, scope: Scope): string {
    const method = primitiveMethod(type, this.#flexible, nullable)
    if (method !== undefined) return `reader.${method}()`
    return `${scope.add(this.#decoder(type, nullable))}(reader)`
  }

  /** A JS statement writing `value` of `type` to `writer`. */
  #writeStatement(type: SchemaType, nullable: boolean, value: string, scope: Scope): string {
    const method = primitiveMethod(type, this.#flexible, nullable)
    if (method !== undefined) return `writer.${method}(${value});`
    return `${scope.add(this.#encoder(type, nullable))}(writer, ${value});`
  }

  #decoder(type: SchemaType, nullable: boolean): Decode {
    const scope = new Scope()
    if (type.kind === 'struct') {
      const struct = scope.add(this.struct(type))
      if (!nullable) return scope.build(`function decode(reader) { return ${struct}.decode(reader) }`)
      // Kafka writes a nullable struct as INT8 −1 (null) or 1, then the struct.
      scope.values.badMarker = (marker: number, at: number) =>
        new CoreError('CORE_PROTOCOL', `Invalid nullable struct marker ${marker} at byte ${at}`)
      return scope.build(`function decode(reader) {
        const at = reader.offset, marker = reader.int8()
        if (marker === -1) return null
        if (marker !== 1) throw badMarker(marker, at)
        return ${struct}.decode(reader)
      }`)
    }
    if (type.kind === 'array') return this.#arrayDecoder(type, nullable)
    const method = primitiveMethod(type, this.#flexible, nullable)!
    return scope.build(`function decode(reader) { return reader.${method}() }`)
  }

  #encoder(type: SchemaType, nullable: boolean): Encode {
    const scope = new Scope()
    if (type.kind === 'struct') {
      const struct = scope.add(this.struct(type))
      if (!nullable) return scope.build(`function encode(writer, value) { ${struct}.encode(writer, value) }`)
      return scope.build(`function encode(writer, value) {
        if (value === null) writer.int8(-1)
        else ${struct}.encode(writer.int8(1), value)
      }`)
    }
    if (type.kind === 'array') return this.#arrayEncoder(type)
    const method = primitiveMethod(type, this.#flexible, nullable)!
    return scope.build(`function encode(writer, value) { writer.${method}(value) }`)
  }

  #arrayDecoder(type: ArrayType, nullable: boolean): Decode {
    const scope = new Scope()
    const item = this.#readExpression(type.items, false, scope)
    Object.assign(scope.values, { addPath, compact: this.#flexible, nullable })
    return scope.build(`function decodeArray(reader) {
      const length = reader.arrayLength(compact, nullable)
      if (length === -1) return null
      const array = []
      let i = 0
      try {
        for (; i < length; i++) array.push(${item})
      } catch (error) {
        throw addPath(error, '[' + i + ']')
      }
      return array
    }`)
  }

  #arrayEncoder(type: ArrayType): Encode {
    const scope = new Scope()
    const item = this.#writeStatement(type.items, false, 'item', scope)
    scope.values.addPath = addPath
    scope.values.invalid = (what: string) => new CoreError('CORE_INVALID_ARGUMENT', what)
    const writeLength = this.#flexible ? 'writer.unsignedVarint(length + 1)' : 'writer.int32(length)'
    return scope.build(`function encodeArray(writer, array) {
      if (array === null) { ${this.#flexible ? 'writer.unsignedVarint(0)' : 'writer.int32(-1)'}; return }
      if (!Array.isArray(array)) throw invalid('expected an array, not ' + typeof array)
      const length = array.length
      ${writeLength}
      let i = 0
      try {
        for (; i < length; i++) {
          const item = array[i]
          if (item === null || item === undefined) throw invalid('array element is ' + item)
          ${item}
        }
      } catch (error) {
        throw addPath(error, '[' + i + ']')
      }
    }`)
  }
}

/** Values that generated code refers to by name. */
class Scope {
  readonly values: Record<string, unknown> = {}
  #next = 0

  /** Adds a value under a fresh name and returns the name. */
  add(value: unknown): string {
    const name = `$${this.#next++}`
    this.values[name] = value
    return name
  }

  build<F>(source: string): F {
    const names = Object.keys(this.values)
    const factory = new Function(...names, `'use strict'; return (${source})`)
    return factory(...names.map((name) => this.values[name])) as F
  }
}

/** The `Reader`/`Writer` method of a primitive wire type (they share names), or undefined. */
function primitiveMethod(type: SchemaType, flexible: boolean, nullable: boolean): string | undefined {
  switch (type.kind) {
    case 'array':
    case 'struct':
      return undefined
    case 'string':
      return flexible ? (nullable ? 'compactNullableString' : 'compactString') : nullable ? 'nullableString' : 'string'
    case 'bytes':
      return flexible ? (nullable ? 'compactNullableBytes' : 'compactBytes') : nullable ? 'nullableBytes' : 'bytes'
    case 'records':
      return flexible ? 'compactNullableBytes' : 'nullableBytes'
    default:
      return type.kind
  }
}

/** A JS expression producing the field's default: a literal, or a call making a fresh object. */
function defaultExpression(field: FieldDef, scope: Scope): string {
  const value = fieldDefault(field)
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  return `${scope.add(() => fieldDefault(field))}()`
}

/** Kafka's "differs from default" test for tagged fields; `undefined` counts as the default. */
function defaultTest(field: FieldDef): IsDefault {
  const type = field.type
  const nullDefault = field.default === null
  switch (type.kind) {
    case 'array':
    case 'bytes':
      return (value) => value === undefined || (nullDefault ? value === null : value !== null && value.length === 0)
    case 'records':
      return (value) => value === undefined || value === null
    case 'uuid': {
      const expected = fieldDefault(field)
      return (value) => value === undefined || value === expected || (typeof value === 'string' && value.toLowerCase() === expected)
    }
    case 'struct': {
      if (nullDefault) return (value) => value === undefined || value === null
      const tests = Object.entries(type.fields as Fields).map(([key, f]) => [key, defaultTest(f)] as const)
      return (value) => {
        if (value === undefined) return true
        if (value === null) return false
        for (const [key, test] of tests) if (!test(value[key])) return false
        return true
      }
    }
    default: {
      const expected = fieldDefault(field)
      return (value) => value === undefined || value === expected
    }
  }
}

function writeTagBuffer(writer: Writer, value: Record<string, unknown>, tagged: readonly TaggedField[]): void {
  let count = 0
  for (const field of tagged) if (!field.isDefault(value[field.key])) count++
  writer.unsignedVarint(count)
  if (count === 0) return
  for (const field of tagged) {
    const item = value[field.key]
    if (field.isDefault(item)) continue
    // Tagged fields are rare: encoding into a scratch writer to learn the size is simplest.
    const scratch = new Writer(64)
    try {
      field.encode(scratch, item)
    } catch (error) {
      throw addPath(error, field.key)
    }
    const bytes = scratch.finish()
    writer.unsignedVarint(field.tag).unsignedVarint(bytes.length).raw(bytes)
  }
}

function readTagBuffer(reader: Reader, value: Record<string, unknown>, byTag: ReadonlyMap<number, TaggedField>): void {
  const count = reader.unsignedVarint('tagged field count')
  for (let n = 0; n < count; n++) {
    const tag = reader.unsignedVarint('tag')
    const size = reader.unsignedVarint('tagged field size')
    const field = byTag.get(tag)
    if (field === undefined) {
      reader.skip(size, `unknown tagged field ${tag}`)
      continue
    }
    const end = reader.limit(size, `tagged field ${tag}`)
    try {
      value[field.key] = field.decode(reader)
    } catch (error) {
      throw addPath(error, field.key)
    }
    reader.unlimit(end)
  }
}

function unreachable(): never {
  throw new CoreError('CORE_INVALID_ARGUMENT', 'A struct was used before its codec was compiled')
}

/** Field path of an error being unwound through nested structs and arrays (innermost first). */
const errorPaths = new WeakMap<object, string[]>()

function addPath(error: unknown, segment: string): unknown {
  if (typeof error === 'object' && error !== null) {
    const path = errorPaths.get(error)
    if (path === undefined) errorPaths.set(error, [segment])
    else path.push(segment)
  }
  return error
}

/** The field path recorded on `error`, e.g. `topics[0].partitions[2].records`, or ''. */
export function fieldPath(error: unknown): string {
  const segments = typeof error === 'object' && error !== null ? errorPaths.get(error) : undefined
  if (segments === undefined) return ''
  return [...segments].reverse().map((s, i) => (i === 0 || s.startsWith('[') ? s : `.${s}`)).join('')
}
