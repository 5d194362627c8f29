/**
 * The JSON cursor of the compiled readers (json-compiled.ts): reads JSON text in place, with the
 * grammar of json-node.ts's `parseJson`, and throws `FALLBACK` wherever the general path must
 * read the text instead.
 */

/** Thrown by compiled readers: the general path must read this text. */
export const FALLBACK: unique symbol = Symbol('json-fallback')

/** A cursor over JSON text, with the grammar of json-node.ts's `parseJson`. */
export class JsonCursor {
  text = ''
  i = 0
  /** The last number read: integer (no fraction or exponent), its digits count, and its value when an integer of at most 15 digits. */
  numberIsInteger = false
  numberDigits = 0
  numberSmall = 0
  numberStart = 0

  reset(text: string, i: number): void {
    this.text = text
    this.i = i
  }

  ws(): void {
    const text = this.text
    let i = this.i
    for (;;) {
      const c = text.charCodeAt(i)
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++
      else break
    }
    this.i = i
  }

  /** The code of the next non-blank character (NaN at the end). */
  peek(): number {
    this.ws()
    return this.text.charCodeAt(this.i)
  }

  expect(code: number): void {
    if (this.peek() !== code) throw FALLBACK
    this.i++
  }

  literal(word: string): boolean {
    if (!this.text.startsWith(word, this.i)) return false
    this.i += word.length
    return true
  }

  /** A string at the cursor (the opening quote is next), as `parseJson` reads it. */
  string(): string {
    const text = this.text
    const start = this.i
    let i = start + 1
    let simple = true
    for (;;) {
      const c = text.charCodeAt(i)
      if (c === 0x22) break
      if (Number.isNaN(c)) throw FALLBACK
      if (c === 0x5c) {
        simple = false
        i++
      }
      i++
    }
    this.i = i + 1
    return simple ? text.slice(start + 1, i) : (JSON.parse(text.slice(start, i + 1)) as string)
  }

  /** Reads a number (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`), filling the number fields; false when none is next. */
  number(): boolean {
    const text = this.text
    const start = this.i
    let i = start
    if (text.charCodeAt(i) === 0x2d) i++
    let c = text.charCodeAt(i)
    if (!(c >= 0x30 && c <= 0x39)) return false
    let n = 0
    let digits = 0
    if (c === 0x30) {
      i++
      digits = 1
    } else {
      while (c >= 0x30 && c <= 0x39) {
        n = n * 10 + (c - 0x30)
        digits++
        c = text.charCodeAt(++i)
      }
    }
    let integer = true
    if (text.charCodeAt(i) === 0x2e) {
      c = text.charCodeAt(i + 1)
      if (c >= 0x30 && c <= 0x39) {
        integer = false
        i += 1
        while (c >= 0x30 && c <= 0x39) c = text.charCodeAt(++i)
      }
    }
    c = text.charCodeAt(i)
    if (c === 0x65 || c === 0x45) {
      let j = i + 1
      c = text.charCodeAt(j)
      if (c === 0x2b || c === 0x2d) c = text.charCodeAt(++j)
      if (c >= 0x30 && c <= 0x39) {
        integer = false
        while (c >= 0x30 && c <= 0x39) c = text.charCodeAt(++j)
        i = j
      }
    }
    // parseJson reads at most 400 characters of a number.
    if (i - start > 400) throw FALLBACK
    this.numberStart = start
    this.i = i
    this.numberIsInteger = integer
    this.numberDigits = digits
    this.numberSmall = text.charCodeAt(start) === 0x2d ? -n : n
    return true
  }

  numberText(): string {
    return this.text.slice(this.numberStart, this.i)
  }

  /** The last number as `JsonNumber.toInteger` reads an integer: a number when safe, else a bigint. */
  integerValue(): number | bigint {
    if (this.numberDigits <= 15) return this.numberSmall
    const text = this.numberText()
    const n = Number(text)
    return Number.isSafeInteger(n) ? n : BigInt(text)
  }

  /** The last number as `JsonNumber.toNumber` reads it. */
  numberValue(): number {
    return this.numberIsInteger && this.numberDigits <= 15 ? this.numberSmall : Number(this.numberText())
  }
}

