import { describe, expect, it } from 'vitest'
import { CoreError, CORE_ERROR_CODES, type CoreErrorCode, isRetriable } from '../../../core/errors.ts'
import {
  ErrorCode, KafkaApiError, errorInfo, errorName, isRetriableErrorCode, toKafkaErrorCode,
} from '../../../core/protocol/error-codes.ts'

describe('Kafka error codes', () => {
  it('cover every code from -1 to 133 exactly once, with names matching ErrorCode', () => {
    for (let code = -1; code <= 133; code++) {
      const info = errorInfo(code)
      expect(info, `code ${code}`).toBeDefined()
      expect((ErrorCode as Record<string, number>)[info!.name]).toBe(code)
    }
    expect(Object.keys(ErrorCode)).toHaveLength(135)
  })

  it('name the codes brokers use most', () => {
    expect(ErrorCode.NONE).toBe(0)
    expect(ErrorCode.UNKNOWN_SERVER_ERROR).toBe(-1)
    expect(ErrorCode.OFFSET_OUT_OF_RANGE).toBe(1)
    expect(ErrorCode.CORRUPT_MESSAGE).toBe(2)
    expect(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).toBe(3)
    expect(ErrorCode.NOT_LEADER_OR_FOLLOWER).toBe(6)
    expect(ErrorCode.UNSUPPORTED_VERSION).toBe(35)
    expect(ErrorCode.TOPIC_ALREADY_EXISTS).toBe(36)
    expect(ErrorCode.INVALID_REQUEST).toBe(42)
    expect(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE).toBe(76)
    expect(ErrorCode.UNKNOWN_TOPIC_ID).toBe(100)
    expect(ErrorCode.STALE_MEMBER_EPOCH).toBe(113)
    expect(ErrorCode.TRANSACTION_ABORTABLE).toBe(120)
    expect(errorName(27)).toBe('REBALANCE_IN_PROGRESS')
    expect(errorName(999)).toBe('UNKNOWN_ERROR_CODE(999)')
  })

  it('carry Kafka\'s retriable flags; unknown codes are not retriable', () => {
    const retriable = [2, 3, 5, 6, 7, 9, 13, 14, 15, 16, 19, 20, 41, 51, 56, 70, 71, 72, 74, 75, 78, 80, 83, 84, 88, 89, 100, 103, 106, 122, 123, 133]
    for (let code = -1; code <= 133; code++) expect(isRetriableErrorCode(code), errorName(code)).toBe(retriable.includes(code))
    expect(isRetriableErrorCode(999)).toBe(false)
  })
})

describe('KafkaApiError', () => {
  it('is a CoreError with CORE_KAFKA_ERROR, the Kafka code, name and retriability', () => {
    const error = new KafkaApiError(ErrorCode.NOT_LEADER_OR_FOLLOWER, 'partition orders-0 moved')
    expect(error).toBeInstanceOf(CoreError)
    expect(error.code).toBe('CORE_KAFKA_ERROR')
    expect(error.errorCode).toBe(6)
    expect(error.errorName).toBe('NOT_LEADER_OR_FOLLOWER')
    expect(error.retriable).toBe(true)
    expect(isRetriable(error)).toBe(true)
    expect(error.message).toBe('NOT_LEADER_OR_FOLLOWER (6): partition orders-0 moved')
    expect(error.name).toBe('KafkaApiError')
  })

  it('defaults to Kafka\'s message, and to non-retriable for unknown codes', () => {
    expect(new KafkaApiError(36).message).toBe('TOPIC_ALREADY_EXISTS (36): Topic with this name already exists.')
    const unknown = new KafkaApiError(500)
    expect(unknown.retriable).toBe(false)
    expect(unknown.errorName).toBe('UNKNOWN_ERROR_CODE(500)')
    expect(CORE_ERROR_CODES.CORE_KAFKA_ERROR).toBe(false)
  })
})

describe('toKafkaErrorCode', () => {
  it('maps Creek core errors onto Kafka codes', () => {
    const expected: Partial<Record<CoreErrorCode, number>> = {
      CORE_CORRUPT_RECORD: 2, CORE_RECORD_TOO_LARGE: 10, CORE_OFFSET_OUT_OF_RANGE: 1, CORE_UNKNOWN_TOPIC_OR_PARTITION: 3,
      CORE_INVALID_TOPIC: 17, CORE_TOPIC_ALREADY_EXISTS: 36, CORE_INVALID_CONFIG: 40, CORE_UNSUPPORTED_FORMAT: 43,
      CORE_UNSUPPORTED_COMPRESSION: 76, CORE_INVALID_ARGUMENT: 42, CORE_STORAGE_IO: 56, CORE_NETWORK: 13,
    }
    for (const code of Object.keys(CORE_ERROR_CODES) as CoreErrorCode[]) {
      expect(toKafkaErrorCode(new CoreError(code, 'x')), code).toBe(expected[code] ?? -1)
    }
  })

  it('keeps a KafkaApiError\'s own code; anything else is UNKNOWN_SERVER_ERROR', () => {
    expect(toKafkaErrorCode(new KafkaApiError(ErrorCode.REBALANCE_IN_PROGRESS))).toBe(27)
    expect(toKafkaErrorCode(new Error('boom'))).toBe(-1)
    expect(toKafkaErrorCode('string')).toBe(-1)
  })
})
