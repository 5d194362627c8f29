/**
 * `ConfigDef`: the `ConfigDefinition` every connector, task, converter and transform declares
 * (Kafka's `ConfigDef`).
 *
 * ```ts
 * const def = new ConfigDef()
 *   .define('topic', 'STRING', ConfigDef.NO_DEFAULT, 'HIGH', 'The topic to write to', nonEmptyString())
 *   .define('batch.size', 'INT', 2000, 'LOW', 'Records per poll', ranged(1))
 * const config = def.parse({ topic: 'lines', 'batch.size': '500' }) // { topic: 'lines', 'batch.size': 500 }
 * ```
 *
 * Parsing follows Kafka: strings are trimmed; INT is a 32-bit integer, LONG a safe integer, DOUBLE
 * any number, BOOLEAN `true`/`false` (any case), LIST comma-separated (blanks around commas
 * dropped, `""` is the empty list), CLASS a class name (or a factory function), PASSWORD a
 * `Password` that prints as `[hidden]`. Typed values (numbers, booleans, arrays) are accepted
 * as they are. Keys that are not defined are ignored by `parse` (they belong to someone else:
 * the worker passes connector configs through). `parse` collects every bad key before throwing
 * one CONNECT_INVALID_CONFIG error; values of PASSWORD keys never appear in messages.
 */
import { ConnectError } from '../errors.ts'
import type { ConfigDefinition, ConfigKey, ConfigType, ConfigValue, Importance, Validator } from './config-def.ts'
import type { RecommendingValidator } from './config-validators.ts'

/** A secret config value: prints, logs and serialises as `[hidden]`; `value()` reveals it. */
export class Password {
  static readonly HIDDEN = '[hidden]'
  readonly #value: string

  constructor(value: string) {
    this.#value = value
  }

  value(): string {
    return this.#value
  }

  toString(): string {
    return Password.HIDDEN
  }

  toJSON(): string {
    return Password.HIDDEN
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return Password.HIDDEN
  }
}

/** A key as `define` takes it: `ConfigKey` with optional importance/documentation and recommended values. */
export interface ConfigKeyInit {
  readonly name: string
  readonly type: ConfigType
  /** Absent: required. */
  readonly defaultValue?: unknown
  readonly importance?: Importance
  readonly documentation?: string
  readonly validator?: Validator
  readonly group?: string
  readonly displayName?: string
  readonly recommendedValues?: readonly unknown[]
}

interface DefinedKey extends ConfigKey {
  readonly recommendedValues: readonly unknown[]
}

/** The error `parse` throws: one message naming every bad key, and the errors per key. */
export class InvalidConfigError extends ConnectError {
  readonly errors: ReadonlyMap<string, readonly string[]>

  constructor(errors: ReadonlyMap<string, readonly string[]>, context?: string) {
    const lines = [...errors.values()].flat()
    super('CONNECT_INVALID_CONFIG', `${context === undefined ? '' : `${context}: `}invalid configuration (${[...errors.keys()].join(', ')}): ${lines.join('; ')}`)
    this.errors = errors
  }
}

const NO_DEFAULT: unique symbol = Symbol('ConfigDef.NO_DEFAULT')
const INT32_MIN = -2_147_483_648
const INT32_MAX = 2_147_483_647

export class ConfigDef implements ConfigDefinition {
  /** Pass as the default of a required key. */
  static readonly NO_DEFAULT = NO_DEFAULT
  readonly #keys = new Map<string, DefinedKey>()

  get keys(): ReadonlyMap<string, ConfigKey> {
    return this.#keys
  }

  /** A required key (no default). */
  define(name: string, type: ConfigType, importance: Importance, documentation: string): this
  /** A key with a default (`ConfigDef.NO_DEFAULT`: required) and an optional validator. */
  define(name: string, type: ConfigType, defaultValue: unknown, importance: Importance, documentation: string, validator?: Validator): this
  define(key: ConfigKeyInit): this
  define(...args: unknown[]): this {
    let init: ConfigKeyInit
    if (typeof args[0] === 'object' && args[0] !== null) init = args[0] as ConfigKeyInit
    else if (args.length === 4) init = { name: args[0] as string, type: args[1] as ConfigType, importance: args[2] as Importance, documentation: args[3] as string }
    else {
      const defaultValue = args[2] === NO_DEFAULT ? undefined : args[2]
      init = {
        name: args[0] as string, type: args[1] as ConfigType, importance: args[3] as Importance, documentation: args[4] as string,
        ...(defaultValue === undefined ? {} : { defaultValue }),
        ...(args[5] === undefined ? {} : { validator: args[5] as Validator }),
      }
    }
    return this.#add(init)
  }

  #add(init: ConfigKeyInit): this {
    if (this.#keys.has(init.name)) throw new ConnectError('CONNECT_INVALID_CONFIG', `Configuration key "${init.name}" is defined twice`)
    const validator = init.validator as RecommendingValidator | undefined
    let defaultValue = init.defaultValue
    if (defaultValue !== undefined && defaultValue !== null) {
      // A default is parsed and validated like a value: a bad default is a programming error.
      const parsed = parseValue(init.name, init.type, defaultValue)
      if (!parsed.ok) throw new ConnectError('CONNECT_INVALID_CONFIG', `Invalid default for configuration key "${init.name}": ${parsed.error}`)
      defaultValue = parsed.value
      if (validator !== undefined) validator(init.name, defaultValue)
    }
    const key: DefinedKey = {
      name: init.name,
      type: init.type,
      ...(defaultValue === undefined ? {} : { defaultValue }),
      importance: init.importance ?? 'MEDIUM',
      documentation: init.documentation ?? '',
      ...(validator === undefined ? {} : { validator }),
      ...(init.group === undefined ? {} : { group: init.group }),
      ...(init.displayName === undefined ? {} : { displayName: init.displayName }),
      recommendedValues: init.recommendedValues ?? validator?.recommendedValues ?? [],
    }
    this.#keys.set(init.name, key)
    return this
  }

  /** Every key of `other` (e.g. the common keys of all transforms) added to this definition. */
  merge(other: ConfigDefinition): this {
    for (const key of other.keys.values()) this.#add(key)
    return this
  }

  names(): string[] {
    return [...this.#keys.keys()]
  }

  parse(props: Readonly<Record<string, unknown>>, context?: string): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    const errors = new Map<string, string[]>()
    for (const key of this.#keys.values()) {
      const result = this.#parseKey(key, props)
      if (result.errors.length > 0) errors.set(key.name, result.errors)
      else out[key.name] = result.value
    }
    if (errors.size > 0) throw new InvalidConfigError(errors, context)
    return out
  }

  validate(props: Readonly<Record<string, unknown>>): ConfigValue[] {
    return [...this.#keys.values()].map((key) => {
      const result = this.#parseKey(key, props)
      return { name: key.name, value: result.value, recommendedValues: key.recommendedValues, errors: result.errors, visible: true }
    })
  }

  #parseKey(key: DefinedKey, props: Readonly<Record<string, unknown>>): { value: unknown; errors: string[] } {
    const raw = Object.hasOwn(props, key.name) ? props[key.name] : undefined
    if (raw === undefined) {
      if (!('defaultValue' in key)) return { value: null, errors: [`Missing required configuration "${key.name}" which has no default value.`] }
      return { value: key.defaultValue, errors: [] }
    }
    const parsed = parseValue(key.name, key.type, raw)
    if (!parsed.ok) return { value: key.type === 'PASSWORD' ? Password.HIDDEN : raw, errors: [invalidValue(key, raw, parsed.error)] }
    if (key.validator !== undefined) {
      try {
        key.validator(key.name, parsed.value)
      } catch (error) {
        return { value: parsed.value, errors: [invalidValue(key, raw, error instanceof Error ? error.message : String(error))] }
      }
    }
    return { value: parsed.value, errors: [] }
  }
}

function invalidValue(key: ConfigKey, raw: unknown, reason: string): string {
  const shown = key.type === 'PASSWORD' ? Password.HIDDEN : Array.isArray(raw) ? raw.join(',') : String(raw)
  return `Invalid value ${shown} for configuration ${key.name}: ${reason}`
}

type Parsed = { ok: true; value: unknown } | { ok: false; error: string }

/** One value of `type`, from a string or an already typed value. */
export function parseValue(_name: string, type: ConfigType, raw: unknown): Parsed {
  if (raw === null) return { ok: true, value: null }
  const text = typeof raw === 'string' ? raw.trim() : undefined
  switch (type) {
    case 'STRING':
      if (text !== undefined) return { ok: true, value: text }
      return { ok: false, error: 'Expected value to be a string, but it was a ' + typeof raw }
    case 'INT':
    case 'LONG': {
      const n = text !== undefined ? (/^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN) : typeof raw === 'number' ? raw : typeof raw === 'bigint' ? Number(raw) : Number.NaN
      const fits = type === 'INT' ? Number.isInteger(n) && n >= INT32_MIN && n <= INT32_MAX : Number.isSafeInteger(n)
      return fits ? { ok: true, value: n } : { ok: false, error: `Not a number of type ${type}` }
    }
    case 'DOUBLE': {
      const n = text !== undefined ? (text === '' ? Number.NaN : Number(text)) : typeof raw === 'number' ? raw : Number.NaN
      return Number.isNaN(n) ? { ok: false, error: 'Not a number of type DOUBLE' } : { ok: true, value: n }
    }
    case 'BOOLEAN':
      if (typeof raw === 'boolean') return { ok: true, value: raw }
      if (text?.toLowerCase() === 'true') return { ok: true, value: true }
      if (text?.toLowerCase() === 'false') return { ok: true, value: false }
      return { ok: false, error: 'Expected value to be either true or false' }
    case 'LIST':
      if (Array.isArray(raw)) return { ok: true, value: raw.map((v) => (typeof v === 'string' ? v.trim() : String(v))) }
      if (text !== undefined) return { ok: true, value: text === '' ? [] : text.split(/\s*,\s*/) }
      return { ok: false, error: 'Expected a comma separated list' }
    case 'CLASS':
      if (text !== undefined) {
        return text === '' ? { ok: false, error: 'Class name may not be empty' } : { ok: true, value: text }
      }
      if (typeof raw === 'function') return { ok: true, value: raw }
      return { ok: false, error: 'Expected a class name' }
    case 'PASSWORD':
      if (raw instanceof Password) return { ok: true, value: raw }
      if (typeof raw === 'string') return { ok: true, value: new Password(raw) }
      return { ok: false, error: 'Expected a string' }
  }
}
