/**
 * The input sequence of the join semantics tables in Kafka's Streams developer guide
 * ("Joining" section, Kafka 3.x): one key, timestamps 1–15, left and right records in
 * timestamp order (null: a null value, i.e. a tombstone for a table). The expected outputs
 * are written out in each test, row by row, as the guide prints them (`[L, R]` is what the
 * joiner received; a bare `null` is a tombstone).
 */
import { afterEach } from 'vitest'
import { serdes } from '../../../serdes/index.ts'
import { type StreamsBuilder, type StreamsOptions, TopologyTestDriver } from '../../../streams/index.ts'

export interface DocRow {
  readonly timestamp: number
  readonly side: 'left' | 'right'
  readonly value: string | null
}

export const DOC_INPUT: readonly DocRow[] = [
  { timestamp: 1, side: 'left', value: null },
  { timestamp: 2, side: 'right', value: null },
  { timestamp: 3, side: 'left', value: 'A' },
  { timestamp: 4, side: 'right', value: 'a' },
  { timestamp: 5, side: 'left', value: 'B' },
  { timestamp: 6, side: 'right', value: 'b' },
  { timestamp: 7, side: 'left', value: null },
  { timestamp: 8, side: 'right', value: null },
  { timestamp: 9, side: 'left', value: 'C' },
  { timestamp: 10, side: 'right', value: 'c' },
  { timestamp: 11, side: 'right', value: null },
  { timestamp: 12, side: 'left', value: null },
  { timestamp: 13, side: 'right', value: null },
  { timestamp: 14, side: 'right', value: 'd' },
  { timestamp: 15, side: 'left', value: 'D' },
]

export const KEY = 'k'
export const string = serdes.string()

/** What the joiner was called with, as the guide writes it. */
export function pair(left: string | null, right: string | null): string {
  return `[${left}, ${right}]`
}

const drivers: TopologyTestDriver[] = []
afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close()
})

export function drive(builder: StreamsBuilder, options: Partial<StreamsOptions> & { applicationId?: string } = {}): TopologyTestDriver {
  const driver = new TopologyTestDriver(builder.build(), { applicationId: 'joins', ...options })
  drivers.push(driver)
  return driver
}

/** Pipes `rows` into `left`/`right` and returns, after each row, what `output` received: `(timestamp → values)`. */
export async function runRows(driver: TopologyTestDriver, rows: readonly DocRow[], output = 'out'): Promise<Map<number, (string | null)[]>> {
  const left = driver.createInputTopic('left', string, string)
  const right = driver.createInputTopic('right', string, string)
  const out = driver.createOutputTopic(output, string, string)
  const result = new Map<number, (string | null)[]>()
  for (const row of rows) {
    await (row.side === 'left' ? left : right).pipeInput(KEY, row.value, row.timestamp)
    const records = out.readRecordsToList()
    if (records.length > 0) result.set(row.timestamp, records.map((r) => r.value))
  }
  return result
}
