import { describe, expect, it } from 'vitest'
import { defineApi } from '../../../core/protocol/api-descriptor.ts'
import { MetadataRequestSchema, MetadataResponseSchema } from '../../../core/protocol/apis/metadata.ts'
import { ProduceResponseSchema } from '../../../core/protocol/apis/produce.ts'
import { message, t } from '../../../core/protocol/schema.ts'

describe('defineApi', () => {
  it('builds a descriptor with the advertised range and a default expectsResponse', () => {
    const api = defineApi({ request: MetadataRequestSchema, response: MetadataResponseSchema, advertisedVersions: '1-4' })
    expect(api).toMatchObject({ apiKey: 3, name: 'Metadata', advertisedVersions: { min: 1, max: 4 } })
    expect(api.expectsResponse({} as never)).toBe(true)
  })

  it('refuses inconsistent descriptors', () => {
    expect(() => defineApi({ request: MetadataRequestSchema, response: ProduceResponseSchema, advertisedVersions: '0' }))
      .toThrow(/request key 3 and response key 0 differ/)
    expect(() => defineApi({ request: MetadataRequestSchema, response: MetadataResponseSchema, advertisedVersions: '0-13' }))
      .toThrow(/advertised versions 0-13 are outside the valid 0-12/)
    expect(() => defineApi({ request: MetadataResponseSchema as never, response: MetadataResponseSchema, advertisedVersions: '0' }))
      .toThrow(/needs a request and a response schema/)
    const wrongFlexible = (type: 'request' | 'response') => message({
      name: `Metadata${type}`, type, apiKey: 3, validVersions: '0-12', flexibleVersions: '8+', fields: { x: { type: t.int8, versions: '0+' } },
    })
    expect(() => defineApi({ request: wrongFlexible('request'), response: wrongFlexible('response'), advertisedVersions: '0' }))
      .toThrow(/flexible versions 8\+ differ from KNOWN_API_VERSIONS/)
  })
})
