/**
 * `RegistryState` against its compaction contract: replaying the log as compaction leaves it
 * (the latest record of each key, at its original position; tombstones possibly gone) gives the
 * same state as replaying the whole log, including claim outcomes, the next id and the next
 * versions.
 */
import { describe, expect, it } from 'vitest'
import { canonicalSchemaText, schemaFingerprint } from '../../../serdes/registry/canonical-schema.ts'
import { type RegistryRecord, decodeRecord, encodeKey, encodeValue } from '../../../serdes/registry/registry-records.ts'
import { RegistryState } from '../../../serdes/registry/registry-state.ts'

const fp = (text: string): string => schemaFingerprint('AVRO', canonicalSchemaText('AVRO', text), [])

const claim = (nonce: string, subject: string, version: number, id: number, text: string): RegistryRecord =>
  ({ key: { keytype: 'CREEK_CLAIM', claim: nonce }, value: { subject, version, id, fingerprint: fp(text) } })

const schema = (subject: string, version: number, id: number, text: string, deleted = false): RegistryRecord =>
  ({ key: { keytype: 'SCHEMA', subject, version }, value: { subject, version, id, schemaType: 'AVRO', schema: text, references: [], deleted } })

const tombstone = (subject: string, version: number): RegistryRecord => ({ key: { keytype: 'SCHEMA', subject, version }, value: null })

/** A log with races, abandoned claims, rewrites, subject deletes and tombstones. */
const LOG: RegistryRecord[] = [
  claim('a1', 's', 1, 1, '"string"'),
  claim('b1', 's', 1, 1, '"int"'), // loses the version (and the id)
  schema('s', 1, 1, '"string"'),
  claim('b2', 's', 2, 2, '"int"'),
  claim('c1', 't', 1, 2, '"long"'), // loses the id: 2 is "int"'s
  schema('s', 2, 2, '"int"'),
  claim('c2', 't', 1, 3, '"long"'),
  claim('x1', 'u', 1, 4, '"bytes"'), // accepted, never followed by its SCHEMA record (a crash)
  schema('t', 1, 3, '"long"'),
  claim('d1', 'u', 2, 5, '"float"'),
  schema('u', 2, 5, '"float"'),
  schema('s', 1, 1, '"string"', true), // soft delete: the rewrite moves the key's record to here
  claim('e1', 'v', 1, 1, '"string"'), // the same schema elsewhere keeps its id
  schema('v', 1, 1, '"string"'),
  { key: { keytype: 'CONFIG', subject: null }, value: { compatibilityLevel: 'FULL' } },
  { key: { keytype: 'CONFIG', subject: 't' }, value: { compatibilityLevel: 'NONE' } },
  { key: { keytype: 'MODE', subject: 'u' }, value: { mode: 'READONLY' } },
  { key: { keytype: 'DELETE_SUBJECT', subject: 't' }, value: { subject: 't', version: 1 } },
  { key: { keytype: 'CONFIG', subject: 't' }, value: { compatibilityLevel: 'FORWARD' } },
  { key: { keytype: 'NOOP' }, value: null },
  tombstone('s', 1), // permanent delete of s's (soft-deleted) version 1
  claim('f1', 'w', 1, 6, '"double"'),
  schema('w', 1, 6, '"double"'),
  schema('w', 1, 6, '"double"', true),
  tombstone('w', 1), // id 6 is gone from every SCHEMA record
  { key: { keytype: 'MODE', subject: 'u' }, value: null },
]

function replay(records: readonly RegistryRecord[]): RegistryState {
  const state = new RegistryState()
  // Through the byte layout, as the store applies them.
  for (const record of records) {
    const key = Buffer.from(encodeKey(record.key))
    const value = encodeValue(record)
    state.apply(decodeRecord(key, value === null ? null : Buffer.from(value))!, 1000)
  }
  return state
}

/** What compaction leaves: each key's latest record, in log order; tombstones dropped when asked. */
function compact(records: readonly RegistryRecord[], dropTombstones: boolean): RegistryRecord[] {
  const last = new Map<string, number>()
  records.forEach((r, i) => last.set(encodeKey(r.key), i))
  return records.filter((r, i) => last.get(encodeKey(r.key)) === i && !(dropTombstones && r.value === null))
}

function summary(state: RegistryState): unknown {
  return {
    snapshot: state.snapshot(),
    next: ['s', 't', 'u', 'v', 'w', 'z'].map((s) => state.nextVersion(s)),
    claims: ['a1', 'b1', 'b2', 'c1', 'c2', 'x1', 'd1', 'e1', 'f1'].map((n) => state.claimOutcome(n)?.accepted),
    ids: ['"string"', '"int"', '"long"', '"bytes"', '"float"', '"double"', '"boolean"'].map((t) => state.idOf(fp(t))),
  }
}

describe('RegistryState', () => {
  it('derives versions, ids, deletes, configs and modes from the log', () => {
    const state = replay(LOG)
    expect(state.subjects()).toEqual(['s', 'u', 'v'])
    expect(state.subjects({ deleted: true })).toEqual(['s', 't', 'u', 'v'])
    expect(state.versions('s', { deleted: true }).map((v) => [v.version, v.id, v.deleted])).toEqual([[2, 2, false]])
    expect(state.versions('s').map((v) => v.version)).toEqual([2])
    expect(state.versions('t', { deleted: true }).map((v) => [v.version, v.deleted])).toEqual([[1, true]])
    expect(state.schemaById(1)).toMatchObject({ subject: 'v', version: 1, schema: '"string"' })
    expect(state.schemaById(6)).toBeUndefined()
    expect(state.config(null)).toBe('FULL')
    expect(state.config('t')).toBe('FORWARD')
    expect(state.mode('u')).toBeUndefined()
    expect(summary(state)).toMatchObject({
      next: [3, 2, 3, 2, 2, 1],
      claims: [true, false, true, false, true, true, true, true, true],
      ids: [1, 2, 3, 4, 5, 6, undefined],
    })
    // Nothing is reused: the next id is above the abandoned claim (4) and the deleted 6.
    expect(state.nextId()).toBe(7)
  })

  it('gives the same state from a compacted log, with or without its tombstones', () => {
    const full = summary(replay(LOG))
    expect(summary(replay(compact(LOG, false)))).toEqual(full)
    expect(summary(replay(compact(LOG, true)))).toEqual(full)
  })

  it('counts pending claims until their SCHEMA record arrives or they expire', () => {
    const state = new RegistryState()
    state.apply(claim('p', 'q', 1, 1, '"string"'), 10_000)
    expect(state.pendingClaims('q', 10_500, 1000)).toBe(1)
    expect(state.pendingClaims('q', 11_500, 1000)).toBe(0)
    state.apply(schema('q', 1, 1, '"string"'), 10_600)
    expect(state.pendingClaims('q', 10_700, 1000)).toBe(0)
  })

  it('skips records that are not registry records', () => {
    expect(decodeRecord(Buffer.from('not json'), Buffer.from('{}'))).toBeUndefined()
    expect(decodeRecord(Buffer.from('{"keytype":"CONTEXT","magic":0}'), Buffer.from('{}'))).toBeUndefined()
    expect(decodeRecord(null, Buffer.from('{}'))).toBeUndefined()
    expect(decodeRecord(Buffer.from('{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}'), Buffer.from('{"id":"x"}'))).toBeUndefined()
    // Confluent's own layout (no schemaType for AVRO) is read.
    expect(decodeRecord(
      Buffer.from('{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}'),
      Buffer.from('{"subject":"s","version":1,"id":3,"schema":"\\"string\\"","deleted":false}'),
    )).toEqual({
      key: { keytype: 'SCHEMA', subject: 's', version: 1 },
      value: { subject: 's', version: 1, id: 3, schemaType: 'AVRO', schema: '"string"', references: [], deleted: false },
    })
  })
})
