import { describe, expect, it } from 'vitest'
import { ConfigDef, InvalidConfigError, Password } from '../../../connect/api/config-def-impl.ts'
import { nonEmptyString, ranged, validString } from '../../../connect/api/config-validators.ts'

const def = () => new ConfigDef()
  .define('topic', 'STRING', ConfigDef.NO_DEFAULT, 'HIGH', 'Topic', nonEmptyString())
  .define('batch.size', 'INT', 2000, 'LOW', 'Records per poll', ranged(1, 10_000))
  .define('offset', 'LONG', 0, 'LOW', 'Start offset')
  .define('ratio', 'DOUBLE', 0.5, 'LOW', 'Ratio')
  .define('enabled', 'BOOLEAN', true, 'LOW', 'Enabled')
  .define('fields', 'LIST', '', 'MEDIUM', 'Fields')
  .define('mode', 'STRING', 'bulk', 'HIGH', 'Mode', validString('bulk', 'incrementing'))
  .define('class', 'CLASS', null, 'LOW', 'Class')
  .define('connection.password', 'PASSWORD', null, 'HIGH', 'Password')
  .define({ name: 'required.flag', type: 'BOOLEAN' })

describe('ConfigDef', () => {
  it('parses strings into typed values with defaults filled in', () => {
    const parsed = def().parse({
      topic: ' lines ', 'batch.size': '500', offset: '9007199254740991', ratio: '1e-3', enabled: 'FALSE', fields: ' a , b,c ',
      mode: 'incrementing', class: 'org.example.X', 'connection.password': 's3cret', 'required.flag': 'true', unknown: 'ignored',
    })
    expect(parsed).toMatchObject({
      topic: 'lines', 'batch.size': 500, offset: 9007199254740991, ratio: 0.001, enabled: false, fields: ['a', 'b', 'c'],
      mode: 'incrementing', class: 'org.example.X', 'required.flag': true,
    })
    expect((parsed['connection.password'] as Password).value()).toBe('s3cret')
    expect(String(parsed['connection.password'])).toBe('[hidden]')
    expect(JSON.stringify(parsed)).not.toContain('s3cret')
    expect('unknown' in parsed).toBe(false)
    expect(def().parse({ topic: 't', 'required.flag': true, fields: [] })).toMatchObject({ 'batch.size': 2000, fields: [], mode: 'bulk', class: null })
  })

  it('names every bad key in one CONNECT_INVALID_CONFIG error, hiding passwords', () => {
    let error: unknown
    try {
      def().define('secret', 'PASSWORD', ConfigDef.NO_DEFAULT, 'HIGH', 'x', nonEmptyString())
        .parse({ 'batch.size': 'abc', ratio: 'x', enabled: 'yes', mode: 'other', offset: '1.5', secret: '  ' })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(InvalidConfigError)
    const e = error as InvalidConfigError
    expect(e.code).toBe('CONNECT_INVALID_CONFIG')
    expect(e.retriable).toBe(false)
    expect([...e.errors.keys()]).toEqual(['topic', 'batch.size', 'offset', 'ratio', 'enabled', 'mode', 'required.flag', 'secret'])
    expect(e.errors.get('topic')).toEqual(['Missing required configuration "topic" which has no default value.'])
    expect(e.errors.get('batch.size')).toEqual(['Invalid value abc for configuration batch.size: Not a number of type INT'])
    expect(e.errors.get('enabled')).toEqual(['Invalid value yes for configuration enabled: Expected value to be either true or false'])
    expect(e.errors.get('mode')).toEqual(['Invalid value other for configuration mode: String must be one of: bulk, incrementing'])
    expect(e.errors.get('secret')).toEqual(['Invalid value [hidden] for configuration secret: String may not be empty'])
    for (const key of e.errors.keys()) expect(e.message).toContain(key)
  })

  it('checks ranges', () => {
    expect(() => def().parse({ topic: 't', 'required.flag': 'true', 'batch.size': '0' })).toThrow('Value must be at least 1')
    expect(() => def().parse({ topic: 't', 'required.flag': 'true', 'batch.size': '10001' })).toThrow('Value must be no more than 10000')
    expect(() => def().parse({ topic: 't', 'required.flag': 'true', 'batch.size': '3000000000' })).toThrow('Not a number of type INT')
  })

  it('validates per key without throwing', () => {
    const values = def().validate({ topic: '', mode: 'bulk', 'connection.password': 'x' })
    const byName = new Map(values.map((v) => [v.name, v]))
    expect(byName.get('topic')!.errors).toEqual(['Invalid value  for configuration topic: String may not be empty'])
    expect(byName.get('mode')).toEqual({ name: 'mode', value: 'bulk', recommendedValues: ['bulk', 'incrementing'], errors: [], visible: true })
    expect(byName.get('required.flag')!.errors).toHaveLength(1)
    expect(JSON.stringify(byName.get('connection.password')!.value)).toBe('"[hidden]"')
  })

  it('refuses a key defined twice or a bad default', () => {
    expect(() => def().define('topic', 'STRING', 'Importance' as never, 'x')).toThrow(/defined twice/)
    expect(() => new ConfigDef().define('n', 'INT', 'x', 'LOW', 'doc')).toThrow(/Invalid default/)
  })
})
