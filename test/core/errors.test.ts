import { describe, expect, it } from 'vitest'
import { CoreError, CreekError, isRetriable } from '../../core/errors.ts'

describe('CoreError', () => {
  it('carries its code, default retriability and cause', () => {
    const cause = new Error('disk')
    const error = new CoreError('CORE_STORAGE_IO', 'write failed', { cause })
    expect(error).toBeInstanceOf(CreekError)
    expect(error.code).toBe('CORE_STORAGE_IO')
    expect(error.retriable).toBe(false)
    expect(error.cause).toBe(cause)
    expect(error.name).toBe('CoreError')
  })

  it('is retriable only when the code or the caller says so', () => {
    expect(isRetriable(new CoreError('CORE_UNKNOWN_TOPIC_OR_PARTITION', 'x'))).toBe(true)
    expect(isRetriable(new CoreError('CORE_CORRUPT_RECORD', 'x'))).toBe(false)
    expect(isRetriable(new CoreError('CORE_CORRUPT_RECORD', 'x', { retriable: true }))).toBe(true)
    expect(isRetriable(new Error('unknown'))).toBe(false)
  })
})
