import { describe, expect, it } from 'vitest'
import type { ConnectRecord } from '../../../connect/api/records.ts'
import { ConnectError } from '../../../connect/errors.ts'
import { PREDICATE_NAMES, TRANSFORM_NAMES, TransformChain, predicateFor, transformFor } from '../../../connect/transforms/transform-chain.ts'

function record(topic: string, value: unknown, headers: ConnectRecord['headers'] = []): ConnectRecord {
  return { topic, kafkaPartition: 0, keySchema: null, key: null, valueSchema: null, value, timestamp: 0, headers }
}

const base = {
  transforms: 'addSource, dropOthers',
  'transforms.addSource.type': 'org.apache.kafka.connect.transforms.InsertField$Value',
  'transforms.addSource.static.field': 'source',
  'transforms.addSource.static.value': 'db1',
  'transforms.dropOthers.type': 'org.apache.kafka.connect.transforms.Filter',
  'transforms.dropOthers.predicate': 'isOrder',
  'transforms.dropOthers.negate': 'true',
  predicates: 'isOrder',
  'predicates.isOrder.type': 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches',
  'predicates.isOrder.pattern': 'orders-.*',
}

describe('TransformChain.fromConfig', () => {
  it('applies transforms in order, with a negated predicate', () => {
    const chain = TransformChain.fromConfig(base)
    expect(chain.stages.map((s) => [s.alias, s.negate, s.predicate?.alias ?? null])).toEqual([['addSource', false, null], ['dropOthers', true, 'isOrder']])
    expect(chain.apply(record('orders-eu', { id: 1 }))!.value).toEqual({ id: 1, source: 'db1' })
    expect(chain.apply(record('payments', { id: 1 }))).toBeNull()
    chain.close()
  })

  it.each([
    ['TopicNameMatches', { 'predicates.p.pattern': 'a.*' }, [['abc', true], ['xabc', false]]],
    ['HasHeaderKey', { 'predicates.p.name': 'h' }, [['with', true], ['without', false]]],
    ['RecordIsTombstone', {}, [['tombstone', true], ['value', false]]],
  ] as const)('predicate %s, plain and negated', (type, configs, cases) => {
    for (const negate of ['false', 'true']) {
      const chain = TransformChain.fromConfig({
        transforms: 'f', 'transforms.f.type': 'Filter', 'transforms.f.predicate': 'p', 'transforms.f.negate': negate,
        predicates: 'p', 'predicates.p.type': type, ...configs,
      })
      for (const [name, matches] of cases) {
        const input = name === 'with' ? record('t', 1, [{ key: 'h', schema: null, value: null }])
          : name === 'tombstone' ? record('t', null) : name === 'without' || name === 'value' ? record('t', 1) : record(name, 1)
        const dropped = chain.apply(input) === null
        expect(dropped).toBe(negate === 'true' ? !matches : matches)
      }
    }
  })

  it('accepts short names and an empty chain', () => {
    expect(TransformChain.fromConfig({}).apply(record('t', 1))!.value).toBe(1)
    const chain = TransformChain.fromConfig({ transforms: 'r', 'transforms.r.type': 'RegexRouter', 'transforms.r.regex': '(.*)', 'transforms.r.replacement': 'x-$1' })
    expect(chain.apply(record('t', 1))!.topic).toBe('x-t')
    for (const name of TRANSFORM_NAMES) expect(transformFor(`org.apache.kafka.connect.transforms.${name}`)).toBeDefined()
    for (const name of PREDICATE_NAMES) expect(predicateFor(`org.apache.kafka.connect.transforms.predicates.${name}`)).toBeDefined()
  })

  it('reports every config problem at once, naming the keys', () => {
    let error: unknown
    try {
      TransformChain.fromConfig({
        transforms: 'a,b,c,d',
        'transforms.b.type': 'com.example.Nope',
        'transforms.c.type': 'Filter', 'transforms.c.predicate': 'missing',
        'transforms.d.type': 'MaskField$Value',
        predicates: 'p', 'predicates.p.type': 'TopicNameMatches',
      }, 'jdbc-sink')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConnectError)
    const message = (error as ConnectError).message
    expect((error as ConnectError).code).toBe('CONNECT_INVALID_CONFIG')
    expect(message).toMatch(/^Connector jdbc-sink: invalid transforms configuration/)
    for (const key of ['transforms.a.type', 'transforms.b.type', 'transforms.c.predicate', 'transforms.d', 'fields', 'predicates.p', 'pattern']) expect(message).toContain(key)
  })

  it('wraps a failing transform in CONNECT_TRANSFORM naming the alias and topic', () => {
    const chain = TransformChain.fromConfig({ transforms: 'x', 'transforms.x.type': 'ExtractField$Value', 'transforms.x.field': 'a' })
    expect(() => chain.apply(record('t', 'not an object'))).toThrow(/Transform "x" \(ExtractField\$Value\) failed on a record of topic t: Only Map objects/)
  })
})
