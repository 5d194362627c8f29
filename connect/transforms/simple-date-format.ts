/**
 * A UTC subset of Java's `SimpleDateFormat`, for TimestampConverter's `format` and
 * TimestampRouter's `timestamp.format` (Kafka formats and parses in UTC there too).
 *
 * Supported letters: `y` (yyyy, yy), `M` (MM, M, MMM), `d`, `H`, `h`, `a`, `m`, `s`, `S`
 * (milliseconds), `E` (EEE), `Z` (`+0000`), `X` (`Z`), `'quoted text'` and `''`; other letters
 * throw CONNECT_INVALID_CONFIG when the pattern is compiled.
 */
import { ConnectError } from '../errors.ts'

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']

type Token = { literal: string } | { letter: string; count: number }

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = []
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i]
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1)
      if (end === i + 1) {
        tokens.push({ literal: "'" })
        i += 2
        continue
      }
      if (end < 0) throw new ConnectError('CONNECT_INVALID_CONFIG', `Unterminated quote in date format "${pattern}"`)
      tokens.push({ literal: pattern.slice(i + 1, end) })
      i = end + 1
    } else if (/[a-zA-Z]/.test(c)) {
      let j = i
      while (pattern[j] === c) j++
      if (!'yMdHhamsSEZX'.includes(c)) throw new ConnectError('CONNECT_INVALID_CONFIG', `Unsupported letter "${c}" in date format "${pattern}"`)
      tokens.push({ letter: c, count: j - i })
      i = j
    } else {
      tokens.push({ literal: c })
      i++
    }
  }
  return tokens
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0')

export class SimpleDateFormat {
  readonly pattern: string
  readonly #tokens: Token[]

  constructor(pattern: string) {
    this.pattern = pattern
    this.#tokens = tokenize(pattern)
  }

  format(date: Date): string {
    return this.#tokens.map((t) => {
      if ('literal' in t) return t.literal
      const n = t.count
      switch (t.letter) {
        case 'y': return n === 2 ? pad(date.getUTCFullYear() % 100, 2) : pad(date.getUTCFullYear(), n)
        case 'M': return n >= 3 ? MONTHS[date.getUTCMonth()] : pad(date.getUTCMonth() + 1, n)
        case 'd': return pad(date.getUTCDate(), n)
        case 'H': return pad(date.getUTCHours(), n)
        case 'h': return pad(date.getUTCHours() % 12 === 0 ? 12 : date.getUTCHours() % 12, n)
        case 'a': return date.getUTCHours() < 12 ? 'AM' : 'PM'
        case 'm': return pad(date.getUTCMinutes(), n)
        case 's': return pad(date.getUTCSeconds(), n)
        case 'S': return pad(date.getUTCMilliseconds(), n)
        case 'E': return DAYS[date.getUTCDay()]
        case 'Z': return '+0000'
        default: return 'Z'
      }
    }).join('')
  }

  /** The instant `text` names (UTC); throws CONNECT_DATA when it does not match the pattern. */
  parse(text: string): Date {
    const fields: Record<string, number> = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0 }
    let pm = false
    let i = 0
    const fail = (): never => {
      throw new ConnectError('CONNECT_DATA', `Could not parse "${text}" with the date format "${this.pattern}"`)
    }
    for (const t of this.#tokens) {
      if ('literal' in t) {
        if (!text.startsWith(t.literal, i)) fail()
        i += t.literal.length
        continue
      }
      if (t.letter === 'M' && t.count >= 3) {
        const month = MONTHS.findIndex((m) => text.startsWith(m, i))
        if (month < 0) fail()
        fields.M = month + 1
        i += 3
        continue
      }
      if (t.letter === 'E') {
        if (!DAYS.some((d) => text.startsWith(d, i))) fail()
        i += 3
        continue
      }
      if (t.letter === 'a') {
        const marker = text.slice(i, i + 2).toUpperCase()
        if (marker !== 'AM' && marker !== 'PM') fail()
        pm = marker === 'PM'
        i += 2
        continue
      }
      if (t.letter === 'Z' || t.letter === 'X') {
        const match = /^(Z|[+-]\d{2}:?\d{2})/.exec(text.slice(i))
        if (match === null) fail()
        i += match![0].length
        continue
      }
      const match = /^\d+/.exec(text.slice(i, i + Math.max(t.count, t.letter === 'y' ? 4 : 2) + (t.count === 1 ? 1 : 0)))
      if (match === null) fail()
      i += match![0].length
      const key = t.letter === 'h' ? 'H' : t.letter
      fields[key] = Number(match![0])
      if (t.letter === 'y' && t.count === 2) fields.y += 2000
    }
    if (i !== text.length) fail()
    const hours = pm && fields.H < 12 ? fields.H + 12 : fields.H
    return new Date(Date.UTC(fields.y, fields.M - 1, fields.d, hours, fields.m, fields.s, fields.S))
  }
}
