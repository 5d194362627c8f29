/**
 * `RegistryState`: what the registry knows (subjects → versions → ids, configs, modes), derived
 * only from the records of its topic applied in log order. It makes no decisions of its own and
 * never fails: a record that makes no sense is skipped.
 *
 * Compaction safety. The topic is compacted, so a restarted node reads, for each key, only its
 * latest record, at its original offset. The state is therefore built so that it depends only
 * on those latest records:
 * - SCHEMA, CONFIG, MODE and DELETE_SUBJECT records are a table: each sets (or, as a tombstone,
 *   removes) its key's entry, whatever came before. A version is soft-deleted when its value
 *   says `deleted` or its subject's DELETE_SUBJECT record covers it (`version ≤ value.version`).
 * - CREEK_CLAIM records decide who gets a version and an id when several nodes register at
 *   once. Each has a unique key (a UUID) and is never overwritten or tombstoned, so compaction
 *   keeps every claim in its original order, and their outcome (a pure function of the claims
 *   before them) is the same on every node and after any restart:
 *   a claim of (subject, version, id, fingerprint) is accepted iff no earlier accepted claim
 *   holds that (subject, version), and the id is not bound to another fingerprint, nor the
 *   fingerprint to another id. A node writes the SCHEMA record only once its claim was accepted.
 *
 * Ids and versions are never reused: the next id is above every id ever claimed or stored, the
 * next version of a subject above every version ever claimed, stored or soft-deleted there.
 * Claims outlive permanent deletes and compaction, so they are the watermark that survives a
 * restart; they also keep the binding id ↔ schema, so a schema registered again after a
 * permanent delete gets its old id back.
 *
 * Pending claims: an accepted claim whose SCHEMA record has not been seen yet (its node is
 * still writing it, or crashed). `pendingClaims` lets a registering node wait for them, up to a
 * timeout measured from the claim record's timestamp, after which they count as abandoned (a
 * version number and an id are then skipped, never reused).
 *
 * Concurrency: single-threaded; the store applies records one at a time.
 */
import { type CompatibilityLevel, isCompatibilityLevel } from './compatibility/index.ts'
import type { SchemaReference, SchemaType } from '../schema-registry-client.ts'
import { canonicalSchemaText, schemaFingerprint } from './canonical-schema.ts'
import type { ClaimValue, RegistryRecord, SchemaValue } from './registry-records.ts'

export const REGISTRY_MODES = ['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT'] as const
export type RegistryMode = (typeof REGISTRY_MODES)[number]

export function isRegistryMode(value: unknown): value is RegistryMode {
  return typeof value === 'string' && (REGISTRY_MODES as readonly string[]).includes(value)
}

/** Compatibility when nothing is configured. */
export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD'
/** Mode when nothing is configured. */
export const DEFAULT_MODE: RegistryMode = 'READWRITE'

/** A version of a subject as the registry holds it. */
export interface SchemaVersion {
  readonly subject: string
  readonly version: number
  readonly id: number
  readonly schemaType: SchemaType
  readonly schema: string
  readonly references: readonly SchemaReference[]
  /** Soft-deleted (by its own record or its subject's DELETE_SUBJECT record). */
  readonly deleted: boolean
  readonly fingerprint: string
}

interface StoredValue extends SchemaValue {
  readonly fingerprint: string
}

interface AcceptedClaim extends ClaimValue {
  readonly claim: string
  readonly timestamp: number
  materialized: boolean
}

export type ClaimOutcome =
  | { readonly accepted: true }
  | { readonly accepted: false; readonly reason: 'version' | 'id' | 'fingerprint'; readonly boundId?: number }

const slot = (subject: string, version: number): string => `${subject}\u0000${version}`

function fingerprintOf(value: SchemaValue): string {
  let text = value.schema
  try {
    text = canonicalSchemaText(value.schemaType, value.schema)
  } catch {
    // Stored by another tool without validation: identify it by its raw text.
  }
  return schemaFingerprint(value.schemaType, text, value.references)
}

export class RegistryState {
  /** SCHEMA records: subject → version → value. */
  readonly #subjects = new Map<string, Map<number, StoredValue>>()
  /** DELETE_SUBJECT records: subject → versions up to this one are soft-deleted. */
  readonly #deletedUpTo = new Map<string, number>()
  readonly #configs = new Map<string | null, CompatibilityLevel>()
  readonly #modes = new Map<string | null, RegistryMode>()
  /** id → the SCHEMA entries holding it (slot → value). */
  readonly #byId = new Map<number, Map<string, StoredValue>>()
  readonly #claims = new Map<string, ClaimOutcome>()
  readonly #versionClaims = new Map<string, AcceptedClaim>()
  readonly #pendingBySubject = new Map<string, Set<AcceptedClaim>>()
  readonly #idToFingerprint = new Map<number, string>()
  readonly #fingerprintToId = new Map<string, number>()
  readonly #maxVersion = new Map<string, number>()
  #maxId = 0

  /** Applies one record of the topic; `timestamp` is the record's. */
  apply(record: RegistryRecord, timestamp: number): void {
    switch (record.key.keytype) {
      case 'SCHEMA': return this.#applySchema(record.key.subject, record.key.version, record.value as SchemaValue | null)
      case 'CONFIG': {
        const level = (record.value as { compatibilityLevel: string } | null)?.compatibilityLevel
        if (level === undefined) this.#configs.delete(record.key.subject)
        else if (isCompatibilityLevel(level)) this.#configs.set(record.key.subject, level)
        return
      }
      case 'MODE': {
        const mode = (record.value as { mode: string } | null)?.mode
        if (mode === undefined) this.#modes.delete(record.key.subject)
        else if (isRegistryMode(mode)) this.#modes.set(record.key.subject, mode)
        return
      }
      case 'DELETE_SUBJECT': {
        const upTo = (record.value as { version: number } | null)?.version
        if (upTo === undefined) {
          this.#deletedUpTo.delete(record.key.subject)
        } else {
          this.#deletedUpTo.set(record.key.subject, upTo)
          this.#raiseVersion(record.key.subject, upTo)
        }
        return
      }
      case 'CREEK_CLAIM':
        if (record.value !== null) this.#applyClaim(record.key.claim, record.value as ClaimValue, timestamp)
        return
      case 'NOOP':
        return
    }
  }

  #applySchema(subject: string, version: number, value: SchemaValue | null): void {
    const key = slot(subject, version)
    const versions = this.#subjects.get(subject)
    const previous = versions?.get(version)
    if (previous !== undefined) {
      const holders = this.#byId.get(previous.id)
      holders?.delete(key)
      if (holders?.size === 0) this.#byId.delete(previous.id)
    }
    if (value === null) {
      versions?.delete(version)
      if (versions?.size === 0) this.#subjects.delete(subject)
      return
    }
    const stored: StoredValue = { ...value, subject, version, fingerprint: fingerprintOf(value) }
    if (versions === undefined) this.#subjects.set(subject, new Map([[version, stored]]))
    else versions.set(version, stored)
    let holders = this.#byId.get(stored.id)
    if (holders === undefined) this.#byId.set(stored.id, holders = new Map())
    holders.set(key, stored)
    this.#maxId = Math.max(this.#maxId, stored.id)
    this.#raiseVersion(subject, version)
    // Bind id and schema for records no claim announced (a topic written by another registry).
    if (!this.#idToFingerprint.has(stored.id) && !this.#fingerprintToId.has(stored.fingerprint)) {
      this.#idToFingerprint.set(stored.id, stored.fingerprint)
      this.#fingerprintToId.set(stored.fingerprint, stored.id)
    }
    const claim = this.#versionClaims.get(key)
    if (claim !== undefined && !claim.materialized) {
      claim.materialized = true
      this.#pendingBySubject.get(subject)?.delete(claim)
    }
  }

  #applyClaim(nonce: string, claim: ClaimValue, timestamp: number): void {
    if (this.#claims.has(nonce)) return // the same record twice (a producer retry)
    const key = slot(claim.subject, claim.version)
    const boundFingerprint = this.#idToFingerprint.get(claim.id)
    const boundId = this.#fingerprintToId.get(claim.fingerprint)
    let outcome: ClaimOutcome
    if (this.#versionClaims.has(key)) outcome = { accepted: false, reason: 'version' }
    else if (boundFingerprint !== undefined && boundFingerprint !== claim.fingerprint) outcome = { accepted: false, reason: 'id' }
    else if (boundId !== undefined && boundId !== claim.id) outcome = { accepted: false, reason: 'fingerprint', boundId }
    else outcome = { accepted: true }
    this.#claims.set(nonce, outcome)
    if (!outcome.accepted) return
    const accepted: AcceptedClaim = { ...claim, claim: nonce, timestamp, materialized: this.#subjects.get(claim.subject)?.get(claim.version)?.id === claim.id }
    this.#versionClaims.set(key, accepted)
    this.#idToFingerprint.set(claim.id, claim.fingerprint)
    this.#fingerprintToId.set(claim.fingerprint, claim.id)
    this.#maxId = Math.max(this.#maxId, claim.id)
    this.#raiseVersion(claim.subject, claim.version)
    if (!accepted.materialized) {
      let pending = this.#pendingBySubject.get(claim.subject)
      if (pending === undefined) this.#pendingBySubject.set(claim.subject, pending = new Set())
      pending.add(accepted)
    }
  }

  #raiseVersion(subject: string, version: number): void {
    if (version > (this.#maxVersion.get(subject) ?? 0)) this.#maxVersion.set(subject, version)
  }

  #view(stored: StoredValue): SchemaVersion {
    const deleted = stored.deleted || stored.version <= (this.#deletedUpTo.get(stored.subject) ?? 0)
    return {
      subject: stored.subject, version: stored.version, id: stored.id, schemaType: stored.schemaType, schema: stored.schema,
      references: stored.references, deleted, fingerprint: stored.fingerprint,
    }
  }

  // ------------------------------------------------------------------------- queries

  /** The subjects with a live version (with `deleted`, with any version), sorted. */
  subjects(options: { readonly deleted?: boolean } = {}): string[] {
    const out: string[] = []
    for (const subject of this.#subjects.keys()) {
      if (options.deleted === true || this.versions(subject).length > 0) out.push(subject)
    }
    return out.sort()
  }

  /** Whether `subject` holds any version, live or soft-deleted. */
  hasSubject(subject: string): boolean {
    return this.#subjects.has(subject)
  }

  /** The live versions of `subject` (with `deleted`, soft-deleted ones too), ascending. */
  versions(subject: string, options: { readonly deleted?: boolean } = {}): SchemaVersion[] {
    const versions = this.#subjects.get(subject)
    if (versions === undefined) return []
    return [...versions.values()].map((v) => this.#view(v)).filter((v) => options.deleted === true || !v.deleted).sort((a, b) => a.version - b.version)
  }

  /** Version `version` of `subject`, live or soft-deleted. */
  version(subject: string, version: number): SchemaVersion | undefined {
    const stored = this.#subjects.get(subject)?.get(version)
    return stored === undefined ? undefined : this.#view(stored)
  }

  /** A version holding schema `id` (a live one if any). */
  schemaById(id: number): SchemaVersion | undefined {
    const holders = this.#byId.get(id)
    if (holders === undefined) return undefined
    let found: SchemaVersion | undefined
    for (const stored of holders.values()) {
      const view = this.#view(stored)
      if (!view.deleted) return view
      found ??= view
    }
    return found
  }

  /** Every version holding schema `id` (live ones, or all with `deleted`), by subject then version. */
  versionsOfId(id: number, options: { readonly deleted?: boolean } = {}): SchemaVersion[] {
    return [...(this.#byId.get(id)?.values() ?? [])].map((v) => this.#view(v))
      .filter((v) => options.deleted === true || !v.deleted)
      .sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.version - b.version))
  }

  /** Every stored version (live or soft-deleted) whose references name `subject` version `version`. */
  referrers(subject: string, version: number): SchemaVersion[] {
    const out: SchemaVersion[] = []
    for (const versions of this.#subjects.values()) {
      for (const stored of versions.values()) {
        if (stored.references.some((r) => r.subject === subject && r.version === version)) out.push(this.#view(stored))
      }
    }
    return out
  }

  /** The id bound to a schema fingerprint (by a claim or a stored record). */
  idOf(fingerprint: string): number | undefined {
    return this.#fingerprintToId.get(fingerprint)
  }

  /** The fingerprint bound to an id. */
  fingerprintOf(id: number): string | undefined {
    return this.#idToFingerprint.get(id)
  }

  /** The id a new schema gets: above every id ever claimed or stored. */
  nextId(): number {
    return this.#maxId + 1
  }

  /** The version a new schema of `subject` gets: above every version ever claimed, stored or deleted. */
  nextVersion(subject: string): number {
    return (this.#maxVersion.get(subject) ?? 0) + 1
  }

  /** Whether `subject` version `version` has been claimed (accepted), even if since deleted. */
  isVersionClaimed(subject: string, version: number): boolean {
    return this.#versionClaims.has(slot(subject, version))
  }

  /** The outcome of a claim, once its record has been applied. */
  claimOutcome(nonce: string): ClaimOutcome | undefined {
    return this.#claims.get(nonce)
  }

  /** Accepted claims of `subject` not yet followed by their SCHEMA record and younger than `timeoutMs`. */
  pendingClaims(subject: string, now: number, timeoutMs: number): number {
    let count = 0
    for (const claim of this.#pendingBySubject.get(subject) ?? []) if (claim.timestamp > now - timeoutMs) count++
    return count
  }

  /** The compatibility level set for `subject` (null: the global one), if any. */
  config(subject: string | null): CompatibilityLevel | undefined {
    return this.#configs.get(subject)
  }

  /** The mode set for `subject` (null: the global one), if any. */
  mode(subject: string | null): RegistryMode | undefined {
    return this.#modes.get(subject)
  }

  /** The subjects that have their own compatibility level or mode. */
  configuredSubjects(): { readonly configs: string[]; readonly modes: string[] } {
    const named = (keys: Iterable<string | null>): string[] => [...keys].filter((k): k is string => k !== null).sort()
    return { configs: named(this.#configs.keys()), modes: named(this.#modes.keys()) }
  }

  /** The whole state as plain data, for tests and diagnostics (two converged nodes give equal snapshots). */
  snapshot(): Record<string, unknown> {
    const subjects: Record<string, unknown> = {}
    for (const subject of [...this.#subjects.keys()].sort()) {
      subjects[subject] = this.versions(subject, { deleted: true }).map(({ version, id, deleted, schemaType, schema, references }) => ({
        version, id, deleted, schemaType, schema, references,
      }))
    }
    const entries = <V>(map: Map<string | null, V>): [string, V][] =>
      [...map].map(([k, v]): [string, V] => [k ?? '(global)', v]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return {
      subjects,
      configs: Object.fromEntries(entries(this.#configs)),
      modes: Object.fromEntries(entries(this.#modes)),
      nextId: this.nextId(),
    }
  }
}
