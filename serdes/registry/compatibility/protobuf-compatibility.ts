/**
 * `protobufIncompatibilities(reader, writer)`: the changes from a writer .proto schema to a reader
 * one that Confluent's Protobuf `SchemaDiff` rejects, comparing original = writer with
 * update = reader (so BACKWARD compares the latest version with the candidate, and FORWARD the
 * other way round).
 *
 * What is compared: the package; the main file's messages, matched by name relative to the
 * package, level by level (a message may move or be reordered); in each message the fields,
 * matched by number whether or not they sit in a oneof; and, through fields, the messages they
 * name when one of them comes from a referenced file (matched by name relative to its own
 * package, so a referenced type may move to another package). Enums and enum constants may change
 * freely, like everything not listed below.
 *
 * | rule                              | when (writer → reader)                                           |
 * |-----------------------------------|------------------------------------------------------------------|
 * | `PACKAGE_CHANGED`                 | the package differs                                              |
 * | `MESSAGE_REMOVED`                 | a message of the writer's main file is gone                      |
 * | `FIELD_KIND_CHANGED`              | a field changes between scalar (enums included), message and map |
 * | `FIELD_SCALAR_KIND_CHANGED`       | a scalar leaves its wire-compatible group: {int32, int64, uint32, uint64, bool, enum}, {sint32, sint64}, {string, bytes}, {fixed32, sfixed32}, {fixed64, sfixed64}, {float}, {double} |
 * | `FIELD_NAMED_TYPE_CHANGED`        | a message field names another message, or a referenced message changed incompatibly |
 * | `FIELD_NUMERIC_LABEL_CHANGED`     | a numeric or enum field changes between singular, repeated and required |
 * | `REQUIRED_FIELD_ADDED` / `_REMOVED` | a proto2 `required` field appears or disappears                |
 * | `ONEOF_FIELD_REMOVED`             | a member of a surviving oneof is gone                            |
 * | `MULTIPLE_FIELDS_MOVED_TO_ONEOF`  | several existing top-level fields move into one oneof            |
 * | `FIELD_MOVED_TO_EXISTING_ONEOF`   | fields that were not mutually exclusive end up in one oneof      |
 *
 * Allowed, as in Confluent: messages and enums added, enum constants changed, fields added,
 * removed (so renumbered), renamed, string/bytes labels changed, oneofs added or removed, one
 * field moved into a new oneof, a field moved out of a oneof.
 *
 * One deliberate difference: Confluent only compares labels both schemas spell out, so a proto3
 * `int32 x = 1;` becoming `repeated int32 x = 1;` passes there although packed repeated numbers
 * do not read as a singular field. Here a field without a label counts as singular (like
 * `optional`), so that change is `FIELD_NUMERIC_LABEL_CHANGED`.
 *
 * Imports are resolved through `references` (import path → text), see protobuf-schema.ts; the
 * well-known `google/protobuf/*` files need not be given. Paths are Confluent's: `#/Message/3`,
 * `#/Outer/Inner/oneofName/5`. Descriptions say "reader schema" and "writer schema";
 * `checkCompatibility` rewords them as new/old.
 */
import protobuf from 'protobufjs'
import { SerdesError } from '../../errors.ts'
import { ProtobufSchema } from '../../protobuf-schema.ts'
import type { Incompatibility, ResolvedSchema } from './incompatibility.ts'

const PARSE_OPTIONS: protobuf.IParseOptions = { keepCase: true }

/** One side of the comparison: the parsed schema and where each of its types was declared. */
interface Side {
  readonly schema: ProtobufSchema
  /** Full names (no leading dot) of the types the main file declares. */
  readonly mainTypes: ReadonlySet<string>
  /** The package of the file that declares each type of the main file and the references. */
  readonly packages: ReadonlyMap<string, string>
}

type Label = 'singular' | 'repeated' | 'required'

type FieldType =
  | { readonly kind: 'SCALAR'; readonly scalar: string }
  | { readonly kind: 'MESSAGE'; readonly message: protobuf.Type }
  | { readonly kind: 'MAP'; readonly key: FieldType; readonly value: FieldType }

interface FieldInfo {
  readonly field: protobuf.Field
  /** The (real) oneof the field belongs to. */
  readonly oneof: string | undefined
}

const SCALAR_GROUPS: Readonly<Record<string, string>> = {
  int32: 'number', int64: 'number', uint32: 'number', uint64: 'number', bool: 'number', enum: 'number',
  sint32: 'zigzag number', sint64: 'zigzag number',
  string: 'string or bytes', bytes: 'string or bytes',
  fixed32: '32-bit fixed', sfixed32: '32-bit fixed',
  fixed64: '64-bit fixed', sfixed64: '64-bit fixed',
  float: 'float', double: 'double',
}

function fullNameOf(object: protobuf.ReflectionObject): string {
  return object.fullName.startsWith('.') ? object.fullName.slice(1) : object.fullName
}

/** The messages and enums a file declares, by full name, with the file's package. */
function declarations(text: string, packages: Map<string, string>): Set<string> {
  const parsed = protobuf.parse(text, new protobuf.Root(), PARSE_OPTIONS)
  const packageName = parsed.package ?? ''
  const names = new Set<string>()
  const walk = (namespace: protobuf.NamespaceBase): void => {
    for (const nested of namespace.nestedArray) {
      if (nested instanceof protobuf.Type || nested instanceof protobuf.Enum) {
        names.add(fullNameOf(nested))
        packages.set(fullNameOf(nested), packageName)
      }
      if (nested instanceof protobuf.Namespace) walk(nested)
    }
  }
  walk(parsed.root)
  return names
}

function parseSide(resolved: ResolvedSchema): Side {
  const imports = [...resolved.references].map(([name, text]) => ({ name, text }))
  const schema = new ProtobufSchema(resolved.schema, imports)
  try {
    const packages = new Map<string, string>()
    for (const file of imports) declarations(file.text, packages)
    const mainTypes = declarations(resolved.schema, packages)
    return { schema, mainTypes, packages }
  } catch (error) {
    throw new SerdesError('SERDES_INVALID_SCHEMA', `Invalid Protobuf schema: ${(error as Error).message}`, {}, { cause: error })
  }
}

function messagesIn(namespace: protobuf.NamespaceBase, keep: (type: protobuf.Type) => boolean): protobuf.Type[] {
  return namespace.nestedArray.filter((nested): nested is protobuf.Type => nested instanceof protobuf.Type && keep(nested))
}

/** The main file's top-level messages (imports may share its package, so they are filtered out). */
function topLevelMessages(side: Side): protobuf.Type[] {
  const packageName = side.schema.packageName
  const namespace = packageName === '' ? side.schema.root : side.schema.root.lookup(packageName)
  if (!(namespace instanceof protobuf.Namespace)) return []
  return messagesIn(namespace, (type) => side.mainTypes.has(fullNameOf(type)))
}

/** Whether a oneof is the synthetic one protobufjs makes for a proto3 `optional` field. */
function isSynthetic(oneof: protobuf.OneOf): boolean {
  return oneof.fieldsArray.length === 1 && oneof.fieldsArray[0].options?.proto3_optional === true
}

function fieldsByNumber(type: protobuf.Type): Map<number, FieldInfo> {
  const fields = new Map<number, FieldInfo>()
  for (const field of type.fieldsArray) {
    const oneof = field.partOf !== null && !isSynthetic(field.partOf) ? field.partOf.name : undefined
    fields.set(field.id, { field, oneof })
  }
  return fields
}

function oneofsOf(type: protobuf.Type): Map<string, number[]> {
  return new Map(type.oneofsArray.filter((oneof) => !isSynthetic(oneof)).map((oneof) => [oneof.name, oneof.fieldsArray.map((field) => field.id)]))
}

function labelOf(field: protobuf.Field): Label {
  if (field.repeated) return 'repeated'
  return field.required ? 'required' : 'singular'
}

function namedType(name: string, resolved: protobuf.ReflectionObject | null): FieldType {
  if (resolved instanceof protobuf.Enum) return { kind: 'SCALAR', scalar: 'enum' }
  if (resolved instanceof protobuf.Type) return { kind: 'MESSAGE', message: resolved }
  return { kind: 'SCALAR', scalar: name }
}

function typeOf(field: protobuf.Field): FieldType {
  const value = namedType(field.type, field.resolvedType)
  if (field instanceof protobuf.MapField) return { kind: 'MAP', key: { kind: 'SCALAR', scalar: field.keyType }, value }
  return value
}

function describeType(type: FieldType): string {
  switch (type.kind) {
    case 'SCALAR': return type.scalar
    case 'MESSAGE': return `message ${fullNameOf(type.message)}`
    case 'MAP': return `map<${describeType(type.key)}, ${describeType(type.value)}>`
  }
}

function pathOf(parts: readonly (string | number)[]): string {
  return `#/${parts.join('/')}`
}

/** The rules broken when data written with `writer` is read with `reader` (both Protobuf). */
export function protobufIncompatibilities(reader: ResolvedSchema, writer: ResolvedSchema): Incompatibility[] {
  return new ProtobufDiff(parseSide(writer), parseSide(reader)).run()
}

/** One comparison of original (writer) with update (reader). */
class ProtobufDiff {
  readonly #original: Side
  readonly #update: Side
  /** Original messages being compared, which ends recursive message types. */
  readonly #comparing = new Set<protobuf.Type>()
  #found: Incompatibility[] = []

  constructor(original: Side, update: Side) {
    this.#original = original
    this.#update = update
  }

  run(): Incompatibility[] {
    const originalPackage = this.#original.schema.packageName
    const updatePackage = this.#update.schema.packageName
    if (originalPackage !== updatePackage) {
      this.#add('PACKAGE_CHANGED', [], `The package '${updatePackage}' of the reader schema does not match the package '${originalPackage}' of the writer schema`)
    }
    this.#compareMessageLists(topLevelMessages(this.#original), topLevelMessages(this.#update), [])
    return this.#found
  }

  #add(type: string, parts: readonly (string | number)[], description: string): void {
    this.#found.push({ type, path: pathOf(parts), description })
  }

  /** Runs `compare` on a fresh list and returns what it found. */
  #collect(compare: () => void): Incompatibility[] {
    const outer = this.#found
    this.#found = []
    try {
      compare()
      return this.#found
    } finally {
      this.#found = outer
    }
  }

  #compareMessageLists(original: readonly protobuf.Type[], update: readonly protobuf.Type[], parts: readonly string[]): void {
    const updateByName = new Map(update.map((type) => [type.name, type]))
    for (const originalType of original) {
      const updateType = updateByName.get(originalType.name)
      if (updateType === undefined) {
        this.#add('MESSAGE_REMOVED', [...parts, originalType.name], `The reader schema is missing the message '${[...parts, originalType.name].join('.')}' at path '${pathOf([...parts, originalType.name])}' in the writer schema`)
      } else {
        this.#compareMessages(originalType, updateType, [...parts, originalType.name])
      }
    }
  }

  #compareMessages(original: protobuf.Type, update: protobuf.Type, parts: readonly string[]): void {
    if (this.#comparing.has(original)) return
    this.#comparing.add(original)
    try {
      this.#compareFields(original, update, parts)
      this.#compareMessageLists(messagesIn(original, () => true), messagesIn(update, () => true), parts)
    } finally {
      this.#comparing.delete(original)
    }
  }

  #compareFields(original: protobuf.Type, update: protobuf.Type, parts: readonly string[]): void {
    const originalFields = fieldsByNumber(original)
    const updateFields = fieldsByNumber(update)
    const originalOneofs = oneofsOf(original)
    const updateOneofs = oneofsOf(update)
    const message = parts.join('.')

    // A oneof removed with all its members is a compatible deletion; with some members kept
    // elsewhere, the members dropped are removals.
    const deletedOneofs = new Set([...originalOneofs]
      .filter(([name, numbers]) => !updateOneofs.has(name) && numbers.every((number) => !updateFields.has(number)))
      .map(([name]) => name))

    // A reader oneof may only gather fields that were already mutually exclusive: members of one
    // writer oneof, or a single writer top-level field (new fields do not count).
    for (const [name, numbers] of updateOneofs) {
      const origins = new Set<string>()
      const movedIn: number[] = []
      for (const number of numbers) {
        const before = originalFields.get(number)
        if (before === undefined) continue
        if (before.oneof !== undefined) {
          origins.add(`oneof ${before.oneof}`)
        } else {
          origins.add(`field ${number}`)
          movedIn.push(number)
        }
      }
      if (origins.size <= 1) continue
      if (movedIn.length > 1) {
        this.#add('MULTIPLE_FIELDS_MOVED_TO_ONEOF', [...parts, name], `The fields numbered ${movedIn.join(', ')} of message '${message}' are outside a oneof in the writer schema and inside the oneof '${name}' at path '${pathOf([...parts, name])}' in the reader schema, so they can no longer be set together`)
      } else {
        this.#add('FIELD_MOVED_TO_EXISTING_ONEOF', [...parts, name], `The oneof '${name}' at path '${pathOf([...parts, name])}' of message '${message}' in the reader schema gathers fields that are not mutually exclusive in the writer schema (${[...origins].join(', ')})`)
      }
    }

    const numbers = [...new Set([...originalFields.keys(), ...updateFields.keys()])].sort((a, b) => a - b)
    for (const number of numbers) {
      const before = originalFields.get(number)
      const after = updateFields.get(number)
      if (after === undefined && before !== undefined) {
        if (before.oneof !== undefined) {
          if (!deletedOneofs.has(before.oneof)) {
            const at = [...parts, before.oneof, number]
            this.#add('ONEOF_FIELD_REMOVED', at, `The reader schema is missing the field '${before.field.name}' (number ${number}) of the oneof '${before.oneof}' in message '${message}' at path '${pathOf(at)}' in the writer schema`)
          }
        } else if (before.field.required) {
          this.#add('REQUIRED_FIELD_REMOVED', [...parts, number], `The reader schema is missing the required field '${before.field.name}' (number ${number}) of message '${message}' at path '${pathOf([...parts, number])}' in the writer schema`)
        }
      } else if (before === undefined && after !== undefined) {
        if (after.oneof === undefined && after.field.required) {
          this.#add('REQUIRED_FIELD_ADDED', [...parts, number], `The required field '${after.field.name}' (number ${number}) of message '${message}' at path '${pathOf([...parts, number])}' in the reader schema is missing in the writer schema`)
        }
      } else if (before !== undefined && after !== undefined) {
        const at = after.oneof === undefined ? [...parts, number] : [...parts, after.oneof, number]
        this.#compareTypes(typeOf(before.field), typeOf(after.field), labelOf(before.field), labelOf(after.field), at, after.field.name)
      }
    }
  }

  #compareTypes(original: FieldType, update: FieldType, originalLabel: Label | undefined, updateLabel: Label | undefined, at: readonly (string | number)[], fieldName: string): void {
    const field = `The field '${fieldName}' at path '${pathOf(at)}'`
    if (original.kind !== update.kind) {
      this.#add('FIELD_KIND_CHANGED', at, `${field} is ${describeType(update)} in the reader schema and ${describeType(original)} in the writer schema`)
      return
    }
    if (original.kind === 'SCALAR' && update.kind === 'SCALAR') {
      const group = SCALAR_GROUPS[original.scalar]
      if (group !== SCALAR_GROUPS[update.scalar]) {
        this.#add('FIELD_SCALAR_KIND_CHANGED', at, `${field} is ${update.scalar} in the reader schema and ${original.scalar} in the writer schema, which are not wire-compatible`)
      } else if (originalLabel !== undefined && updateLabel !== undefined && originalLabel !== updateLabel && group !== 'string or bytes') {
        this.#add('FIELD_NUMERIC_LABEL_CHANGED', at, `${field} is a ${updateLabel} ${update.scalar} in the reader schema and a ${originalLabel} ${original.scalar} in the writer schema; numeric fields cannot change between singular, repeated and required`)
      }
    } else if (original.kind === 'MESSAGE' && update.kind === 'MESSAGE') {
      this.#compareMessageTypes(original.message, update.message, at, field)
    } else if (original.kind === 'MAP' && update.kind === 'MAP') {
      this.#compareTypes(original.key, update.key, undefined, undefined, at, fieldName)
      this.#compareTypes(original.value, update.value, undefined, undefined, at, fieldName)
    }
  }

  /**
   * Message types match by name relative to the package of the file declaring them. Two types
   * of the main files are compared where they are declared; a referenced one is compared here.
   */
  #compareMessageTypes(original: protobuf.Type, update: protobuf.Type, at: readonly (string | number)[], field: string): void {
    const originalName = fullNameOf(original)
    const updateName = fullNameOf(update)
    const originalLocal = localName(originalName, this.#original)
    const updateLocal = localName(updateName, this.#update)
    const changed = `${field} names message '${updateName}' in the reader schema and '${originalName}' in the writer schema`
    if (originalLocal !== updateLocal) {
      this.#add('FIELD_NAMED_TYPE_CHANGED', at, changed)
      return
    }
    const bothInMain = this.#original.mainTypes.has(originalName) && this.#update.mainTypes.has(updateName)
    const bothUnknown = !this.#original.packages.has(originalName) && !this.#update.packages.has(updateName)
    if (bothInMain || bothUnknown) return
    const found = this.#collect(() => this.#compareMessages(original, update, originalLocal.split('.')))
    this.#found.push(...found)
    if (found.length > 0) this.#add('FIELD_NAMED_TYPE_CHANGED', at, `${changed}, and these messages differ incompatibly (${[...new Set(found.map((issue) => issue.type))].join(', ')})`)
  }
}

function localName(fullName: string, side: Side): string {
  const packageName = side.packages.get(fullName) ?? ''
  return packageName !== '' && fullName.startsWith(`${packageName}.`) ? fullName.slice(packageName.length + 1) : fullName
}
