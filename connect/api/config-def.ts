/**
 * Typed config definitions (Kafka's `ConfigDef`): each key has a type, a default (or none:
 * required), an importance, documentation and an optional validator. Connectors, tasks,
 * converters and transforms declare theirs; the worker parses configs with them (strings in,
 * typed values out) and the REST `validate` endpoint reports per-key errors from them.
 */

export type ConfigType = 'STRING' | 'INT' | 'LONG' | 'DOUBLE' | 'BOOLEAN' | 'LIST' | 'CLASS' | 'PASSWORD'
export type Importance = 'HIGH' | 'MEDIUM' | 'LOW'

/** Throws an Error whose message says what is wrong with `value` (it becomes the key's error). */
export type Validator = (name: string, value: unknown) => void

export interface ConfigKey {
  readonly name: string
  readonly type: ConfigType
  /** Absent: the key is required. */
  readonly defaultValue?: unknown
  readonly importance: Importance
  readonly documentation: string
  readonly validator?: Validator
  readonly group?: string
  readonly displayName?: string
}

/** One key's outcome of `validate` (the REST API's `value` object per config). */
export interface ConfigValue {
  readonly name: string
  readonly value: unknown
  readonly recommendedValues: readonly unknown[]
  readonly errors: readonly string[]
  readonly visible: boolean
}

/** A config definition: keys by name, in definition order. Implemented in config-def-impl. */
export interface ConfigDefinition {
  readonly keys: ReadonlyMap<string, ConfigKey>
  /** Typed values of `props` (defaults filled in); throws CONNECT_INVALID_CONFIG naming every bad key. */
  parse(props: Readonly<Record<string, unknown>>): Record<string, unknown>
  /** Per-key results without throwing (for `PUT /connector-plugins/{class}/config/validate`). */
  validate(props: Readonly<Record<string, unknown>>): ConfigValue[]
}
