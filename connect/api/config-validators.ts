/**
 * Validators for `ConfigDef` keys (Kafka's `ConfigDef.Range`, `ValidString`, `NonEmptyString`,
 * `ValidList`). A validator receives the parsed value and throws an Error whose message becomes
 * the key's error (`Invalid value 0 for configuration batch.size: Value must be at least 1`).
 * `recommendedValues` on a validator feeds the REST `validate` answer.
 */
import type { Validator } from './config-def.ts'

export interface RecommendingValidator extends Validator {
  readonly recommendedValues?: readonly unknown[]
}

/** Numbers in `[min, max]` (either bound may be omitted); null passes (use no default to require a value). */
export function ranged(min?: number, max?: number): Validator {
  return (_name, value) => {
    if (value === null || value === undefined) return
    const n = Number(value)
    if (min !== undefined && n < min) throw new Error(`Value must be at least ${min}`)
    if (max !== undefined && n > max) throw new Error(`Value must be no more than ${max}`)
  }
}

/** One of `allowed` (case-sensitive, as Kafka's `ValidString.in`); null passes. */
export function validString(...allowed: string[]): RecommendingValidator {
  const validator: Validator = (_name, value) => {
    if (value === null || value === undefined) return
    if (!allowed.includes(String(value))) throw new Error(`String must be one of: ${allowed.join(', ')}`)
  }
  return Object.assign(validator, { recommendedValues: Object.freeze([...allowed]) })
}

/** One of `allowed`, ignoring case (Kafka's `CaseInsensitiveValidString`). */
export function validStringIgnoreCase(...allowed: string[]): RecommendingValidator {
  const lower = allowed.map((a) => a.toLowerCase())
  const validator: Validator = (_name, value) => {
    if (value === null || value === undefined) return
    if (!lower.includes(String(value).toLowerCase())) throw new Error(`String must be one of (case insensitive): ${allowed.join(', ')}`)
  }
  return Object.assign(validator, { recommendedValues: Object.freeze([...allowed]) })
}

/** A string that is not empty (after trimming). */
export function nonEmptyString(): Validator {
  return (_name, value) => {
    if (value === null || value === undefined) return
    // A Password (config-def-impl.ts) is checked by its secret, not by its `[hidden]` text.
    const text = typeof (value as { value?: unknown }).value === 'function' ? String((value as { value(): unknown }).value()) : String(value)
    if (text.trim() === '') throw new Error('String may not be empty')
  }
}

/** A LIST whose every item is one of `allowed`. */
export function validList(...allowed: string[]): RecommendingValidator {
  const validator: Validator = (_name, value) => {
    if (!Array.isArray(value)) return
    const bad = value.filter((v) => !allowed.includes(String(v)))
    if (bad.length > 0) throw new Error(`Invalid value(s) ${bad.join(', ')}: each must be one of: ${allowed.join(', ')}`)
  }
  return Object.assign(validator, { recommendedValues: Object.freeze([...allowed]) })
}

/** Runs each validator in turn. */
export function composite(...validators: Validator[]): Validator {
  return (name, value) => {
    for (const validator of validators) validator(name, value)
  }
}
