import { encodeRecordBatchSync } from '../../core/protocol/record-batch.ts'

export interface TestRecord {
  key?: string | null
  value: string | null
  timestamp?: number
}

/** An uncompressed batch of the given records (keys and values as UTF-8). */
export function batchOf(records: readonly TestRecord[], now = 1_700_000_000_000): Buffer {
  return encodeRecordBatchSync({
    records: records.map((r) => ({
      key: r.key == null ? null : Buffer.from(r.key),
      value: r.value == null ? null : Buffer.from(r.value),
      timestamp: r.timestamp ?? now,
    })),
  })
}

/** A batch of `count` records with values `${prefix}-${i}` padded to at least `valueSize` bytes. */
export function batchOfCount(count: number, prefix = 'v', valueSize = 0, timestamp = 1_700_000_000_000): Buffer {
  const records: TestRecord[] = []
  for (let i = 0; i < count; i++) records.push({ value: `${prefix}-${i}`.padEnd(valueSize, '.'), timestamp })
  return batchOf(records)
}
