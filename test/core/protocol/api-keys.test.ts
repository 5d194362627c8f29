import { describe, expect, it } from 'vitest'
import { ApiKey, KNOWN_API_VERSIONS, apiName, isFlexibleVersion } from '../../../core/protocol/api-keys.ts'

describe('ApiKey', () => {
  it('numbers every API 0..92 once', () => {
    const keys = Object.values(ApiKey).sort((a, b) => a - b)
    expect(keys).toEqual(Array.from({ length: 93 }, (_, i) => i))
    expect(ApiKey.Produce).toBe(0)
    expect(ApiKey.Metadata).toBe(3)
    expect(ApiKey.ApiVersions).toBe(18)
    expect(ApiKey.DescribeCluster).toBe(60)
    expect(ApiKey.ConsumerGroupHeartbeat).toBe(68)
  })

  it('names keys', () => {
    expect(apiName(1)).toBe('Fetch')
    expect(apiName(500)).toBe('Unknown(500)')
  })

  it('knows the flexible versions of the APIs in Kafka\'s definitions', () => {
    expect(KNOWN_API_VERSIONS.size).toBe(36)
    expect(isFlexibleVersion(ApiKey.Fetch, 11)).toBe(false)
    expect(isFlexibleVersion(ApiKey.Fetch, 12)).toBe(true)
    expect(isFlexibleVersion(ApiKey.SaslHandshake, 1)).toBe(false)
    expect(isFlexibleVersion(ApiKey.OffsetDelete, 0)).toBe(false)
    expect(() => isFlexibleVersion(ApiKey.Vote, 0)).toThrow(/not known to Creek/)
  })
})
