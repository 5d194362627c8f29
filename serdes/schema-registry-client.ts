/**
 * What serdes need of a schema registry, with Confluent Schema Registry's semantics:
 *
 * - A schema is its type (`AVRO`, `PROTOBUF`, `JSON`), its text and its references (named
 *   schemas registered under other subjects: Avro named types, Protobuf imports, JSON `$ref`s).
 * - Ids are global across subjects, stable and never reused; the same schema (type, text and
 *   references) registered under two subjects has one id. Versions count from 1 per subject.
 * - `register` of a schema a subject already holds returns its id without a new version.
 *
 * Implementations: `InMemorySchemaRegistry` (one process, nothing kept), `EmbeddedSchemaRegistry`
 * (schemas in the compacted `_schemas` topic of a Creek cluster; registry/embedded-schema-registry.ts)
 * and `RestSchemaRegistry` (a client of Confluent's REST API, Creek's or Confluent's own).
 * Failures are SerdesErrors: SERDES_SCHEMA_NOT_FOUND for an unknown id, subject, version or schema, SERDES_INVALID_SCHEMA
 * for a schema that does not parse, SERDES_REGISTRY_UNAVAILABLE (retriable) when the registry
 * cannot be reached.
 */

export type SchemaType = 'AVRO' | 'PROTOBUF' | 'JSON'

/** A schema registered under another subject that this one uses, by the name it uses it under. */
export interface SchemaReference {
  /** The name the referring schema uses: an Avro full name, a Protobuf import path, a JSON `$ref` URL. */
  readonly name: string
  readonly subject: string
  readonly version: number
}

export interface Schema {
  readonly schemaType: SchemaType
  /** The schema text: Avro JSON, a .proto file, a JSON Schema document. */
  readonly schema: string
  readonly references?: readonly SchemaReference[]
}

/** A schema as a subject holds it. */
export interface RegisteredSchema extends Schema {
  readonly id: number
  readonly subject: string
  readonly version: number
}

export interface SchemaRegistryClient {
  /** Registers `schema` under `subject` (or finds it there); resolves with its global id. */
  register(subject: string, schema: Schema): Promise<number>
  /** The schema with this id. */
  getById(id: number): Promise<Schema>
  /** The latest version of `subject`. */
  getLatest(subject: string): Promise<RegisteredSchema>
  /** A given version of `subject`. */
  getVersion(subject: string, version: number): Promise<RegisteredSchema>
  /** `subject`'s version holding `schema`, without registering it. */
  lookup(subject: string, schema: Schema): Promise<RegisteredSchema>
}
