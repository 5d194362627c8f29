/**
 * `RegistryService`: Confluent Schema Registry's operations over a `RegistryState` kept by a
 * `RegistryStore`. It decides (validation, modes, compatibility, delete rules), writes records,
 * and answers from the state; the REST server and `EmbeddedSchemaRegistry` are thin layers over
 * it. Every refusal is a `RegistryError` with Confluent's code.
 *
 * Rules, as Confluent applies them:
 * - Register: the subject's mode must allow writes (READONLY and READONLY_OVERRIDE refuse:
 *   42205; an `id` or `version` in the request needs IMPORT). A schema the subject already holds
 *   as a live version returns that version's id. Otherwise it is checked against the subject's
 *   live versions at the subject's compatibility level, else the global one, else BACKWARD
 *   (not in IMPORT mode), and gets a new version; its id is the one its identical schema already
 *   has anywhere (even if deleted since), else a new one.
 * - References name existing versions (`-1`: the latest); a version referenced by another stored
 *   schema cannot be deleted (42206).
 * - Deletes: soft first (a version: its SCHEMA record rewritten with `deleted`; a subject: a
 *   DELETE_SUBJECT record), then permanent (tombstones; for a subject also its config and mode).
 *   Permanently deleted ids and versions are not reused (see registry-state.ts).
 * - Reads answer from this node's state; a read that finds nothing first syncs with the log
 *   once, so a schema just registered through another node is found.
 *
 * Concurrency: writes of one service run one at a time (each syncs with the log first, so it
 * decides on the latest state); nodes racing for a version or id are ordered by the claim
 * records (registry-state.ts): the loser sees its claim rejected and retries.
 */
import { randomUUID } from 'node:crypto'
import { type Creek, type Logger, silentLogger } from '../../core/index.ts'
import { SerdesError } from '../errors.ts'
import { type CompatibilityLevel, checkCompatibility, isCompatibilityLevel } from './compatibility/index.ts'
import { type PreparedSchema, type SchemaRequest, prepareSchema, resolveStored } from './prepared-schema.ts'
import { RegistryError, registryErrors } from './registry-errors.ts'
import type { RegistryRecord } from './registry-records.ts'
import {
  DEFAULT_COMPATIBILITY, DEFAULT_MODE, type RegistryMode, RegistryState, type SchemaVersion, isRegistryMode,
} from './registry-state.ts'
import { RegistryStore } from './registry-store.ts'
import type { CompatibilityCheck, SubjectVersion, VersionSelector } from './schema-registry-admin.ts'

export interface RegistryServiceOptions {
  readonly creek: Creek
  /** The topic holding the registry (default `_schemas`). */
  readonly topic?: string
  /** How long a write may take to be read back from the topic (default 10000 ms). */
  readonly timeoutMs?: number
  /** How long a claim of another node may stay unfinished before it counts as abandoned (default 10000 ms). */
  readonly claimTimeoutMs?: number
  readonly logger?: Logger
}

export const REGISTRY_DEFAULTS = Object.freeze({ topic: '_schemas', timeoutMs: 10_000, claimTimeoutMs: 10_000 })

/** Attempts at registering while other nodes win the claims. */
const MAX_CLAIM_ATTEMPTS = 20
/** What Confluent refuses in subject names. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/

function checkSubject(subject: unknown): asserts subject is string {
  if (typeof subject !== 'string' || subject === '' || CONTROL_CHARACTERS.test(subject)) throw registryErrors.invalidSubject(subject)
}

export class RegistryService {
  readonly topic: string
  readonly #state: RegistryState
  readonly #store: RegistryStore
  readonly #claimTimeoutMs: number
  #writes: Promise<unknown> = Promise.resolve()

  private constructor(store: RegistryStore, state: RegistryState, topic: string, claimTimeoutMs: number) {
    this.#store = store
    this.#state = state
    this.topic = topic
    this.#claimTimeoutMs = claimTimeoutMs
  }

  /** Opens the registry on `creek`: ensures the topic and reads it to the end. */
  static async open(options: RegistryServiceOptions): Promise<RegistryService> {
    const topic = options.topic ?? REGISTRY_DEFAULTS.topic
    const timeoutMs = options.timeoutMs ?? REGISTRY_DEFAULTS.timeoutMs
    const claimTimeoutMs = options.claimTimeoutMs ?? REGISTRY_DEFAULTS.claimTimeoutMs
    for (const [name, value] of [['timeoutMs', timeoutMs], ['claimTimeoutMs', claimTimeoutMs]] as const) {
      if (!Number.isSafeInteger(value) || value <= 0) throw new SerdesError('SERDES_INVALID_CONFIG', `Schema registry option ${name} must be a positive integer (ms), got ${value}`)
    }
    if (typeof topic !== 'string' || topic === '') throw new SerdesError('SERDES_INVALID_CONFIG', `Schema registry option topic must be a topic name, got ${JSON.stringify(topic)}`)
    if (options.creek === undefined || typeof options.creek.producer !== 'function') {
      throw new SerdesError('SERDES_INVALID_CONFIG', 'The schema registry needs a Creek instance (creek: await Creek.open(...) or Creek.connect(...))')
    }
    const state = new RegistryState()
    const store = await RegistryStore.open({
      creek: options.creek, topic, timeoutMs, logger: options.logger ?? silentLogger,
      onRecord: (record, timestamp) => state.apply(record, timestamp),
    })
    return new RegistryService(store, state, topic, claimTimeoutMs)
  }

  /** The state (read-only use: tests and diagnostics). */
  get state(): RegistryState {
    return this.#state
  }

  async close(): Promise<void> {
    await this.#store.close()
  }

  // ------------------------------------------------------------------------- reads

  /** Runs `read`; when it finds nothing, syncs with the log and runs it again. */
  async #read<T>(read: () => T): Promise<T> {
    try {
      return read()
    } catch (error) {
      if (!(error instanceof RegistryError) || Math.floor(error.errorCode / 100) !== 404) throw error
      await this.#store.sync()
      return read()
    }
  }

  subjects(options: { readonly deleted?: boolean; readonly subjectPrefix?: string } = {}): string[] {
    const prefix = options.subjectPrefix ?? ''
    return this.#state.subjects({ deleted: options.deleted }).filter((s) => s.startsWith(prefix))
  }

  versions(subject: string, options: { readonly deleted?: boolean } = {}): Promise<number[]> {
    return this.#read(() => {
      const versions = this.#state.versions(subject, options)
      if (versions.length === 0) throw registryErrors.subjectNotFound(subject)
      return versions.map((v) => v.version)
    })
  }

  /** A version of `subject` (soft-deleted ones only with `deleted`). */
  getVersion(subject: string, version: VersionSelector, options: { readonly deleted?: boolean } = {}): Promise<SchemaVersion> {
    return this.#read(() => this.#version(subject, version, options.deleted ?? false))
  }

  #version(subject: string, version: VersionSelector, includeDeleted: boolean): SchemaVersion {
    const versions = this.#state.versions(subject, { deleted: includeDeleted })
    if (versions.length === 0) throw registryErrors.subjectNotFound(subject)
    const found = version === 'latest' ? versions[versions.length - 1] : versions.find((v) => v.version === version)
    if (found === undefined) throw registryErrors.versionNotFound(subject, version)
    return found
  }

  async referencedBy(subject: string, version: VersionSelector): Promise<number[]> {
    const target = await this.getVersion(subject, version, { deleted: true })
    return [...new Set(this.#state.referrers(subject, target.version).map((v) => v.id))].sort((a, b) => a - b)
  }

  /** The schema with `id` (soft-deleted ones too, as Confluent serves them). */
  getById(id: number): Promise<SchemaVersion> {
    return this.#read(() => {
      const found = this.#state.schemaById(id)
      if (found === undefined) throw registryErrors.schemaIdNotFound(id)
      return found
    })
  }

  async versionsOfId(id: number, options: { readonly deleted?: boolean } = {}): Promise<SubjectVersion[]> {
    await this.getById(id)
    return this.#state.versionsOfId(id, options).map(({ subject, version }) => ({ subject, version }))
  }

  /** Every version (live, or all with `deleted`), or each subject's latest with `latestOnly`. */
  schemas(options: { readonly subjectPrefix?: string; readonly deleted?: boolean; readonly latestOnly?: boolean } = {}): SchemaVersion[] {
    return this.subjects({ deleted: options.deleted, subjectPrefix: options.subjectPrefix }).flatMap((subject) => {
      const versions = this.#state.versions(subject, { deleted: options.deleted })
      return options.latestOnly === true ? versions.slice(-1) : versions
    })
  }

  /** The version of `subject` holding `request`'s schema (soft-deleted ones only with `deleted`). */
  lookup(subject: string, request: SchemaRequest, options: { readonly deleted?: boolean } = {}): Promise<SchemaVersion> {
    return this.#read(() => {
      const versions = this.#state.versions(subject, { deleted: options.deleted })
      if (versions.length === 0) throw registryErrors.subjectNotFound(subject)
      const prepared = prepareSchema(this.#state, request, true)
      const matches = versions.filter((v) => v.fingerprint === prepared.fingerprint)
      const found = matches.find((v) => !v.deleted) ?? matches[matches.length - 1]
      if (found === undefined) throw registryErrors.schemaNotFound('Schema not found', { subject })
      return found
    })
  }

  // ------------------------------------------------------------------------- schemas

  #check(level: CompatibilityLevel, candidate: PreparedSchema, previous: readonly SchemaVersion[]): CompatibilityCheck {
    try {
      const result = checkCompatibility(level, candidate.resolved, previous.map((v) => ({ version: v.version, schema: resolveStored(this.#state, v) })))
      return { isCompatible: result.compatible, messages: result.messages }
    } catch (error) {
      if (error instanceof RegistryError) throw error
      throw registryErrors.invalidSchema(`Invalid schema: the compatibility check could not parse it: ${(error as Error).message}`, {}, error)
    }
  }

  /** The level `subject` is checked at. */
  #level(subject: string): CompatibilityLevel {
    return this.#state.config(subject) ?? this.#state.config(null) ?? DEFAULT_COMPATIBILITY
  }

  /** The mode that applies to `subject` (a global READONLY_OVERRIDE beats subjects' modes). */
  #mode(subject: string): RegistryMode {
    const global = this.#state.mode(null) ?? DEFAULT_MODE
    if (global === 'READONLY_OVERRIDE') return global
    return this.#state.mode(subject) ?? global
  }

  #checkWritable(subject: string): RegistryMode {
    const mode = this.#mode(subject)
    if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') {
      throw registryErrors.operationNotPermitted(`Subject '${subject}' is in read-only mode`, { subject })
    }
    return mode
  }

  async testCompatibility(subject: string, request: SchemaRequest, version: VersionSelector | 'all' = 'latest'): Promise<CompatibilityCheck> {
    checkSubject(subject)
    const candidate = prepareSchema(this.#state, request, true)
    const live = this.#state.versions(subject)
    let against: SchemaVersion[]
    if (version === 'all') against = live
    else if (version === 'latest') against = live.slice(-1)
    else against = [await this.getVersion(subject, version)]
    return this.#check(this.#level(subject), candidate, against)
  }

  // ------------------------------------------------------------------------- writes

  /** Runs `write` after the writes before it, on a state synced with the log. */
  #exclusive<T>(write: () => Promise<T>): Promise<T> {
    const run = this.#writes.then(async () => {
      this.#store.check()
      await this.#store.sync()
      return write()
    })
    this.#writes = run.catch(() => undefined)
    return run
  }

  /** Registers `request` under `subject`; resolves with its id and version. */
  async register(subject: string, request: SchemaRequest): Promise<{ readonly id: number; readonly version: number }> {
    checkSubject(subject)
    const known = this.#alreadyRegistered(subject, request)
    if (known !== undefined) return known
    return this.#exclusive(async () => {
      for (let attempt = 1; ; attempt++) {
        await this.#waitForPendingClaims(subject)
        const mode = this.#checkWritable(subject)
        const importing = mode === 'IMPORT'
        if (!importing && (request.id !== undefined || request.version !== undefined)) {
          throw registryErrors.operationNotPermitted(`Subject '${subject}' is not in import mode: a schema id or version can only be given in IMPORT mode`, { subject })
        }
        const prepared = prepareSchema(this.#state, request, false)
        const live = this.#state.versions(subject)
        const existing = live.find((v) => v.fingerprint === prepared.fingerprint)
        if (existing !== undefined) {
          if (request.id !== undefined && request.id !== existing.id) throw registryErrors.idDoesNotMatch(request.id, existing.id)
          return { id: existing.id, version: existing.version }
        }
        const boundId = this.#state.idOf(prepared.fingerprint)
        if (importing) this.#checkImport(subject, request, boundId, prepared.fingerprint)
        else {
          const check = this.#check(this.#level(subject), prepared, live)
          if (!check.isCompatible) throw registryErrors.incompatible(subject, check.messages)
        }
        const id = request.id ?? boundId ?? this.#state.nextId()
        const version = request.version ?? this.#state.nextVersion(subject)
        const claim = randomUUID()
        await this.#store.write([{ key: { keytype: 'CREEK_CLAIM', claim }, value: { subject, version, id, fingerprint: prepared.fingerprint } }])
        if (this.#state.claimOutcome(claim)?.accepted !== true) {
          if (attempt >= MAX_CLAIM_ATTEMPTS) {
            throw registryErrors.storeError(`Could not register a schema under subject '${subject}': other registry nodes won the version or id ${attempt} times in a row; try again`)
          }
          continue // another node got there first: decide again on the new state
        }
        await this.#store.write([{
          key: { keytype: 'SCHEMA', subject, version },
          value: { subject, version, id, schemaType: prepared.schemaType, schema: prepared.canonical, references: prepared.references, deleted: false },
        }])
        return { id, version }
      }
    })
  }

  /**
   * The fast path of a register (the common case of a producer starting): a writable subject
   * that already holds the schema answers from this node's state, without waiting for other
   * writes or the log. Anything else (including an invalid schema) is left to the full path.
   */
  #alreadyRegistered(subject: string, request: SchemaRequest): { readonly id: number; readonly version: number } | undefined {
    if (request.id !== undefined || request.version !== undefined) return undefined
    const mode = this.#mode(subject)
    if (mode !== 'READWRITE' && mode !== 'IMPORT') return undefined
    const live = this.#state.versions(subject)
    if (live.length === 0) return undefined
    try {
      const { fingerprint } = prepareSchema(this.#state, request, false)
      const existing = live.find((v) => v.fingerprint === fingerprint)
      return existing === undefined ? undefined : { id: existing.id, version: existing.version }
    } catch {
      return undefined
    }
  }

  #checkImport(subject: string, request: SchemaRequest, boundId: number | undefined, fingerprint: string): void {
    if (request.id !== undefined) {
      if (!Number.isSafeInteger(request.id) || request.id <= 0 || request.id > 2 ** 31 - 1) {
        throw registryErrors.invalidSchema(`Invalid schema id ${request.id}: ids are integers from 1 to 2^31-1`)
      }
      if (boundId !== undefined && boundId !== request.id) throw registryErrors.idDoesNotMatch(request.id, boundId)
      const bound = this.#state.fingerprintOf(request.id)
      if (bound !== undefined && bound !== fingerprint) {
        throw registryErrors.operationNotPermitted(`Overwrite new schema with id ${request.id} is not permitted: that id belongs to another schema`, { subject, schemaId: request.id })
      }
    }
    if (request.version !== undefined) {
      if (!Number.isSafeInteger(request.version) || request.version <= 0 || request.version > 2 ** 31 - 1) throw registryErrors.invalidVersion(String(request.version))
      if (this.#state.version(subject, request.version) !== undefined || this.#state.isVersionClaimed(subject, request.version)) {
        throw registryErrors.operationNotPermitted(`Subject '${subject}' already has (or had) version ${request.version}; import it under a new version`, { subject })
      }
    }
  }

  /** Waits while another node's accepted claim on `subject` is not yet followed by its schema. */
  async #waitForPendingClaims(subject: string): Promise<void> {
    const deadline = Date.now() + this.#claimTimeoutMs
    while (this.#state.pendingClaims(subject, Date.now(), this.#claimTimeoutMs) > 0 && Date.now() < deadline) {
      this.#store.check()
      await this.#store.changed(100)
    }
  }

  /** Soft-deletes `subject`, or removes it for good (`permanent`, after a soft delete). */
  async deleteSubject(subject: string, options: { readonly permanent?: boolean } = {}): Promise<number[]> {
    return this.#exclusive(async () => {
      this.#checkWritable(subject)
      const all = this.#state.versions(subject, { deleted: true })
      if (all.length === 0) throw registryErrors.subjectNotFound(subject)
      const live = all.filter((v) => !v.deleted)
      if (options.permanent !== true) {
        if (live.length === 0) throw registryErrors.subjectSoftDeleted(subject)
        for (const v of live) this.#checkNotReferenced(v)
        await this.#store.write([{ key: { keytype: 'DELETE_SUBJECT', subject }, value: { subject, version: live[live.length - 1].version } }])
        return live.map((v) => v.version)
      }
      if (live.length > 0) throw registryErrors.subjectNotSoftDeleted(subject)
      for (const v of all) this.#checkNotReferenced(v)
      const records: RegistryRecord[] = all.map((v) => ({ key: { keytype: 'SCHEMA', subject, version: v.version }, value: null }))
      records.push({ key: { keytype: 'DELETE_SUBJECT', subject }, value: null })
      if (this.#state.config(subject) !== undefined) records.push({ key: { keytype: 'CONFIG', subject }, value: null })
      if (this.#state.mode(subject) !== undefined) records.push({ key: { keytype: 'MODE', subject }, value: null })
      await this.#store.write(records)
      return all.map((v) => v.version)
    })
  }

  /** Soft-deletes a version, or removes it for good (`permanent`, after a soft delete). */
  async deleteVersion(subject: string, version: VersionSelector, options: { readonly permanent?: boolean } = {}): Promise<number> {
    return this.#exclusive(async () => {
      this.#checkWritable(subject)
      const permanent = options.permanent === true
      // "latest" is the latest live version for a soft delete, the latest of all for a permanent one.
      const target = this.#version(subject, version, permanent || version !== 'latest')
      if (!permanent) {
        if (target.deleted) throw registryErrors.versionSoftDeleted(subject, target.version)
        this.#checkNotReferenced(target)
        const { id, schemaType, schema, references } = target
        await this.#store.write([{ key: { keytype: 'SCHEMA', subject, version: target.version }, value: { subject, version: target.version, id, schemaType, schema, references, deleted: true } }])
      } else {
        if (!target.deleted) throw registryErrors.versionNotSoftDeleted(subject, target.version)
        this.#checkNotReferenced(target)
        await this.#store.write([{ key: { keytype: 'SCHEMA', subject, version: target.version }, value: null }])
      }
      return target.version
    })
  }

  #checkNotReferenced(target: SchemaVersion): void {
    const referrers = this.#state.referrers(target.subject, target.version).filter((v) => v.subject !== target.subject)
    if (referrers.length > 0) throw registryErrors.referenceExists(target.subject, target.version, [...new Set(referrers.map((v) => v.id))])
  }

  // ------------------------------------------------------------------------- config and mode

  getConfig(subject: string | null, options: { readonly defaultToGlobal?: boolean } = {}): CompatibilityLevel {
    const global = this.#state.config(null) ?? DEFAULT_COMPATIBILITY
    if (subject === null) return global
    const own = this.#state.config(subject)
    if (own !== undefined) return own
    if (options.defaultToGlobal === true) return global
    throw registryErrors.subjectCompatibilityNotConfigured(subject)
  }

  async setConfig(subject: string | null, level: unknown): Promise<CompatibilityLevel> {
    const normalized = typeof level === 'string' ? level.toUpperCase() : level
    if (!isCompatibilityLevel(normalized)) throw registryErrors.invalidCompatibilityLevel(level)
    if (subject !== null) checkSubject(subject)
    return this.#exclusive(async () => {
      await this.#store.write([{ key: { keytype: 'CONFIG', subject }, value: { compatibilityLevel: normalized } }])
      return normalized
    })
  }

  async deleteConfig(subject: string | null): Promise<CompatibilityLevel> {
    return this.#exclusive(async () => {
      const previous = this.#state.config(subject)
      if (subject !== null && previous === undefined) throw registryErrors.subjectNotFound(subject)
      if (previous !== undefined) await this.#store.write([{ key: { keytype: 'CONFIG', subject }, value: null }])
      return previous ?? DEFAULT_COMPATIBILITY
    })
  }

  getMode(subject: string | null, options: { readonly defaultToGlobal?: boolean } = {}): RegistryMode {
    const global = this.#state.mode(null) ?? DEFAULT_MODE
    if (subject === null) return global
    const own = this.#state.mode(subject)
    if (own !== undefined) return own
    if (options.defaultToGlobal === true) return global
    throw registryErrors.subjectModeNotConfigured(subject)
  }

  async setMode(subject: string | null, mode: unknown, options: { readonly force?: boolean } = {}): Promise<RegistryMode> {
    const normalized = typeof mode === 'string' ? mode.toUpperCase() : mode
    if (!isRegistryMode(normalized)) throw registryErrors.invalidMode(mode)
    if (subject !== null) checkSubject(subject)
    return this.#exclusive(async () => {
      if (normalized === 'IMPORT' && options.force !== true) {
        const nonEmpty = subject === null ? this.#state.subjects({ deleted: true }).length > 0 : this.#state.hasSubject(subject)
        if (nonEmpty) {
          throw registryErrors.operationNotPermitted(`Cannot import since found existing subjects${subject === null ? '' : ` ('${subject}')`}; use force=true to switch to IMPORT anyway`)
        }
      }
      await this.#store.write([{ key: { keytype: 'MODE', subject }, value: { mode: normalized } }])
      return normalized
    })
  }

  async deleteMode(subject: string | null): Promise<RegistryMode> {
    return this.#exclusive(async () => {
      const previous = this.#state.mode(subject)
      if (subject !== null && previous === undefined) throw registryErrors.subjectNotFound(subject)
      if (previous !== undefined) await this.#store.write([{ key: { keytype: 'MODE', subject }, value: null }])
      return previous ?? DEFAULT_MODE
    })
  }
}
