/**
 * A schema's canonical text, its fingerprint, and parse validation, as the registry applies them
 * before storing a schema.
 *
 * - Canonical text: Avro and JSON Schema texts as compact JSON (`JSON.stringify(JSON.parse(t))`,
 *   so whitespace and formatting do not matter; key order does); Protobuf text trimmed. This is
 *   the text the registry stores and serves. (Confluent also normalises some Avro forms, e.g.
 *   `{"type":"string"}` to `"string"`; Creek does not, so such texts get distinct ids.)
 * - Identity and fingerprint: type, canonical text and references (name, subject, version), as
 *   `InMemorySchemaRegistry` defines them; equal identities share one id. The fingerprint is the
 *   identity's SHA-256 in hex, what the topic's claim records carry.
 * - Validation parses the schema with its references the way the serdes will: Avro with avsc
 *   `Type.forSchema` (referenced named types registered first), JSON Schema by compiling it with
 *   ajv (referenced documents added under their reference names), Protobuf with
 *   `ProtobufSchema` (references as imports). A failure is a RegistryError 42201 carrying the
 *   parser's message.
 */
import { createHash } from 'node:crypto'
import Ajv, { type Options as AjvOptions } from 'ajv'
import Ajv2019 from 'ajv/dist/2019.js'
import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import avsc from 'avsc'
import { ProtobufSchema } from '../protobuf-schema.ts'
import type { SchemaReference, SchemaType } from '../schema-registry-client.ts'
import type { ResolvedSchema } from './compatibility/index.ts'
import { registryErrors } from './registry-errors.ts'

export const SCHEMA_TYPES: readonly SchemaType[] = ['JSON', 'PROTOBUF', 'AVRO']

export function isSchemaType(value: unknown): value is SchemaType {
  return typeof value === 'string' && (SCHEMA_TYPES as readonly string[]).includes(value)
}

/** The canonical text of a schema; throws a RegistryError 42201 when an Avro or JSON text is not JSON. */
export function canonicalSchemaText(schemaType: SchemaType, text: string): string {
  if (schemaType === 'PROTOBUF') return text.trim()
  try {
    return JSON.stringify(JSON.parse(text))
  } catch (error) {
    throw registryErrors.invalidSchema(`Invalid schema: the ${schemaType} schema is not valid JSON: ${(error as Error).message}`, {}, error)
  }
}

/** The identity string of a schema whose text is already canonical. */
export function schemaIdentity(schemaType: SchemaType, canonicalText: string, references: readonly SchemaReference[]): string {
  const refs = references.map((r) => `${r.name}\u0000${r.subject}\u0000${r.version}`).join('\u0001')
  return `${schemaType}\u0002${canonicalText}\u0002${refs}`
}

/** SHA-256 (hex) of the identity. */
export function schemaFingerprint(schemaType: SchemaType, canonicalText: string, references: readonly SchemaReference[]): string {
  return createHash('sha256').update(schemaIdentity(schemaType, canonicalText, references)).digest('hex')
}

function newAjv(dialect: string): Ajv {
  const options: AjvOptions = { strict: false, allErrors: false }
  const ajv = dialect.includes('2020-12') ? new Ajv2020(options) : dialect.includes('2019-09') ? new Ajv2019(options) : new Ajv(options)
  addFormats(ajv)
  return ajv
}

/** Parses `resolved` with its references; throws a RegistryError 42201 naming the parser's complaint. */
export function validateSchema(resolved: ResolvedSchema): void {
  const { schemaType } = resolved
  try {
    switch (schemaType) {
      case 'AVRO': {
        const registry: Record<string, avsc.Type> = {}
        for (const text of resolved.references.values()) avsc.Type.forSchema(JSON.parse(text), { registry })
        avsc.Type.forSchema(JSON.parse(resolved.schema), { registry })
        return
      }
      case 'JSON': {
        const document: unknown = JSON.parse(resolved.schema)
        if (typeof document !== 'boolean' && (typeof document !== 'object' || document === null || Array.isArray(document))) {
          throw new Error('a JSON Schema is an object or a boolean')
        }
        const dialect = typeof document === 'object' ? String((document as { $schema?: unknown }).$schema ?? '') : ''
        const ajv = newAjv(dialect)
        for (const [name, text] of resolved.references) ajv.addSchema(JSON.parse(text) as object, name)
        ajv.compile(document as object)
        return
      }
      case 'PROTOBUF': {
        const imports = [...resolved.references].map(([name, text]) => ({ name, text }))
        new ProtobufSchema(resolved.schema, imports) // parsing is the check
        return
      }
    }
  } catch (error) {
    const detail = error instanceof Error ? ('detail' in error && typeof error.detail === 'string' ? error.detail : error.message) : String(error)
    throw registryErrors.invalidSchema(`Invalid schema of type ${schemaType}, details: ${detail}`, {}, error)
  }
}
