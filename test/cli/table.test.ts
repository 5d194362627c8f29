import { describe, expect, it } from 'vitest'
import { fields, table } from '../../cli/table.ts'

describe('table', () => {
  it('aligns columns, right-aligns numbers and prints missing cells as -', () => {
    expect(table(['TOPIC', 'PARTITION', 'LAG', 'MEMBER'], [
      ['orders', 0, 12, 'consumer-1'],
      ['payments-eu', 10, undefined, null],
    ])).toBe([
      'TOPIC        PARTITION  LAG  MEMBER',
      'orders               0   12  consumer-1',
      'payments-eu         10    -  -',
      '',
    ].join('\n'))
  })

  it('prints a header alone for no rows', () => {
    expect(table(['GROUP', 'STATE'], [])).toBe('GROUP  STATE\n')
  })

  it('aligns key: value lines', () => {
    expect(fields([['Topic', 'orders'], ['Partitions', 3], ['Configs', undefined]])).toBe('Topic:      orders\nPartitions: 3\nConfigs:    -\n')
  })
})
