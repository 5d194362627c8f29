/**
 * The records of the registry's topic (`_schemas`): keys and values as UTF-8 JSON in Confluent
 * Schema Registry's layout, so the topic reads like Confluent's.
 *
 * | key | value | meaning |
 * |---|---|---|
 * | `{"keytype":"SCHEMA","subject":s,"version":v,"magic":1}` | `{"subject","version","id","schemaType","schema","references","deleted"}` | version `v` of `s`; `deleted: true` = soft-deleted; a tombstone = permanently deleted |
 * | `{"keytype":"CONFIG","subject":s\|null,"magic":0}` | `{"compatibilityLevel"}` | compatibility of `s` (null: global); tombstone = unset |
 * | `{"keytype":"MODE","subject":s\|null,"magic":0}` | `{"mode"}` | mode of `s` (null: global); tombstone = unset |
 * | `{"keytype":"DELETE_SUBJECT","subject":s,"magic":0}` | `{"subject","version"}` | `s` soft-deleted up to `version`; tombstone when `s` is deleted permanently |
 * | `{"keytype":"NOOP","magic":0}` | null | written to learn how far the log goes (see registry-store.ts) |
 * | `{"keytype":"CREEK_CLAIM","claim":uuid,"magic":0}` | `{"subject","version","id","fingerprint"}` | Creek's own: a node's claim of a version and an id before it writes the SCHEMA record (see registry-state.ts) |
 *
 * Decoding never throws: a record that is not one of these (another tool's, a newer layout) is
 * `undefined` and the caller skips it.
 */
import type { SchemaReference, SchemaType } from '../schema-registry-client.ts'

export type RegistryKey =
  | { readonly keytype: 'SCHEMA'; readonly subject: string; readonly version: number }
  | { readonly keytype: 'CONFIG'; readonly subject: string | null }
  | { readonly keytype: 'MODE'; readonly subject: string | null }
  | { readonly keytype: 'DELETE_SUBJECT'; readonly subject: string }
  | { readonly keytype: 'NOOP' }
  | { readonly keytype: 'CREEK_CLAIM'; readonly claim: string }

export interface SchemaValue {
  readonly subject: string
  readonly version: number
  readonly id: number
  readonly schemaType: SchemaType
  readonly schema: string
  readonly references: readonly SchemaReference[]
  readonly deleted: boolean
}

export interface ConfigValue {
  readonly compatibilityLevel: string
}

export interface ModeValue {
  readonly mode: string
}

export interface DeleteSubjectValue {
  readonly subject: string
  readonly version: number
}

export interface ClaimValue {
  readonly subject: string
  readonly version: number
  readonly id: number
  /** SHA-256 (hex) of the schema's identity: type, canonical text, references. */
  readonly fingerprint: string
}

/** A record of the topic, decoded. `value` is null for a tombstone. */
export type RegistryRecord =
  | { readonly key: Extract<RegistryKey, { keytype: 'SCHEMA' }>; readonly value: SchemaValue | null }
  | { readonly key: Extract<RegistryKey, { keytype: 'CONFIG' }>; readonly value: ConfigValue | null }
  | { readonly key: Extract<RegistryKey, { keytype: 'MODE' }>; readonly value: ModeValue | null }
  | { readonly key: Extract<RegistryKey, { keytype: 'DELETE_SUBJECT' }>; readonly value: DeleteSubjectValue | null }
  | { readonly key: Extract<RegistryKey, { keytype: 'NOOP' }>; readonly value: null }
  | { readonly key: Extract<RegistryKey, { keytype: 'CREEK_CLAIM' }>; readonly value: ClaimValue | null }

/** The key's JSON, fields in Confluent's order (equal keys are equal strings, as compaction needs). */
export function encodeKey(key: RegistryKey): string {
  switch (key.keytype) {
    case 'SCHEMA': return JSON.stringify({ keytype: 'SCHEMA', subject: key.subject, version: key.version, magic: 1 })
    case 'CONFIG': return JSON.stringify({ keytype: 'CONFIG', subject: key.subject, magic: 0 })
    case 'MODE': return JSON.stringify({ keytype: 'MODE', subject: key.subject, magic: 0 })
    case 'DELETE_SUBJECT': return JSON.stringify({ keytype: 'DELETE_SUBJECT', subject: key.subject, magic: 0 })
    case 'NOOP': return JSON.stringify({ keytype: 'NOOP', magic: 0 })
    case 'CREEK_CLAIM': return JSON.stringify({ keytype: 'CREEK_CLAIM', claim: key.claim, magic: 0 })
  }
}

/** The value's JSON, or null for a tombstone. */
export function encodeValue(record: RegistryRecord): string | null {
  const { value } = record
  if (value === null) return null
  switch (record.key.keytype) {
    case 'SCHEMA': {
      const v = value as SchemaValue
      return JSON.stringify({
        subject: v.subject, version: v.version, id: v.id, schemaType: v.schemaType, schema: v.schema,
        references: v.references.map((r) => ({ name: r.name, subject: r.subject, version: r.version })), deleted: v.deleted,
      })
    }
    case 'CONFIG': return JSON.stringify({ compatibilityLevel: (value as ConfigValue).compatibilityLevel })
    case 'MODE': return JSON.stringify({ mode: (value as ModeValue).mode })
    case 'DELETE_SUBJECT': {
      const v = value as DeleteSubjectValue
      return JSON.stringify({ subject: v.subject, version: v.version })
    }
    case 'CREEK_CLAIM': {
      const v = value as ClaimValue
      return JSON.stringify({ subject: v.subject, version: v.version, id: v.id, fingerprint: v.fingerprint })
    }
    default: return null
  }
}

function parseObject(bytes: Buffer | string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'))
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}

const isPositiveInt = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0
const isString = (value: unknown): value is string => typeof value === 'string'
const SCHEMA_TYPES: ReadonlySet<string> = new Set(['AVRO', 'PROTOBUF', 'JSON'])

export function decodeKey(bytes: Buffer | string): RegistryKey | undefined {
  const key = parseObject(bytes)
  if (key === undefined) return undefined
  const subject = key.subject
  switch (key.keytype) {
    case 'SCHEMA': return isString(subject) && isPositiveInt(key.version) ? { keytype: 'SCHEMA', subject, version: key.version } : undefined
    case 'CONFIG': return isString(subject) || subject === null || subject === undefined ? { keytype: 'CONFIG', subject: subject ?? null } : undefined
    case 'MODE': return isString(subject) || subject === null || subject === undefined ? { keytype: 'MODE', subject: subject ?? null } : undefined
    case 'DELETE_SUBJECT': return isString(subject) ? { keytype: 'DELETE_SUBJECT', subject } : undefined
    case 'NOOP': return { keytype: 'NOOP' }
    case 'CREEK_CLAIM': return isString(key.claim) ? { keytype: 'CREEK_CLAIM', claim: key.claim } : undefined
    default: return undefined
  }
}

function decodeReferences(value: unknown): SchemaReference[] | undefined {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value)) return undefined
  const references: SchemaReference[] = []
  for (const r of value as Record<string, unknown>[]) {
    if (typeof r !== 'object' || r === null || !isString(r.name) || !isString(r.subject) || !Number.isSafeInteger(r.version)) return undefined
    references.push({ name: r.name, subject: r.subject, version: r.version as number })
  }
  return references
}

/** The record, or undefined when the key or value is not of this layout. */
export function decodeRecord(keyBytes: Buffer | null, valueBytes: Buffer | null): RegistryRecord | undefined {
  if (keyBytes === null) return undefined
  const key = decodeKey(keyBytes)
  if (key === undefined) return undefined
  if (key.keytype === 'NOOP') return { key, value: null }
  if (valueBytes === null) return { key, value: null } as RegistryRecord
  const v = parseObject(valueBytes)
  if (v === undefined) return undefined
  switch (key.keytype) {
    case 'SCHEMA': {
      const schemaType = v.schemaType ?? 'AVRO'
      const references = decodeReferences(v.references)
      if (!isPositiveInt(v.id) || !isString(v.schema) || !isString(schemaType) || !SCHEMA_TYPES.has(schemaType) || references === undefined) return undefined
      return {
        key,
        value: {
          subject: key.subject, version: key.version, id: v.id, schemaType: schemaType as SchemaType, schema: v.schema,
          references, deleted: v.deleted === true,
        },
      }
    }
    case 'CONFIG': return isString(v.compatibilityLevel) ? { key, value: { compatibilityLevel: v.compatibilityLevel } } : undefined
    case 'MODE': return isString(v.mode) ? { key, value: { mode: v.mode } } : undefined
    case 'DELETE_SUBJECT': return isPositiveInt(v.version) ? { key, value: { subject: key.subject, version: v.version } } : undefined
    case 'CREEK_CLAIM': {
      if (!isString(v.subject) || !isPositiveInt(v.version) || !isPositiveInt(v.id) || !isString(v.fingerprint)) return undefined
      return { key, value: { subject: v.subject, version: v.version, id: v.id, fingerprint: v.fingerprint } }
    }
  }
}
