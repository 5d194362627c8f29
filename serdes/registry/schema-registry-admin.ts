/**
 * `SchemaRegistryAdmin`: what tools (the CLI, tests, operators' scripts) need of a schema
 * registry beyond what serdes need (`SchemaRegistryClient`): listing, deleting, configuring and
 * checking. Both `EmbeddedSchemaRegistry` (in-process) and `RestSchemaRegistry` (HTTP)
 * implement it, with Confluent Schema Registry's semantics and errors (`RegistryError`s, whose
 * `errorCode` is Confluent's).
 */
import type { Schema, SchemaType } from '../schema-registry-client.ts'
import type { CompatibilityLevel } from './compatibility/index.ts'
import type { RegistryMode } from './registry-state.ts'

/** A version number, or the subject's latest live version. */
export type VersionSelector = number | 'latest'

/** The answer of a compatibility check. */
export interface CompatibilityCheck {
  readonly isCompatible: boolean
  /** One message per broken rule (Confluent's format), empty when compatible. */
  readonly messages: readonly string[]
}

export interface SubjectVersion {
  readonly subject: string
  readonly version: number
}

export interface SchemaRegistryAdmin {
  /** The subjects with a live version, sorted (`deleted`: also soft-deleted ones). */
  subjects(options?: { readonly deleted?: boolean; readonly subjectPrefix?: string }): Promise<string[]>
  /** The live versions of `subject`, ascending (`deleted`: also soft-deleted ones); 40401 when none. */
  versions(subject: string, options?: { readonly deleted?: boolean }): Promise<number[]>
  /** Soft-deletes a subject (or, `permanent`, removes a soft-deleted one); resolves with its versions. */
  deleteSubject(subject: string, options?: { readonly permanent?: boolean }): Promise<number[]>
  /** Soft-deletes a version (or, `permanent`, removes a soft-deleted one); resolves with its number. */
  deleteVersion(subject: string, version: VersionSelector, options?: { readonly permanent?: boolean }): Promise<number>
  /** Ids of the schemas that reference `subject` version `version`. */
  referencedBy(subject: string, version: VersionSelector): Promise<number[]>
  /** The subjects and versions that hold schema `id`. */
  versionsOfId(id: number, options?: { readonly deleted?: boolean }): Promise<SubjectVersion[]>
  /**
   * The compatibility level: the global one, or `subject`'s (40408 when it has none, unless
   * `defaultToGlobal`).
   */
  getConfig(subject?: string, options?: { readonly defaultToGlobal?: boolean }): Promise<CompatibilityLevel>
  /** Sets the global level or `subject`'s; resolves with the level set. */
  setConfig(level: CompatibilityLevel, subject?: string): Promise<CompatibilityLevel>
  /** Removes `subject`'s level (or resets the global one); resolves with the level removed. */
  deleteConfig(subject?: string): Promise<CompatibilityLevel>
  /** The mode: the global one, or `subject`'s (40409 when it has none, unless `defaultToGlobal`). */
  getMode(subject?: string, options?: { readonly defaultToGlobal?: boolean }): Promise<RegistryMode>
  /** Sets the global mode or `subject`'s; IMPORT needs an empty scope unless `force`. */
  setMode(mode: RegistryMode, subject?: string, options?: { readonly force?: boolean }): Promise<RegistryMode>
  /** Removes `subject`'s mode (or resets the global one); resolves with the mode removed. */
  deleteMode(subject?: string): Promise<RegistryMode>
  /**
   * Whether `schema` could be registered under `subject`, checked at the subject's level against
   * `version` (default 'latest'), or against every live version with 'all'.
   */
  testCompatibility(subject: string, schema: Schema, version?: VersionSelector | 'all'): Promise<CompatibilityCheck>
  /** The schema types the registry accepts. */
  schemaTypes(): Promise<SchemaType[]>
}
