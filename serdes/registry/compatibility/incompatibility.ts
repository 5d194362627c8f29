/**
 * The types the per-type compatibility checks share with index.ts (which re-exports them), kept
 * apart so that the checks need not import index.ts, which imports them.
 */
import type { SchemaType } from '../../schema-registry-client.ts'

/**
 * A schema with everything needed to parse it on its own: its text and the texts of the
 * schemas it references (transitively), by the name it references them under (an Avro full
 * name, a Protobuf import path, a JSON Schema `$ref` URL).
 */
export interface ResolvedSchema {
  readonly schemaType: SchemaType
  readonly schema: string
  readonly references: ReadonlyMap<string, string>
}

/** One broken rule. */
export interface Incompatibility {
  /** Confluent's name for the rule, e.g. `READER_FIELD_MISSING_DEFAULT_VALUE`. */
  readonly type: string
  /** Where in the schema, as a path (`/fields/2`, `#/properties/age`, `#/Payment/2`). */
  readonly path: string
  /**
   * What is wrong, for people, naming the field or property and the change. It speaks of the
   * "reader schema" and the "writer schema"; `checkCompatibility` turns these into Confluent's
   * "new schema" / "old schema" for the direction it checks.
   */
  readonly description: string
}
