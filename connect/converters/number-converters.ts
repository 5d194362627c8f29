/**
 * The primitive converters (Kafka's `org.apache.kafka.connect.converters.{Short,Integer,Long,
 * Float,Double,Boolean}Converter`), encoding as Kafka's serializers do: big-endian two's
 * complement INT16/INT32/INT64 (2, 4, 8 bytes), IEEE 754 big-endian FLOAT32/FLOAT64 (4, 8 bytes),
 * BOOLEAN as one byte 1 or 0. Reading gives the optional schema of the type; INT64 beyond 2^53
 * reads as a bigint. Null stays null both ways. Each is also a `HeaderConverter`.
 */
import type { RecordHeader } from '../../core/index.ts'
import type { Converter, HeaderConverter } from '../api/converter.ts'
import type { Schema, SchemaAndValue } from '../api/schema.ts'
import { Schemas } from '../api/schema-builder.ts'
import { describeValue, validateValue } from '../api/values.ts'
import { ConnectError } from '../errors.ts'

interface Codec {
  readonly schema: Schema
  readonly size: number
  readonly deserializer: string
  write(value: unknown): Buffer
  read(bytes: Buffer): unknown
}

abstract class PrimitiveConverter implements Converter, HeaderConverter {
  readonly #codec: Codec

  protected constructor(codec: Codec) {
    this.#codec = codec
  }

  configure(_configs: Readonly<Record<string, string>>, _isKey = false): void {}

  fromConnectData(topic: string, _headers: RecordHeader[], _schema: Schema | null, value: unknown): Buffer | null {
    if (value === null || value === undefined) return null
    try {
      validateValue(this.#codec.schema, value)
    } catch {
      throw new ConnectError('CONNECT_DATA', `Failed to serialize to ${this.#codec.schema.type} (was ${describeValue(value)}) for topic ${topic}`)
    }
    return this.#codec.write(value)
  }

  toConnectData(topic: string, _headers: readonly RecordHeader[], bytes: Buffer | null): SchemaAndValue {
    if (bytes === null) return { schema: this.#codec.schema, value: null }
    if (bytes.length !== this.#codec.size) {
      throw new ConnectError('CONNECT_CONVERSION', `Failed to deserialize ${this.#codec.schema.type} (topic ${topic}): Size of data received by ${this.#codec.deserializer} is not ${this.#codec.size}`)
    }
    return { schema: this.#codec.schema, value: this.#codec.read(bytes) }
  }

  fromConnectHeader(topic: string, _key: string, schema: Schema | null, value: unknown): Buffer | null {
    return this.fromConnectData(topic, [], schema, value)
  }

  toConnectHeader(topic: string, _key: string, bytes: Buffer | null): SchemaAndValue {
    return this.toConnectData(topic, [], bytes)
  }
}

function fixed(size: number, write: (b: Buffer, v: never) => void): (value: unknown) => Buffer {
  return (value) => {
    const b = Buffer.allocUnsafe(size)
    write(b, value as never)
    return b
  }
}

export class ShortConverter extends PrimitiveConverter {
  constructor() {
    super({ schema: Schemas.OPTIONAL_INT16, size: 2, deserializer: 'ShortDeserializer', write: fixed(2, (b, v: number) => b.writeInt16BE(v)), read: (b) => b.readInt16BE(0) })
  }
}

export class IntegerConverter extends PrimitiveConverter {
  constructor() {
    super({ schema: Schemas.OPTIONAL_INT32, size: 4, deserializer: 'IntegerDeserializer', write: fixed(4, (b, v: number) => b.writeInt32BE(v)), read: (b) => b.readInt32BE(0) })
  }
}

export class LongConverter extends PrimitiveConverter {
  constructor() {
    super({
      schema: Schemas.OPTIONAL_INT64, size: 8, deserializer: 'LongDeserializer',
      write: fixed(8, (b, v: number | bigint) => b.writeBigInt64BE(BigInt(v))),
      read: (b) => {
        const n = b.readBigInt64BE(0)
        return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n
      },
    })
  }
}

export class FloatConverter extends PrimitiveConverter {
  constructor() {
    super({ schema: Schemas.OPTIONAL_FLOAT32, size: 4, deserializer: 'FloatDeserializer', write: fixed(4, (b, v: number) => b.writeFloatBE(v)), read: (b) => b.readFloatBE(0) })
  }
}

export class DoubleConverter extends PrimitiveConverter {
  constructor() {
    super({ schema: Schemas.OPTIONAL_FLOAT64, size: 8, deserializer: 'DoubleDeserializer', write: fixed(8, (b, v: number) => b.writeDoubleBE(v)), read: (b) => b.readDoubleBE(0) })
  }
}

export class BooleanConverter extends PrimitiveConverter {
  constructor() {
    super({ schema: Schemas.OPTIONAL_BOOLEAN, size: 1, deserializer: 'BooleanDeserializer', write: fixed(1, (b, v: boolean) => b.writeUInt8(v ? 1 : 0)), read: (b) => b[0] !== 0 })
  }
}
