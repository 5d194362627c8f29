/**
 * The Avro logical types the Avro serde reads and writes (avsc leaves their implementation to
 * the application). JavaScript values:
 *
 * | logical type       | underlying      | value                                                       |
 * |--------------------|-----------------|-------------------------------------------------------------|
 * | `timestamp-millis` | long            | `Date` (a number of milliseconds is accepted when writing)  |
 * | `timestamp-micros` | long            | `bigint` microseconds since the epoch (exact; a `Date` is accepted when writing) |
 * | `date`             | int             | `Date` at 00:00 UTC of the day                              |
 * | `decimal`          | bytes or fixed  | `string` such as `"-12.30"`, with exactly `scale` fraction digits when read |
 * | `uuid`             | string          | `string`, the 8-4-4-4-12 hex form                           |
 *
 * A schema whose logical type is invalid (a decimal without a valid precision) falls back to
 * its underlying type, as the Avro specification says. Resolution: a reader with a logical type
 * reads a writer of the same logical type, or of its underlying type (`long` also from `int`).
 */
import avsc from 'avsc'

const DAY_MS = 86_400_000
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DECIMAL_PATTERN = /^([+-]?)(\d+)(?:\.(\d+))?$/

type AvroType = avsc.Type

function isLogical(type: AvroType, name: string): boolean {
  return type.typeName === `logical:${name}`
}

function identity<V>(value: V): V {
  return value
}

export class TimestampMillisType extends avsc.types.LogicalType {
  protected override _fromValue(value: number): Date {
    return new Date(value)
  }

  protected override _toValue(value: unknown): number | undefined {
    if (value instanceof Date) return value.getTime()
    return typeof value === 'number' ? value : undefined
  }

  protected override _resolve(type: AvroType): ((value: unknown) => unknown) | undefined {
    if (isLogical(type, 'timestamp-millis')) return identity
    if (avsc.Type.isType(type, 'long', 'int')) return (value) => new Date(value as number)
    return undefined
  }
}

export class TimestampMicrosType extends avsc.types.LogicalType {
  protected override _fromValue(value: number): bigint {
    return BigInt(value)
  }

  protected override _toValue(value: unknown): number | undefined {
    if (typeof value === 'bigint') {
      const number = Number(value)
      return Number.isSafeInteger(number) ? number : undefined
    }
    if (value instanceof Date) return value.getTime() * 1000
    return undefined
  }

  protected override _resolve(type: AvroType): ((value: unknown) => unknown) | undefined {
    if (isLogical(type, 'timestamp-micros')) return identity
    if (avsc.Type.isType(type, 'long', 'int')) return (value) => BigInt(value as number)
    return undefined
  }
}

export class DateType extends avsc.types.LogicalType {
  protected override _fromValue(value: number): Date {
    return new Date(value * DAY_MS)
  }

  protected override _toValue(value: unknown): number | undefined {
    return value instanceof Date ? Math.floor(value.getTime() / DAY_MS) : undefined
  }

  protected override _resolve(type: AvroType): ((value: unknown) => unknown) | undefined {
    if (isLogical(type, 'date')) return identity
    if (avsc.Type.isType(type, 'int')) return (value) => new Date((value as number) * DAY_MS)
    return undefined
  }
}

export class UuidType extends avsc.types.LogicalType {
  protected override _fromValue(value: string): string {
    return value
  }

  protected override _toValue(value: unknown): string | undefined {
    return typeof value === 'string' && UUID_PATTERN.test(value) ? value : undefined
  }

  protected override _resolve(type: AvroType): ((value: unknown) => unknown) | undefined {
    if (isLogical(type, 'uuid') || avsc.Type.isType(type, 'string')) return identity
    return undefined
  }
}

/** Unscaled value in big-endian two's complement, minimal length (as Java's BigInteger.toByteArray). */
function toTwosComplement(value: bigint, size: number | undefined): Buffer {
  let length = 1
  while (value >= 1n << BigInt(8 * length - 1) || value < -(1n << BigInt(8 * length - 1))) length++
  if (size !== undefined) {
    if (length > size) return Buffer.alloc(0)
    length = size
  }
  const out = Buffer.alloc(length)
  let rest = BigInt.asUintN(8 * length, value)
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn)
    rest >>= 8n
  }
  return out
}

function fromTwosComplement(bytes: Buffer): bigint {
  if (bytes.length === 0) return 0n
  let value = 0n
  for (const byte of bytes) value = (value << 8n) | BigInt(byte)
  return BigInt.asIntN(8 * bytes.length, value)
}

export class DecimalType extends avsc.types.LogicalType {
  readonly precision: number
  readonly scale: number
  readonly #size: number | undefined

  constructor(schema: ConstructorParameters<typeof avsc.types.LogicalType>[0], options?: unknown) {
    super(schema, options)
    const { precision, scale = 0 } = schema as { precision?: unknown; scale?: unknown }
    if (typeof precision !== 'number' || !Number.isInteger(precision) || precision < 1) {
      throw new Error(`invalid decimal precision: ${String(precision)}`)
    }
    if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 0 || scale > precision) {
      throw new Error(`invalid decimal scale: ${String(scale)}`)
    }
    const underlying = this.underlyingType
    if (!avsc.Type.isType(underlying, 'bytes', 'fixed')) throw new Error('a decimal must be bytes or fixed')
    this.precision = precision
    this.scale = scale
    this.#size = avsc.Type.isType(underlying, 'fixed') ? (underlying as avsc.types.FixedType).size : undefined
  }

  protected override _fromValue(value: Buffer): string {
    const unscaled = fromTwosComplement(value)
    const negative = unscaled < 0n
    const digits = (negative ? -unscaled : unscaled).toString().padStart(this.scale + 1, '0')
    const whole = digits.slice(0, digits.length - this.scale)
    const fraction = digits.slice(digits.length - this.scale)
    return `${negative ? '-' : ''}${whole}${this.scale > 0 ? `.${fraction}` : ''}`
  }

  protected override _toValue(value: unknown): Buffer | undefined {
    if (typeof value !== 'string') return undefined
    const match = DECIMAL_PATTERN.exec(value)
    if (match === null) return undefined
    const [, sign, whole, fraction = ''] = match
    if (fraction.length > this.scale) return undefined
    const digits = (whole + fraction.padEnd(this.scale, '0')).replace(/^0+(?=\d)/, '')
    if (digits.length > this.precision) return undefined
    const unscaled = BigInt(digits) * (sign === '-' ? -1n : 1n)
    const bytes = toTwosComplement(unscaled, this.#size)
    return bytes.length === 0 ? undefined : bytes
  }

  protected override _resolve(type: AvroType): ((value: unknown) => unknown) | undefined {
    if (type instanceof DecimalType && type.scale === this.scale && type.precision <= this.precision) return identity
    return undefined
  }

  protected override _export(schema: unknown): void {
    Object.assign(schema as object, { precision: this.precision, scale: this.scale })
  }
}

/** The logical types, by name, as avsc's `logicalTypes` option takes them. */
export const AVRO_LOGICAL_TYPES = {
  'timestamp-millis': TimestampMillisType,
  'timestamp-micros': TimestampMicrosType,
  date: DateType,
  decimal: DecimalType,
  uuid: UuidType,
} as const
