/**
 * Schema compatibility as Confluent Schema Registry defines it: levels, and per schema type a
 * check of whether a reader schema can read data written with a writer schema.
 *
 * Levels (default BACKWARD):
 * - BACKWARD: consumers on the candidate read data written with the latest version
 *   (reader = candidate, writer = latest). FORWARD: the other way round (reader = latest,
 *   writer = candidate). FULL: both.
 * - The _TRANSITIVE forms check against every live version instead of the latest.
 * - NONE checks nothing.
 *
 * Each per-type check (avro-compatibility.ts, protobuf-compatibility.ts,
 * json-schema-compatibility.ts) returns the rules the pair breaks, as `Incompatibility` values
 * named after Confluent's error types (`READER_FIELD_MISSING_DEFAULT_VALUE`, `FIELD_KIND_CHANGED`,
 * `OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL`…), so a rejection says which rule broke.
 * `checkCompatibility` turns them into Confluent-style messages, one per broken rule and version
 * checked, where "new" is the candidate and "old" the registered version.
 */
import { avroIncompatibilities } from './avro-compatibility.ts'
import type { Incompatibility, ResolvedSchema } from './incompatibility.ts'
import { jsonSchemaIncompatibilities } from './json-schema-compatibility.ts'
import { protobufIncompatibilities } from './protobuf-compatibility.ts'

export type { Incompatibility, ResolvedSchema } from './incompatibility.ts'

export const COMPATIBILITY_LEVELS = [
  'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE',
] as const
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number]

export function isCompatibilityLevel(value: unknown): value is CompatibilityLevel {
  return typeof value === 'string' && (COMPATIBILITY_LEVELS as readonly string[]).includes(value)
}

/** A version the candidate was checked against. */
export interface PreviousVersion {
  readonly version: number
  readonly schema: ResolvedSchema
}

export interface CompatibilityResult {
  readonly compatible: boolean
  /** Confluent-style messages, one per broken rule, naming the rule, the path and the version. */
  readonly messages: readonly string[]
}

/**
 * The rules `reader` breaks reading data written with `writer` (both of the same schema type).
 * A schema that does not parse is an Error thrown (the caller reports it as an invalid schema).
 */
export function incompatibilities(reader: ResolvedSchema, writer: ResolvedSchema): Incompatibility[] {
  if (reader.schemaType !== writer.schemaType) {
    return [{ type: 'TYPE_MISMATCH', path: '/', description: `The schema type changed from ${writer.schemaType} to ${reader.schemaType}` }]
  }
  switch (reader.schemaType) {
    case 'AVRO': return avroIncompatibilities(reader, writer)
    case 'PROTOBUF': return protobufIncompatibilities(reader, writer)
    case 'JSON': return jsonSchemaIncompatibilities(reader, writer)
  }
}

/**
 * Whether `candidate` may be registered after `previous` (live versions, oldest first) at
 * `level`.
 */
export function checkCompatibility(
  level: CompatibilityLevel, candidate: ResolvedSchema, previous: readonly PreviousVersion[],
): CompatibilityResult {
  if (level === 'NONE' || previous.length === 0) return { compatible: true, messages: [] }
  const against = level.endsWith('_TRANSITIVE') ? [...previous].reverse() : [previous[previous.length - 1]]
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL')
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL')
  const messages: string[] = []
  for (const old of against) {
    // Confluent's wording: the candidate is the "new" schema, the registered version the "old".
    if (backward) messages.push(...incompatibilities(candidate, old.schema).map((issue) => format(issue, 'new', 'old', old.version, level)))
    if (forward) messages.push(...incompatibilities(old.schema, candidate).map((issue) => format(issue, 'old', 'new', old.version, level)))
  }
  return { compatible: messages.length === 0, messages }
}

/** A Confluent-style message, with the description's "reader schema" and "writer schema" named new or old. */
function format(issue: Incompatibility, reader: string, writer: string, version: number, level: CompatibilityLevel): string {
  const description = issue.description.replace(/\b(reader|writer) schema\b/g, (_, role: string) => `${role === 'reader' ? reader : writer} schema`)
  return `{errorType:'${issue.type}', description:'${description}', additionalInfo:'${issue.path}'}, {oldSchemaVersion: ${version}}, {compatibility: '${level}'}`
}
