import { describe, expect, it } from 'vitest'
import { CreekError, isRetriable } from '../../core/index.ts'
import { SERDES_ERROR_CODES, SerdesError } from '../../serdes/index.ts'

describe('SerdesError', () => {
  it('is a CreekError with a closed code, retriability and the context in its message', () => {
    const error = new SerdesError('SERDES_DESERIALIZATION', 'Could not decode', { topic: 'payments', isKey: false, schemaId: 7 })
    expect(error).toBeInstanceOf(CreekError)
    expect(error.name).toBe('SerdesError')
    expect(error.message).toBe('Could not decode (topic "payments", value, schema id 7)')
    expect(isRetriable(error)).toBe(false)
    expect(isRetriable(new SerdesError('SERDES_REGISTRY_UNAVAILABLE', 'down'))).toBe(true)
    expect(Object.keys(SERDES_ERROR_CODES).every((code) => code.startsWith('SERDES_'))).toBe(true)
  })

  it('withRecord attaches the partition and offset the consumer knows', () => {
    const cause = new Error('boom')
    const error = new SerdesError('SERDES_DESERIALIZATION', 'Could not decode', { topic: 'payments', schemaId: 7 }, { cause })
    const located = error.withRecord({ partition: 3, offset: 42 })
    expect(located).toMatchObject({ code: 'SERDES_DESERIALIZATION', topic: 'payments', schemaId: 7, partition: 3, offset: 42, cause })
    expect(located.message).toBe('Could not decode (topic "payments", partition 3, offset 42, schema id 7)')
    expect(error.partition).toBeUndefined()
  })
})
