/**
 * `EmbeddedSchemaRegistry`: the schema registry inside this process, over a Creek instance, with
 * no HTTP in between. Serdes use it as their `SchemaRegistryClient`; tools use its
 * `SchemaRegistryAdmin` methods.
 *
 * ```ts
 * const creek = await Creek.open({ dataDir: './data' })
 * const registry = await EmbeddedSchemaRegistry.open({ creek })
 * const producer = creek.producer({ key: serdes.string(), value: serdes.avro<Payment>({ registry, schema }) })
 * ```
 *
 * It is a full registry node: schemas live in the topic `_schemas` of the Creek log (or of the
 * cluster `Creek.connect` reaches), survive restarts, and are shared with every other node on
 * that log, embedded or serving REST (`SchemaRegistryServer.start({ registry })` serves this very
 * node). Failures are `RegistryError`s (SerdesErrors carrying Confluent's `errorCode`).
 * `close()` stops the node; the Creek instance stays open (the caller owns it).
 */
import type { RegisteredSchema, Schema, SchemaRegistryClient, SchemaType } from '../schema-registry-client.ts'
import type { CompatibilityLevel } from './compatibility/index.ts'
import { SCHEMA_TYPES } from './canonical-schema.ts'
import { RegistryService, type RegistryServiceOptions } from './registry-service.ts'
import type { RegistryMode, SchemaVersion } from './registry-state.ts'
import type { CompatibilityCheck, SchemaRegistryAdmin, SubjectVersion, VersionSelector } from './schema-registry-admin.ts'

export type EmbeddedSchemaRegistryOptions = RegistryServiceOptions

const services = new WeakMap<EmbeddedSchemaRegistry, RegistryService>()

/** The node behind an embedded registry (for the REST server of this layer; not public API). */
export function serviceOf(registry: EmbeddedSchemaRegistry): RegistryService {
  const service = services.get(registry)
  if (service === undefined) throw new TypeError('Not an EmbeddedSchemaRegistry')
  return service
}

function registered(version: SchemaVersion): RegisteredSchema {
  return {
    id: version.id, subject: version.subject, version: version.version,
    schemaType: version.schemaType, schema: version.schema, references: version.references,
  }
}

function request(schema: Schema): { schema: string; schemaType: SchemaType; references: Schema['references'] } {
  return { schema: schema.schema, schemaType: schema.schemaType, references: schema.references }
}

export class EmbeddedSchemaRegistry implements SchemaRegistryClient, SchemaRegistryAdmin {
  readonly #service: RegistryService

  private constructor(service: RegistryService) {
    this.#service = service
    services.set(this, service)
  }

  /** Starts a registry node on `options.creek` and reads its topic to the end. */
  static async open(options: EmbeddedSchemaRegistryOptions): Promise<EmbeddedSchemaRegistry> {
    return new EmbeddedSchemaRegistry(await RegistryService.open(options))
  }

  /** The topic the registry lives in. */
  get topic(): string {
    return this.#service.topic
  }

  // SchemaRegistryClient

  async register(subject: string, schema: Schema): Promise<number> {
    return (await this.#service.register(subject, request(schema))).id
  }

  async getById(id: number): Promise<Schema> {
    const { schemaType, schema, references } = await this.#service.getById(id)
    return { schemaType, schema, references }
  }

  async getLatest(subject: string): Promise<RegisteredSchema> {
    return registered(await this.#service.getVersion(subject, 'latest'))
  }

  async getVersion(subject: string, version: number): Promise<RegisteredSchema> {
    return registered(await this.#service.getVersion(subject, version))
  }

  async lookup(subject: string, schema: Schema): Promise<RegisteredSchema> {
    return registered(await this.#service.lookup(subject, request(schema)))
  }

  // SchemaRegistryAdmin

  async subjects(options: { readonly deleted?: boolean; readonly subjectPrefix?: string } = {}): Promise<string[]> {
    return this.#service.subjects(options)
  }

  versions(subject: string, options: { readonly deleted?: boolean } = {}): Promise<number[]> {
    return this.#service.versions(subject, options)
  }

  deleteSubject(subject: string, options: { readonly permanent?: boolean } = {}): Promise<number[]> {
    return this.#service.deleteSubject(subject, options)
  }

  deleteVersion(subject: string, version: VersionSelector, options: { readonly permanent?: boolean } = {}): Promise<number> {
    return this.#service.deleteVersion(subject, version, options)
  }

  referencedBy(subject: string, version: VersionSelector): Promise<number[]> {
    return this.#service.referencedBy(subject, version)
  }

  versionsOfId(id: number, options: { readonly deleted?: boolean } = {}): Promise<SubjectVersion[]> {
    return this.#service.versionsOfId(id, options)
  }

  async getConfig(subject?: string, options: { readonly defaultToGlobal?: boolean } = {}): Promise<CompatibilityLevel> {
    return this.#service.getConfig(subject ?? null, options)
  }

  setConfig(level: CompatibilityLevel, subject?: string): Promise<CompatibilityLevel> {
    return this.#service.setConfig(subject ?? null, level)
  }

  deleteConfig(subject?: string): Promise<CompatibilityLevel> {
    return this.#service.deleteConfig(subject ?? null)
  }

  async getMode(subject?: string, options: { readonly defaultToGlobal?: boolean } = {}): Promise<RegistryMode> {
    return this.#service.getMode(subject ?? null, options)
  }

  setMode(mode: RegistryMode, subject?: string, options: { readonly force?: boolean } = {}): Promise<RegistryMode> {
    return this.#service.setMode(subject ?? null, mode, options)
  }

  deleteMode(subject?: string): Promise<RegistryMode> {
    return this.#service.deleteMode(subject ?? null)
  }

  testCompatibility(subject: string, schema: Schema, version: VersionSelector | 'all' = 'latest'): Promise<CompatibilityCheck> {
    return this.#service.testCompatibility(subject, request(schema), version)
  }

  async schemaTypes(): Promise<SchemaType[]> {
    return [...SCHEMA_TYPES]
  }

  /** Stops this node (its reader and clients); the Creek instance stays open. */
  close(): Promise<void> {
    return this.#service.close()
  }
}
