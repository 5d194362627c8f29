/**
 * `avroIncompatibilities(reader, writer)`: the Avro schema-resolution rules a reader schema
 * breaks when it reads data written with a writer schema, reported as Apache Avro's
 * `SchemaCompatibility` (which Confluent's registry runs) reports them:
 *
 * | rule                                 | when                                                        |
 * |--------------------------------------|-------------------------------------------------------------|
 * | `NAME_MISMATCH`                      | named types whose unqualified names differ and no reader alias names the writer |
 * | `FIXED_SIZE_MISMATCH`                | fixed types of different sizes                              |
 * | `MISSING_ENUM_SYMBOLS`               | writer enum symbols the reader lacks, unless the reader enum has a default |
 * | `READER_FIELD_MISSING_DEFAULT_VALUE` | a reader field found in the writer neither by name nor by a field alias, with no default |
 * | `TYPE_MISMATCH`                      | different types, other than the promotions int→long→float→double and string↔bytes |
 * | `MISSING_UNION_BRANCH`               | a writer (union branch) type no branch of the reader union can read |
 *
 * Paths are Avro's JSON pointers into the reader schema (`/fields/1/type`, `/fields/0/type/items`,
 * `/fields/2/type/1` for a union branch), without the root. As in Avro, names are compared
 * without their namespaces, writer fields the reader lacks are skipped, a writer union is
 * readable when every branch is, and a reader union when one branch reads the writer.
 *
 * Logical types are compared as their underlying types (the schemas are parsed without logical
 * type implementations). References (`ResolvedSchema.references`, name → schema text) are parsed
 * first into the same registry so that the schema's named types resolve. Recursive schemas end:
 * a reader/writer pair met again while it is being compared counts as compatible, and a pair
 * already compared gives its earlier result.
 *
 * Descriptions say "reader schema" and "writer schema"; `checkCompatibility` rewords them as
 * new/old for the direction it checks.
 */
import avsc from 'avsc'
import { SerdesError } from '../../errors.ts'
import type { Incompatibility, ResolvedSchema } from './incompatibility.ts'

type AvroType = avsc.Type

/** The writer types each primitive reader type also reads (Avro's promotions). */
const PRIMITIVE_PROMOTIONS: Readonly<Record<string, readonly string[]>> = {
  long: ['int'],
  float: ['int', 'long'],
  double: ['int', 'long', 'float'],
  bytes: ['string'],
  string: ['bytes'],
}

/** Parses `schema` with its references into one registry; throws when any of them does not parse. */
function parseAvroSchema(schema: ResolvedSchema): AvroType {
  const registry: Record<string, AvroType> = {}
  const options = { registry, wrapUnions: 'always' as const }
  // References may name each other; parse them in whatever order lets each one's names resolve.
  let pending = [...schema.references]
  while (pending.length > 0) {
    const failed: [string, string][] = []
    let lastError: unknown
    for (const [name, text] of pending) {
      const attempt: Record<string, AvroType> = { ...registry }
      try {
        avsc.Type.forSchema(parseJson(text, `reference "${name}"`), { ...options, registry: attempt })
        Object.assign(registry, attempt)
      } catch (error) {
        if (error instanceof SerdesError) throw error
        failed.push([name, text])
        lastError = error
      }
    }
    if (failed.length === pending.length) {
      throw new SerdesError('SERDES_INVALID_SCHEMA', `Invalid Avro schema: reference "${failed[0][0]}" does not parse: ${(lastError as Error).message}`, {}, { cause: lastError })
    }
    pending = failed
  }
  try {
    return avsc.Type.forSchema(parseJson(schema.schema, 'schema'), options)
  } catch (error) {
    if (error instanceof SerdesError) throw error
    throw new SerdesError('SERDES_INVALID_SCHEMA', `Invalid Avro schema: ${(error as Error).message}`, {}, { cause: error })
  }
}

function parseJson(text: string, what: string): avsc.Schema {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new SerdesError('SERDES_INVALID_SCHEMA', `Invalid Avro schema: the ${what} is not JSON: ${(error as Error).message}`, {}, { cause: error })
  }
}

/** The rules broken when `reader` reads data written with `writer` (both Avro). */
export function avroIncompatibilities(reader: ResolvedSchema, writer: ResolvedSchema): Incompatibility[] {
  const found = new AvroChecker().check(parseAvroSchema(reader), parseAvroSchema(writer), [])
  const seen = new Set<string>()
  return found.filter((issue) => {
    const key = `${issue.type} ${issue.path}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** Avro's type name in upper case (`RECORD`, `STRING`), as Avro's messages print it. */
function kindOf(type: AvroType): string {
  const name = type.typeName
  if (name.startsWith('union')) return 'union'
  if (name === 'error') return 'record'
  return name
}

function label(type: AvroType): string {
  return type.name === undefined ? kindOf(type) : `${kindOf(type)} '${type.name}'`
}

function pointer(location: readonly string[]): string {
  return `/${location.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`
}

function unqualified(name: string | undefined): string | undefined {
  return name === undefined ? undefined : name.slice(name.lastIndexOf('.') + 1)
}

function recordFields(type: AvroType): readonly avsc.types.Field[] {
  return (type as avsc.types.RecordType).fields
}

function unionBranches(type: AvroType): readonly AvroType[] {
  return (type as avsc.types.WrappedUnionType).types
}

const IN_PROGRESS: readonly Incompatibility[] = []

/** One comparison: remembers the reader/writer pairs seen, which ends recursive schemas. */
class AvroChecker {
  readonly #seen = new Map<AvroType, Map<AvroType, readonly Incompatibility[]>>()

  check(reader: AvroType, writer: AvroType, location: readonly string[]): Incompatibility[] {
    let byWriter = this.#seen.get(reader)
    if (byWriter === undefined) {
      byWriter = new Map()
      this.#seen.set(reader, byWriter)
    }
    const known = byWriter.get(writer)
    if (known !== undefined) return [...known]
    byWriter.set(writer, IN_PROGRESS)
    const result = this.#compare(reader, writer, location)
    byWriter.set(writer, result)
    return result
  }

  #compare(reader: AvroType, writer: AvroType, location: readonly string[]): Incompatibility[] {
    const readerKind = kindOf(reader)
    const writerKind = kindOf(writer)
    if (readerKind === writerKind) {
      switch (readerKind) {
        case 'array':
          return this.check((reader as avsc.types.ArrayType).itemsType, (writer as avsc.types.ArrayType).itemsType, [...location, 'items'])
        case 'map':
          return this.check((reader as avsc.types.MapType).valuesType, (writer as avsc.types.MapType).valuesType, [...location, 'values'])
        case 'fixed':
          return [...this.#names(reader, writer, location), ...this.#fixedSize(reader, writer, location)]
        case 'enum':
          return [...this.#names(reader, writer, location), ...this.#enumSymbols(reader, writer, location)]
        case 'record':
          return [...this.#names(reader, writer, location), ...this.#fields(reader, writer, location)]
        case 'union':
          return this.#writerUnionIntoUnion(reader, writer, location)
        default:
          return []
      }
    }
    if (writerKind === 'union') {
      // Every branch the writer may have written must be readable.
      return unionBranches(writer).flatMap((branch, index) => this.check(reader, branch, [...location, String(index)]))
    }
    if (readerKind === 'union') {
      if (unionBranches(reader).some((branch) => this.check(branch, writer, location).length === 0)) return []
      return [{
        type: 'MISSING_UNION_BRANCH',
        path: pointer(location),
        description: `The reader schema is missing a type inside a union field at path '${pointer(location)}' in the writer schema: no branch of the reader union reads ${label(writer)}`,
      }]
    }
    if ((PRIMITIVE_PROMOTIONS[readerKind] ?? []).includes(writerKind)) return []
    return [{
      type: 'TYPE_MISMATCH',
      path: pointer(location),
      description: `The type (path '${pointer(location)}') of a field in the reader schema does not match with the writer schema: ${label(writer)} cannot be read as ${label(reader)}`,
    }]
  }

  #writerUnionIntoUnion(reader: AvroType, writer: AvroType, location: readonly string[]): Incompatibility[] {
    const found: Incompatibility[] = []
    unionBranches(writer).forEach((branch, index) => {
      const branchLocation = [...location, String(index)]
      if (this.check(reader, branch, branchLocation).length > 0) {
        found.push({
          type: 'MISSING_UNION_BRANCH',
          path: pointer(branchLocation),
          description: `The reader schema is missing a type inside a union field at path '${pointer(branchLocation)}' in the writer schema: the reader union has no branch for ${label(branch)}`,
        })
      }
    })
    return found
  }

  /** Unqualified names match, or one of the reader's (qualified) aliases is the writer's full name. */
  #names(reader: AvroType, writer: AvroType, location: readonly string[]): Incompatibility[] {
    if (unqualified(reader.name) === unqualified(writer.name)) return []
    if ((reader.aliases ?? []).includes(writer.name ?? '')) return []
    const path = pointer([...location, 'name'])
    return [{
      type: 'NAME_MISMATCH',
      path,
      description: `The name of the schema has changed (path '${path}'): the reader schema names ${kindOf(reader)} '${reader.name}' and has no alias for '${writer.name}' of the writer schema`,
    }]
  }

  #fixedSize(reader: AvroType, writer: AvroType, location: readonly string[]): Incompatibility[] {
    const readerSize = (reader as avsc.types.FixedType).size
    const writerSize = (writer as avsc.types.FixedType).size
    if (readerSize === writerSize) return []
    const path = pointer([...location, 'size'])
    return [{
      type: 'FIXED_SIZE_MISMATCH',
      path,
      description: `The size of FIXED type field at path '${path}' in the reader schema does not match with the writer schema: expected ${writerSize}, found ${readerSize}`,
    }]
  }

  #enumSymbols(reader: AvroType, writer: AvroType, location: readonly string[]): Incompatibility[] {
    const readerEnum = reader as avsc.types.EnumType
    const readerSymbols = new Set(readerEnum.symbols)
    const missing = (writer as avsc.types.EnumType).symbols.filter((symbol) => !readerSymbols.has(symbol)).sort()
    const readerDefault = (readerEnum as { default?: string }).default
    if (missing.length === 0 || (readerDefault !== undefined && readerSymbols.has(readerDefault))) return []
    const path = pointer([...location, 'symbols'])
    return [{
      type: 'MISSING_ENUM_SYMBOLS',
      path,
      description: `The reader schema is missing enum symbols '[${missing.join(', ')}]' at path '${path}' in the writer schema, and its enum '${reader.name}' has no default`,
    }]
  }

  /** Each reader field is found in the writer (by name or a field alias) or has a default. */
  #fields(reader: AvroType, writer: AvroType, location: readonly string[]): Incompatibility[] {
    const writerFields = new Map(recordFields(writer).map((field) => [field.name, field]))
    const found: Incompatibility[] = []
    recordFields(reader).forEach((field, index) => {
      const fieldLocation = [...location, 'fields', String(index)]
      const path = pointer(fieldLocation)
      const matches = [field.name, ...field.aliases]
        .map((name) => writerFields.get(name))
        .filter((match, position, all): match is avsc.types.Field => match !== undefined && all.indexOf(match) === position)
      if (matches.length > 1) {
        // Avro gives up with an error here; report it as the type clash it is.
        found.push({
          type: 'TYPE_MISMATCH',
          path,
          description: `The field '${field.name}' at path '${path}' in the reader schema matches several fields of the writer schema by its name and aliases (${matches.map((match) => `'${match.name}'`).join(', ')})`,
        })
      } else if (matches.length === 0) {
        if (field.defaultValue() === undefined) {
          found.push({
            type: 'READER_FIELD_MISSING_DEFAULT_VALUE',
            path,
            description: `The field '${field.name}' at path '${path}' in the reader schema has no default value and is missing in the writer schema`,
          })
        }
      } else {
        found.push(...this.check(field.type, matches[0].type, [...fieldLocation, 'type']))
      }
    })
    return found
  }
}
