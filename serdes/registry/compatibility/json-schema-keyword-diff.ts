/**
 * The keyword-level part of the JSON Schema diff (see json-schema-compatibility.ts): limits,
 * string and number constraints, enums and consts. Each function compares the writer's
 * (original) value with the reader's (update) and returns only the rejected changes, with paths
 * relative to the schema holding the keyword.
 */
import { canonicalJson, type NumberModel } from './json-schema-model.ts'

/** A rejected change, its path relative to the pair being compared, and how to say it. */
export interface Found {
  readonly type: string
  readonly path: readonly string[]
  readonly say: (path: string) => string
}

/** Whether `value` is a whole multiple of `of`, in decimal arithmetic where both are decimals. */
function isMultiple(value: number, of: number): boolean {
  if (of === 0) return false
  const decimals = (n: number): number => (/e/i.test(String(n)) ? -1 : (String(n).split('.')[1] ?? '').length)
  const places = Math.max(decimals(value), decimals(of))
  if (places < 0 || places > 15) return Math.abs(value / of - Math.round(value / of)) < 1e-9
  const scale = 10 ** places
  return BigInt(Math.round(value * scale)) % BigInt(Math.round(of * scale)) === 0n
}

/**
 * A numeric limit: for a maximum (`max`) adding or lowering it rejects values the writer allowed,
 * for a minimum (`min`) adding or raising it does.
 */
export function limit(keyword: string, prefix: string, before: number | undefined, after: number | undefined, bound: 'max' | 'min'): Found[] {
  if (after === undefined || before === after) return []
  if (before === undefined) {
    return [{ type: `${prefix}_ADDED`, path: [keyword], say: (p) => `The reader schema adds '${keyword}' ${after} at path '${p}', which the writer schema does not have` }]
  }
  if (bound === 'max' && after < before) {
    return [{ type: `${prefix}_DECREASED`, path: [keyword], say: (p) => `The value of '${keyword}' at path '${p}' is ${after} in the reader schema, less than ${before} in the writer schema` }]
  }
  if (bound === 'min' && after > before) {
    return [{ type: `${prefix}_INCREASED`, path: [keyword], say: (p) => `The value of '${keyword}' at path '${p}' is ${after} in the reader schema, more than ${before} in the writer schema` }]
  }
  return []
}

export function stringChanges(original: { maxLength?: number; minLength?: number; pattern?: string }, update: typeof original): Found[] {
  const found = [
    ...limit('maxLength', 'MAX_LENGTH', original.maxLength, update.maxLength, 'max'),
    ...limit('minLength', 'MIN_LENGTH', original.minLength, update.minLength, 'min'),
  ]
  if (update.pattern !== undefined && original.pattern === undefined) {
    found.push({ type: 'PATTERN_ADDED', path: ['pattern'], say: (p) => `The reader schema adds the pattern '${update.pattern}' at path '${p}', which the writer schema does not have` })
  } else if (update.pattern !== undefined && original.pattern !== update.pattern) {
    found.push({ type: 'PATTERN_CHANGED', path: ['pattern'], say: (p) => `The pattern at path '${p}' is '${update.pattern}' in the reader schema and '${original.pattern}' in the writer schema` })
  }
  return found
}

export function numberChanges(original: NumberModel, update: NumberModel): Found[] {
  const found = [
    ...limit('maximum', 'MAXIMUM', original.maximum, update.maximum, 'max'),
    ...limit('minimum', 'MINIMUM', original.minimum, update.minimum, 'min'),
    ...limit('exclusiveMaximum', 'EXCLUSIVE_MAXIMUM', original.exclusiveMaximum, update.exclusiveMaximum, 'max'),
    ...limit('exclusiveMinimum', 'EXCLUSIVE_MINIMUM', original.exclusiveMinimum, update.exclusiveMinimum, 'min'),
  ]
  const before = original.multipleOf
  const after = update.multipleOf
  if (after !== undefined && before !== after) {
    if (before === undefined) {
      found.push({ type: 'MULTIPLE_OF_ADDED', path: ['multipleOf'], say: (p) => `The reader schema adds 'multipleOf' ${after} at path '${p}', which the writer schema does not have` })
    } else if (isMultiple(after, before)) {
      found.push({ type: 'MULTIPLE_OF_EXPANDED', path: ['multipleOf'], say: (p) => `The value of 'multipleOf' at path '${p}' is ${after} in the reader schema, a multiple of ${before} in the writer schema, so it rejects values the writer allowed` })
    } else if (!isMultiple(before, after)) {
      found.push({ type: 'MULTIPLE_OF_CHANGED', path: ['multipleOf'], say: (p) => `The value of 'multipleOf' at path '${p}' is ${after} in the reader schema and ${before} in the writer schema` })
    }
  }
  if (!original.integer && update.integer) {
    found.push({ type: 'TYPE_NARROWED', path: [], say: (p) => `The schema at path '${p}' accepts only integers in the reader schema but any number in the writer schema` })
  }
  return found
}

export function enumChanges(before: readonly unknown[], after: readonly unknown[], keyword: 'enum' | 'const'): Found[] {
  const beforeSet = new Set(before.map(canonicalJson))
  const afterSet = new Set(after.map(canonicalJson))
  const missing = [...beforeSet].filter((value) => !afterSet.has(value))
  if (missing.length === 0) return []
  const extra = [...afterSet].filter((value) => !beforeSet.has(value))
  if (keyword === 'enum' && extra.length === 0) {
    return [{ type: 'ENUM_ARRAY_NARROWED', path: ['enum'], say: (p) => `The enum at path '${p}' in the reader schema lacks values the writer schema allows: ${missing.join(', ')}` }]
  }
  return [{ type: 'ENUM_ARRAY_CHANGED', path: [keyword], say: (p) => `The ${keyword} at path '${p}' allows ${[...afterSet].join(', ')} in the reader schema but ${[...beforeSet].join(', ')} in the writer schema` }]
}
