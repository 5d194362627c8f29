/**
 * The output format of `creek consume`, with kcat's placeholders:
 *
 * | token | prints |
 * |---|---|
 * | `%v`, `%s` | the value (UTF-8; empty when null), or its decoded text with `--value-format` |
 * | `%k` | the key (UTF-8; empty when null), or its decoded text with `--key-format` |
 * | `%S`, `%K` | value and key length in bytes, -1 when null |
 * | `%t`, `%p`, `%o` | topic, partition, offset |
 * | `%T` | timestamp in ms since the epoch |
 * | `%h` | headers as `k=v,k2=v2` |
 * | `%%` | a percent sign |
 *
 * Escapes `\n`, `\t`, `\r`, `\\` stand for their characters. A format without a newline gets one
 * at the end (kcat's does not: a record per line is what people expect).
 *
 * The format is compiled once into a list of parts; an unknown token is refused up front.
 */

/** What a format can print of a record. */
export interface FormattableRecord {
  readonly topic: string
  readonly partition: number
  readonly offset: number
  readonly timestamp: number
  readonly key: Buffer | null
  readonly value: Buffer | null
  /** The key as decoded by a key format (`%k` prints it instead of the bytes); `%K` stays the byte length. */
  readonly keyText?: string
  /** The value as decoded by a value format (`%v`, `%s`). */
  readonly valueText?: string
  readonly headers: readonly { readonly key: string; readonly value: Buffer | null }[]
}

type Part = string | ((record: FormattableRecord) => string)

const TOKENS: Record<string, (record: FormattableRecord) => string> = {
  v: (r) => r.valueText ?? r.value?.toString('utf8') ?? '',
  s: (r) => r.valueText ?? r.value?.toString('utf8') ?? '',
  k: (r) => r.keyText ?? r.key?.toString('utf8') ?? '',
  S: (r) => String(r.value?.length ?? -1),
  K: (r) => String(r.key?.length ?? -1),
  t: (r) => r.topic,
  p: (r) => String(r.partition),
  o: (r) => String(r.offset),
  T: (r) => String(r.timestamp),
  h: (r) => r.headers.map((h) => `${h.key}=${h.value?.toString('utf8') ?? ''}`).join(','),
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\' }

export type RecordFormatter = (record: FormattableRecord) => string

/** Compiles a format; throws an Error naming the bad token. */
export function compileRecordFormat(format: string): RecordFormatter {
  const parts: Part[] = []
  let literal = ''
  for (let i = 0; i < format.length; i++) {
    const char = format[i]
    const next = format[i + 1]
    if (char === '\\' && next !== undefined && ESCAPES[next] !== undefined) {
      literal += ESCAPES[next]
      i++
    } else if (char === '%') {
      if (next === '%') {
        literal += '%'
      } else if (next !== undefined && TOKENS[next] !== undefined) {
        if (literal) parts.push(literal)
        literal = ''
        parts.push(TOKENS[next])
      } else {
        throw new Error(`Unknown placeholder '%${next ?? ''}' in --format; use %k %v %s %K %S %t %p %o %T %h or %%`)
      }
      i++
    } else {
      literal += char
    }
  }
  if (!format.includes('\n') && !format.includes('\\n')) literal += '\n'
  if (literal) parts.push(literal)
  return (record) => {
    let out = ''
    for (const part of parts) out += typeof part === 'string' ? part : part(record)
    return out
  }
}

/** The format `creek consume` uses without `--format`: the value, optionally after key and position. */
export function defaultRecordFormat(options: { readonly printKey?: boolean; readonly printOffset?: boolean }): string {
  return `${options.printOffset ? '%p:%o\\t' : ''}${options.printKey ? '%k\\t' : ''}%v\\n`
}
