/**
 * Schema files and schema options of the CLI: `--schema FILE`, `--type avro|protobuf|json` and
 * `--reference name=subject:version`, as `creek schemas register|check` take them.
 *
 * The type, when `--type` is not given, follows the file name: `.proto` is Protobuf, anything
 * else Avro (Confluent's default type; a JSON Schema needs `--type json`).
 */
import { readFileSync } from 'node:fs'
import type { Schema, SchemaReference, SchemaRegistryClient, SchemaType } from '../serdes/index.ts'
import { CliError } from './cli-error.ts'

const TYPES: Record<string, SchemaType> = {
  avro: 'AVRO',
  protobuf: 'PROTOBUF',
  proto: 'PROTOBUF',
  json: 'JSON',
  'json-schema': 'JSON',
}

/** The text of a schema file; a missing or unreadable file is a CliError naming the option. */
export function readSchemaFile(file: string, option = '--schema'): string {
  if (file.trim() === '') throw new CliError(`${option} needs a file name`)
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message
    throw new CliError(`cannot read ${option} ${file}: ${reason}`)
  }
}

/** The schema type from `--type`, else from the file name. */
export function schemaType(type: string | undefined, file: string): SchemaType {
  if (type === undefined) return file.toLowerCase().endsWith('.proto') ? 'PROTOBUF' : 'AVRO'
  const found = TYPES[type.trim().toLowerCase()]
  if (found === undefined) throw new CliError(`--type must be avro, protobuf or json, got '${type}'`)
  return found
}

/** A parsed `--reference name=subject:version`; the version may be `latest` until resolved. */
interface ReferenceOption {
  readonly name: string
  readonly subject: string
  readonly version: number | 'latest'
}

/** Parses `--reference name=subject:version` options (the version a number or `latest`). */
export function parseReferences(values: readonly string[]): ReferenceOption[] {
  return values.map((value) => {
    const eq = value.indexOf('=')
    const colon = value.lastIndexOf(':')
    if (eq <= 0 || colon <= eq + 1 || colon === value.length - 1) {
      throw new CliError(`--reference expects name=subject:version (e.g. common/money.proto=money:1), got '${value}'`)
    }
    const versionText = value.slice(colon + 1).trim()
    const version = versionText === 'latest' ? 'latest' : Number(versionText)
    if (version !== 'latest' && (!Number.isSafeInteger(version) || version < 1)) {
      throw new CliError(`--reference version must be a positive integer or latest, got '${versionText}' in '${value}'`)
    }
    return { name: value.slice(0, eq), subject: value.slice(eq + 1, colon), version }
  })
}

/** The schema of a file with its references, `latest` versions resolved through `registry`. */
export async function schemaFromOptions(
  registry: SchemaRegistryClient,
  options: { readonly schema: string; readonly type?: string; readonly reference?: readonly string[] },
): Promise<Schema> {
  const references = parseReferences(options.reference ?? [])
  const type = schemaType(options.type, options.schema)
  const text = readSchemaFile(options.schema)
  const resolved: SchemaReference[] = []
  for (const reference of references) {
    const version = reference.version === 'latest' ? (await registry.getLatest(reference.subject)).version : reference.version
    resolved.push({ name: reference.name, subject: reference.subject, version })
  }
  return { schemaType: type, schema: text, references: resolved }
}
