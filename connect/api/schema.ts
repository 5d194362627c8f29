/**
 * Kafka Connect's data model (`org.apache.kafka.connect.data`): schemas and the JavaScript values
 * that go with them. Every connector, converter and transform speaks it.
 *
 * Value representation (checked by `validateValue`):
 * | schema type             | value                                                        |
 * |-------------------------|--------------------------------------------------------------|
 * | INT8, INT16, INT32      | number (integer in range)                                    |
 * | INT64                   | number when a safe integer, otherwise bigint (both accepted) |
 * | FLOAT32, FLOAT64        | number                                                       |
 * | BOOLEAN                 | boolean                                                      |
 * | STRING                  | string                                                       |
 * | BYTES                   | Buffer                                                       |
 * | ARRAY                   | unknown[] of `valueSchema` values                            |
 * | MAP                     | Map of `keySchema` → `valueSchema` values                    |
 * | STRUCT                  | Struct (see struct.ts)                                       |
 * | Decimal (BYTES)         | string, the exact decimal (`"-12.340"`); `scale` parameter   |
 * | Date (INT32)            | Date at midnight UTC                                          |
 * | Time (INT32)            | Date on 1970-01-01 UTC                                        |
 * | Timestamp (INT64)       | Date                                                         |
 * An optional schema also takes `null`. Schema-less data (no schema) is any JSON-like value.
 */

export const SCHEMA_TYPES = [
  'INT8', 'INT16', 'INT32', 'INT64', 'FLOAT32', 'FLOAT64', 'BOOLEAN', 'STRING', 'BYTES', 'ARRAY', 'MAP', 'STRUCT',
] as const
export type SchemaType = (typeof SCHEMA_TYPES)[number]

/** Logical type names, as Kafka Connect writes them in schemas. */
export const LOGICAL = {
  DECIMAL: 'org.apache.kafka.connect.data.Decimal',
  DATE: 'org.apache.kafka.connect.data.Date',
  TIME: 'org.apache.kafka.connect.data.Time',
  TIMESTAMP: 'org.apache.kafka.connect.data.Timestamp',
} as const

export interface Field {
  readonly name: string
  readonly index: number
  readonly schema: Schema
}

export interface Schema {
  readonly type: SchemaType
  readonly optional: boolean
  readonly defaultValue?: unknown
  readonly name?: string
  readonly version?: number
  readonly doc?: string
  readonly parameters?: Readonly<Record<string, string>>
  /** STRUCT only, in order. */
  readonly fields?: readonly Field[]
  /** MAP only. */
  readonly keySchema?: Schema
  /** MAP and ARRAY only. */
  readonly valueSchema?: Schema
}

/** A value with its schema (null schema: schema-less), as converters return them. */
export interface SchemaAndValue {
  readonly schema: Schema | null
  readonly value: unknown
}
