import { describe, expect, it } from 'vitest'
import { CoreError } from '../../../core/errors.ts'
import { decodeRecordBatchSync } from '../../../core/protocol/record-batch.ts'
import { RecordBatchBuilder } from '../../../core/protocol/record-batch-builder.ts'
import { NO_RECORD_HEADERS, type RecordHeader } from '../../../core/protocol/record-batch-reader.ts'

const T0 = 1_700_000_000_000

function columns(n: number) {
  const timestamps = new Float64Array(n)
  const keys: (Buffer | null)[] = []
  const values: (Buffer | null)[] = []
  const headers: (readonly RecordHeader[])[] = []
  for (let i = 0; i < n; i++) {
    timestamps[i] = T0 + (i % 5) * 1000
    keys.push(i % 3 === 0 ? null : Buffer.from(`k${i}`))
    values.push(i % 4 === 0 ? null : Buffer.alloc(i * 3, i))
    headers.push(i % 2 === 0 ? NO_RECORD_HEADERS : [{ key: `h${i}`, value: Buffer.from([i]) }])
  }
  return { timestamps, keys, values, headers }
}

describe('RecordBatchBuilder', () => {
  it('appendAt writes the same bytes as append, record by record', () => {
    const cols = columns(40)
    const byColumns = new RecordBatchBuilder(64)
    const byRecord = new RecordBatchBuilder(64)
    for (let i = 0; i < 40; i++) {
      const a = byColumns.appendAt(cols, i)
      const b = byRecord.append(cols.timestamps[i], cols.keys[i], cols.values[i], cols.headers[i])
      expect(a).toBe(b)
    }
    const built = byColumns.build({ compression: 0 }) as Buffer
    expect(built.equals(byRecord.build({ compression: 0 }) as Buffer)).toBe(true)
    const decoded = decodeRecordBatchSync(built, 0)
    expect(decoded.records).toHaveLength(40)
    decoded.records.forEach((record, i) => {
      expect(record.timestamp).toBe(cols.timestamps[i])
      expect(record.key).toEqual(cols.keys[i])
      expect(record.value).toEqual(cols.values[i])
      expect(record.headers).toEqual(cols.headers[i])
    })
  })

  it('refuses a timestamp that is not a safe integer, naming it, and writes nothing', () => {
    const builder = new RecordBatchBuilder()
    builder.append(T0, null, Buffer.from('a'), [])
    const size = builder.sizeInBytes
    const bad = { timestamps: Float64Array.of(T0 + 0.5, Number.NaN, 2 ** 60), keys: [null, null, null], values: [null, null, null], headers: [[], [], []] }
    for (let i = 0; i < 3; i++) {
      const error = (() => { try { builder.appendAt(bad, i) } catch (e) { return e } })()
      expect(error).toBeInstanceOf(CoreError)
      expect((error as CoreError).code).toBe('CORE_INVALID_ARGUMENT')
      expect((error as Error).message).toContain(`timestamp ${bad.timestamps[i]} is not an integer near the batch's base timestamp ${T0}`)
    }
    expect(builder.sizeInBytes).toBe(size)
    expect(builder.recordCount).toBe(1)
  })

  it('keeps no reference to the buffers of a record appended one by one', () => {
    const builder = new RecordBatchBuilder()
    const value = Buffer.from('v')
    builder.append(T0, null, value, [])
    value[0] = 0x78
    const decoded = decodeRecordBatchSync(builder.build({ compression: 0 }) as Buffer, 0)
    expect(decoded.records[0].value?.toString()).toBe('v')
  })
})
