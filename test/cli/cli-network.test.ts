import { describe, expect, it } from 'vitest'
import { startCreek } from '../helpers/creek-process.ts'
import { tempDir } from '../helpers/temp-dir.ts'
import { runCreek } from './run-creek.ts'

// The same session as cli.test.ts, against `creek start` in a child process; a file of its own
// so that vitest runs it beside the data-directory tests.
describe('creek CLI against a running broker (--bootstrap)', () => {
  it('creates, produces, reads to the end, consumes in a group, describes and resets it', { timeout: 60_000 }, async () => {
    const broker = await startCreek(tempDir('creek-cli-'), { 'group.initial.rebalance.delay.ms': 0, 'offsets.topic.num.partitions': 2 })
    try {
      const b = ['--bootstrap', broker.bootstrap]
      const created = await runCreek(['topics', 'create', 'orders', '--partitions', '2', ...b])
      expect(created).toMatchObject({ code: 0, stderr: '' })
      expect(created.stdout).toMatch(/^Created topic orders \(2 partitions, id [0-9a-f-]{36}\)\.\n$/)

      const produced = await runCreek(['produce', 'orders', '--key-separator', ':', ...b], 'alice:1\nbob:2\ncarol:3\nfrank:4\n')
      expect(produced.code).toBe(0)
      expect(produced.stderr).toMatch(/^Produced 4 records to orders in \d+ ms \(by partition 0: 2, 1: 2\)\.\n$/)

      // Without --group nor --max-messages it stops at the log end read at start, as kcat's -e,
      // long before the (here generous) idle timeout.
      const started = Date.now()
      const all = await runCreek(['consume', 'orders', '--from-beginning', '--timeout-ms', '20000', '--format', '%p:%o %k=%v\\n', ...b])
      expect(Date.now() - started).toBeLessThan(15_000)
      expect(all.code).toBe(0)
      expect(all.stderr).toBe('Processed a total of 4 messages.\n')
      expect(sortedLines(all.stdout)).toEqual(['0:0 bob=2', '0:1 carol=3', '1:0 alice=1', '1:1 frank=4'])

      const consumed = await runCreek(['consume', 'orders', '--group', 'billing', '--from-beginning', '--max-messages', '4', '--print-key', ...b])
      expect(consumed.code).toBe(0)
      expect(consumed.stderr).toBe('Processed a total of 4 messages.\n')
      expect(sortedLines(consumed.stdout)).toEqual(['alice\t1', 'bob\t2', 'carol\t3', 'frank\t4'])

      const described = await runCreek(['groups', 'describe', 'billing', ...b])
      expect(described).toEqual({
        code: 0,
        stderr: '',
        stdout: [
          'Group:    billing',
          'State:    Empty',
          'Protocol: consumer',
          'Members:  0',
          '',
          'TOPIC   PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG  MEMBER-ID',
          'orders          0               2               2    0  -',
          'orders          1               2               2    0  -',
          '',
        ].join('\n'),
      })

      const reset = await runCreek(['groups', 'reset-offsets', 'billing', '--topic', 'orders', '--to-earliest', '--execute', ...b])
      expect(reset).toEqual({
        code: 0,
        stdout: [
          'GROUP    TOPIC   PARTITION  PREVIOUS-OFFSET  NEW-OFFSET',
          'billing  orders          0                2           0',
          'billing  orders          1                2           0',
          '',
        ].join('\n'),
        stderr: 'Offsets committed.\n',
      })

      // The group starts over at the reset offsets; without --from-beginning, so they are used.
      const again = await runCreek(['consume', 'orders', '--group', 'billing', '--max-messages', '4', ...b])
      expect(again.code).toBe(0)
      expect(sortedLines(again.stdout)).toEqual(['1', '2', '3', '4'])
    } finally {
      await broker.stop()
    }
  })
})

function sortedLines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '').sort()
}
