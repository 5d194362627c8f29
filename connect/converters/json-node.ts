/**
 * JSON text as Kafka's JsonConverter (Jackson) reads and writes it, without losing precision:
 *
 * - `parseJson` keeps every number's text (`JsonNumber`) so an INT64 beyond 2^53 or a NUMERIC
 *   decimal reads exactly, and objects as `Map`s in document order.
 * - `javaDouble` / `javaFloat` print floating point numbers as Java's `Double.toString` /
 *   `Float.toString` do (`1.0`, `1.0E7`, `0.1` for the float nearest 0.1), which is what Jackson
 *   writes for FLOAT64 and FLOAT32 values.
 * - `numberTextToDecimal` reads a JSON number's text exactly as a decimal at a scale.
 */
import { unscaledToDecimal } from '../api/logical-types.ts'
import { ConnectError } from '../errors.ts'

const NUMBER_TEXT = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/

/** A JSON number, as written. */
export class JsonNumber {
  readonly text: string

  constructor(text: string) {
    this.text = text
  }

  get isInteger(): boolean {
    return /^-?\d+$/.test(this.text)
  }

  toNumber(): number {
    return Number(this.text)
  }

  /** An integer: a number when it is safe, otherwise a bigint (or a number when not integral). */
  toInteger(): number | bigint {
    if (!this.isInteger) return Number(this.text)
    const n = Number(this.text)
    return Number.isSafeInteger(n) ? n : BigInt(this.text)
  }
}

export type JsonNode = null | boolean | string | JsonNumber | JsonNode[] | JsonObject
export type JsonObject = Map<string, JsonNode>

/** Parses JSON text; throws a SyntaxError with the position on bad input. */
export function parseJson(text: string): JsonNode {
  let i = 0
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at position ${i} of the JSON text`)
  }
  const ws = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i)
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++
      else break
    }
  }
  const value = (): JsonNode => {
    ws()
    const c = text[i]
    if (c === '{') {
      i++
      const out: JsonObject = new Map()
      ws()
      if (text[i] === '}') {
        i++
        return out
      }
      for (;;) {
        ws()
        if (text[i] !== '"') fail('Expected a string key')
        const key = string()
        ws()
        if (text[i] !== ':') fail('Expected ":"')
        i++
        out.set(key, value())
        ws()
        if (text[i] === ',') i++
        else if (text[i] === '}') {
          i++
          return out
        } else fail('Expected "," or "}"')
      }
    }
    if (c === '[') {
      i++
      const out: JsonNode[] = []
      ws()
      if (text[i] === ']') {
        i++
        return out
      }
      for (;;) {
        out.push(value())
        ws()
        if (text[i] === ',') i++
        else if (text[i] === ']') {
          i++
          return out
        } else fail('Expected "," or "]"')
      }
    }
    if (c === '"') return string()
    if (text.startsWith('true', i)) {
      i += 4
      return true
    }
    if (text.startsWith('false', i)) {
      i += 5
      return false
    }
    if (text.startsWith('null', i)) {
      i += 4
      return null
    }
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400))
    if (match === null) return fail(c === undefined ? 'Unexpected end' : `Unexpected character ${JSON.stringify(c)}`)
    i += match[0].length
    return new JsonNumber(match[0])
  }
  const string = (): string => {
    const start = i
    i++
    let simple = true
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        simple = false
        i++
      }
      i++
    }
    if (i >= text.length) fail('Unterminated string')
    i++
    const raw = text.slice(start, i)
    return simple ? raw.slice(1, -1) : (JSON.parse(raw) as string)
  }
  const result = value()
  ws()
  if (i !== text.length) fail('Unexpected text after the JSON value')
  return result
}

/** Java's `Double.toString` of `v` (Jackson's text for a double). */
export function javaDouble(v: number): string {
  if (Number.isNaN(v)) return '"NaN"'
  if (!Number.isFinite(v)) return v > 0 ? '"Infinity"' : '"-Infinity"'
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0'
  const abs = Math.abs(v)
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(v)
    return s.includes('.') ? s : `${s}.0`
  }
  const [mantissa, exponent] = v.toExponential().split('e')
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`
}

/** Java's `Float.toString` of the float32 nearest `v`: the shortest digits that read back as it. */
export function javaFloat(v: number): string {
  const f = Math.fround(v)
  if (!Number.isFinite(f) || f === 0) return javaDouble(f)
  for (let digits = 1; digits <= 9; digits++) {
    const shortest = Number(f.toPrecision(digits))
    if (Math.fround(shortest) === f) return javaDouble(shortest)
  }
  return javaDouble(f)
}

/** A JSON number's text as a decimal string at `scale`. */
export function numberTextToDecimal(text: string, scale: number): string {
  const match = NUMBER_TEXT.exec(text)
  if (match === null) throw new ConnectError('CONNECT_DATA', `${text} is not a decimal number`)
  const [, sign, whole, fraction = '', exponent = '0'] = match
  const shift = Number(exponent) - fraction.length + scale
  let unscaled = BigInt(`${whole}${fraction}`)
  if (shift >= 0) unscaled *= 10n ** BigInt(shift)
  else {
    const divisor = 10n ** BigInt(-shift)
    if (unscaled % divisor !== 0n) throw new ConnectError('CONNECT_DATA', `Decimal ${text} has more fraction digits than its schema's scale ${scale}`)
    unscaled /= divisor
  }
  return unscaledToDecimal(sign === '-' ? -unscaled : unscaled, scale)
}
