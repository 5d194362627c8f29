/**
 * `Struct`: a value of a STRUCT schema (Kafka Connect's `Struct`), fields read and written by
 * name.
 *
 * ```ts
 * const person = new Struct(personSchema).put('id', 42).put('name', 'Ada')
 * person.validate()
 * ```
 *
 * Contract: `put` checks the value against the field's schema at once (a wrong type throws
 * CONNECT_DATA naming the field); `validate()` checks that every required field has a value.
 * `get` returns the field's default when the value is null or unset, as Kafka's `get`;
 * `getWithoutDefault` returns what was put. Transforms never mutate a record's struct: they build
 * a new one (a Struct is mutable only while its producer fills it in).
 */
import { ConnectError } from '../errors.ts'
import type { Field, Schema } from './schema.ts'
import {
  STRUCT_BRAND, type StructLike, describeSchema, fieldOf, schemaEquals, validateStructFields, validateValue, valueEquals,
} from './values.ts'

const PREFILLED: unique symbol = Symbol('prefilled')

export class Struct implements StructLike {
  readonly [STRUCT_BRAND] = true as const
  readonly schema: Schema
  readonly #values: unknown[]

  /** `prefilled` is for `fromValidatedValues` only (its key is not exported). */
  constructor(schema: Schema, prefilled?: { readonly [PREFILLED]: unknown[] }) {
    if (schema.type !== 'STRUCT') throw new ConnectError('CONNECT_DATA', `A Struct needs a STRUCT schema, got ${describeSchema(schema)}`)
    this.schema = schema
    this.#values = prefilled?.[PREFILLED] ?? new Array<unknown>(schema.fields?.length ?? 0).fill(null)
  }

  /**
   * A struct holding `values` (one per field, in field order; taken over, not copied) that the
   * caller already checked against the fields' schemas, as `put` would (converters that check
   * while they parse use it to avoid checking twice).
   */
  static fromValidatedValues(schema: Schema, values: unknown[]): Struct {
    if (values.length !== (schema.fields?.length ?? 0)) {
      throw new ConnectError('CONNECT_DATA', `A Struct of ${describeSchema(schema)} needs ${schema.fields?.length ?? 0} values, got ${values.length}`)
    }
    for (let i = 0; i < values.length; i++) if (values[i] === undefined) values[i] = null
    return new Struct(schema, { [PREFILLED]: values })
  }

  /** The value of `field` (a name or a Field), or the field's default when it is null. */
  get(field: string | Field): unknown {
    const f = this.#field(field)
    const value = this.#values[f.index]
    return value === null && f.schema.defaultValue !== undefined ? f.schema.defaultValue : value
  }

  getWithoutDefault(field: string | Field): unknown {
    return this.#values[this.#field(field).index]
  }

  getString(field: string): string | null { return this.#typed(field, 'string') as string | null }
  getNumber(field: string): number | null { return this.#typed(field, 'number') as number | null }
  getBoolean(field: string): boolean | null { return this.#typed(field, 'boolean') as boolean | null }

  getStruct(field: string): Struct | null {
    const value = this.get(field)
    if (value === null || value instanceof Struct) return value
    throw new ConnectError('CONNECT_DATA', `Field "${field}" is not a Struct`)
  }

  /** Sets a field after checking the value against the field's schema; returns this (chainable). */
  put(field: string | Field, value: unknown): this {
    const f = this.#field(field)
    validateValue(f.schema, value, f.name, false)
    this.#values[f.index] = value ?? null
    return this
  }

  /** Throws CONNECT_DATA unless every required field has a valid value. */
  validate(): void {
    validateStructFields(this, this.schema.name ?? 'struct')
  }

  equals(other: unknown): boolean {
    return other instanceof Struct && schemaEquals(this.schema, other.schema) && this.#values.every((v, i) => valueEquals(v, other.#values[i]))
  }

  /** Field values by name, nested structs included (for logs and tests). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const field of this.schema.fields ?? []) out[field.name] = this.#values[field.index]
    return out
  }

  toString(): string {
    const parts = (this.schema.fields ?? []).map((f) => `${f.name}=${String(this.#values[f.index])}`)
    return `Struct{${parts.join(',')}}`
  }

  #field(field: string | Field): Field {
    // A field of this very schema (the common case for converters and connectors) needs no lookup.
    if (typeof field !== 'string' && this.schema.fields?.[field.index] === field) return field
    const name = typeof field === 'string' ? field : field.name
    const found = fieldOf(this.schema, name)
    if (found === undefined) {
      const known = (this.schema.fields ?? []).map((f) => f.name).join(', ')
      throw new ConnectError('CONNECT_DATA', `"${name}" is not a field of ${describeSchema(this.schema)} (fields: ${known})`)
    }
    return found
  }

  #typed(field: string, type: string): unknown {
    const value = this.get(field)
    if (value !== null && typeof value !== type) throw new ConnectError('CONNECT_DATA', `Field "${field}" is not a ${type}`)
    return value
  }
}
