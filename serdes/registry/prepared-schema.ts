/**
 * A request's schema made ready for the registry: its type checked, its text canonicalised, its
 * references resolved against the registry's state (`-1` becomes the subject's latest live
 * version), the referenced texts gathered transitively, the whole parsed (canonical-schema.ts)
 * and fingerprinted. Any problem is a RegistryError 42201, as Confluent answers.
 *
 * `resolveStored` gives a stored version the same shape, for compatibility checks against it.
 */
import type { SchemaReference, SchemaType } from '../schema-registry-client.ts'
import { canonicalSchemaText, isSchemaType, schemaFingerprint, validateSchema } from './canonical-schema.ts'
import type { ResolvedSchema } from './compatibility/index.ts'
import { registryErrors } from './registry-errors.ts'
import type { RegistryState, SchemaVersion } from './registry-state.ts'

/** What a register, lookup or compatibility request carries (Confluent's request body). */
export interface SchemaRequest {
  readonly schema: string
  /** Default AVRO. */
  readonly schemaType?: SchemaType
  readonly references?: readonly SchemaReference[]
  /** IMPORT mode only: the id to register under. */
  readonly id?: number
  /** IMPORT mode only: the version to register as. */
  readonly version?: number
}

export interface PreparedSchema {
  readonly schemaType: SchemaType
  /** The text to store (see canonical-schema.ts). */
  readonly canonical: string
  /** The references with concrete versions. */
  readonly references: readonly SchemaReference[]
  /** The schema with every referenced text, for validation and compatibility checks. */
  readonly resolved: ResolvedSchema
  readonly fingerprint: string
}

/**
 * Validates and canonicalises `request`'s schema against `state`. References must name stored
 * versions, live ones unless `allowDeletedReferences` (lookups and checks may name soft-deleted
 * versions; a new registration may not).
 */
export function prepareSchema(state: RegistryState, request: SchemaRequest, allowDeletedReferences: boolean): PreparedSchema {
  const schemaType = request.schemaType ?? 'AVRO'
  if (!isSchemaType(schemaType)) throw registryErrors.invalidSchema(`Invalid schema type ${JSON.stringify(schemaType)}: use AVRO, PROTOBUF or JSON`)
  if (typeof request.schema !== 'string' || request.schema.trim() === '') throw registryErrors.invalidSchema('Empty schema')
  const canonical = canonicalSchemaText(schemaType, request.schema)
  const references = (request.references ?? []).map((reference) => {
    const version = reference.version === -1 ? state.versions(reference.subject).at(-1)?.version : reference.version
    const target = version === undefined ? undefined : state.version(reference.subject, version)
    if (target === undefined || (target.deleted && !allowDeletedReferences)) {
      throw registryErrors.invalidSchema(`Invalid schema: the reference "${reference.name}" names subject '${reference.subject}' version ${reference.version}, which does not exist; register it first`)
    }
    return { name: reference.name, subject: reference.subject, version: target.version }
  })
  const resolved: ResolvedSchema = { schemaType, schema: canonical, references: referenceTexts(state, references) }
  validateSchema(resolved)
  return { schemaType, canonical, references, resolved, fingerprint: schemaFingerprint(schemaType, canonical, references) }
}

/** A stored version with the texts of its references. */
export function resolveStored(state: RegistryState, version: SchemaVersion): ResolvedSchema {
  return { schemaType: version.schemaType, schema: version.schema, references: referenceTexts(state, version.references) }
}

/** The texts of `references`, transitively, by reference name, dependencies first. */
function referenceTexts(state: RegistryState, references: readonly SchemaReference[]): Map<string, string> {
  const texts = new Map<string, string>()
  const seen = new Set<string>()
  const visit = (refs: readonly SchemaReference[]): void => {
    for (const reference of refs) {
      const key = `${reference.subject}\u0000${reference.version}`
      if (seen.has(key)) continue
      seen.add(key)
      const target = state.version(reference.subject, reference.version)
      if (target === undefined) continue // the parser reports the name it cannot resolve
      visit(target.references)
      if (!texts.has(reference.name)) texts.set(reference.name, target.schema)
    }
  }
  visit(references)
  return texts
}
