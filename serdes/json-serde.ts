/**
 * `json<T>()`: schema-less JSON, UTF-8 (the bytes of Kafka Connect's JsonSerializer and of
 * `JSON.stringify`). No framing, no registry: for typed JSON checked against a schema and
 * registered, use `jsonSchema<T>()`.
 *
 * `validate`, when given, runs on every value written and read; returning false or throwing
 * fails with SERDES_VALIDATION, so a consumer's `T` is checked rather than assumed.
 */
import { SerdesError, toSerdesError } from './errors.ts'
import type { SyncSerde } from './serde.ts'

export interface JsonSerdeOptions {
  /** True when the value is a valid `T`; false or a throw rejects it. */
  readonly validate?: (value: unknown) => boolean
}

export function jsonSerde<T>(options: JsonSerdeOptions = {}): SyncSerde<T> {
  const { validate } = options
  const check = (topic: string, value: unknown, direction: string): void => {
    if (validate === undefined) return
    let ok: boolean
    try {
      ok = validate(value)
    } catch (error) {
      throw toSerdesError(error, 'SERDES_VALIDATION', `JSON ${direction} failed validation`, { topic })
    }
    if (!ok) throw new SerdesError('SERDES_VALIDATION', `JSON ${direction} failed validation`, { topic })
  }
  return {
    serialize(topic, value) {
      if (value === null) return null
      check(topic, value, 'value to write')
      let text: string | undefined
      try {
        text = JSON.stringify(value)
      } catch (error) {
        throw toSerdesError(error, 'SERDES_SERIALIZATION', 'Value is not JSON-serializable', { topic })
      }
      if (text === undefined) throw new SerdesError('SERDES_SERIALIZATION', `Value is not JSON-serializable (${typeof value})`, { topic })
      return Buffer.from(text, 'utf8')
    },
    deserialize(topic, data) {
      if (data === null) return null
      let value: unknown
      try {
        value = JSON.parse(data.toString('utf8'))
      } catch (error) {
        throw toSerdesError(error, 'SERDES_DESERIALIZATION', 'Bytes are not JSON', { topic })
      }
      check(topic, value, 'read')
      return value as T
    },
  }
}
