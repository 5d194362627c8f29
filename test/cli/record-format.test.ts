import { describe, expect, it } from 'vitest'
import { compileRecordFormat, defaultRecordFormat, type FormattableRecord } from '../../cli/record-format.ts'

const record: FormattableRecord = {
  topic: 'orders',
  partition: 2,
  offset: 41,
  timestamp: 1_700_000_000_000,
  key: Buffer.from('alice'),
  value: Buffer.from('{"total":42}'),
  headers: [{ key: 'src', value: Buffer.from('cli') }, { key: 'empty', value: null }],
}

describe('record formats', () => {
  it("prints kcat's placeholders", () => {
    const format = compileRecordFormat('%t/%p@%o %T %k=%v (%K/%S) [%h] 100%%\\n')
    expect(format(record)).toBe('orders/2@41 1700000000000 alice={"total":42} (5/12) [src=cli,empty=] 100%\n')
    expect(compileRecordFormat('%s\\t%k\\n')(record)).toBe('{"total":42}\talice\n')
  })

  it('prints null keys and values as empty with length -1', () => {
    const tombstone = { ...record, key: null, value: null, headers: [] }
    expect(compileRecordFormat('[%k][%v][%K][%S][%h]')(tombstone)).toBe('[][][-1][-1][]\n')
  })

  it('ends each record with a newline unless the format has one', () => {
    expect(compileRecordFormat('%v')(record)).toBe('{"total":42}\n')
    expect(compileRecordFormat('%v\\n--\\n')(record)).toBe('{"total":42}\n--\n')
  })

  it('refuses unknown placeholders up front', () => {
    expect(() => compileRecordFormat('%v %x')).toThrow("Unknown placeholder '%x'")
    expect(() => compileRecordFormat('100%')).toThrow("Unknown placeholder '%'")
  })

  it('builds the default format from --print-key and --print-offset', () => {
    expect(compileRecordFormat(defaultRecordFormat({}))(record)).toBe('{"total":42}\n')
    expect(compileRecordFormat(defaultRecordFormat({ printKey: true, printOffset: true }))(record)).toBe('2:41\talice\t{"total":42}\n')
  })
})
