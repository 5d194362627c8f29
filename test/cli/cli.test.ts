import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/temp-dir.ts'
import { runCreek } from './run-creek.ts'

describe('creek CLI on a data directory (--data-dir)', () => {
  it('creates a topic, produces keyed lines, consumes them in a group, and describes the group', { timeout: 60_000 }, async () => {
    const dataDir = join(tempDir('creek-cli-'), 'data')
    const d = ['--data-dir', dataDir]

    const created = await runCreek(['topics', 'create', 'orders', '--partitions', '1', '--config', 'retention.ms=3600000', ...d])
    expect(created).toMatchObject({ code: 0, stderr: '' })
    expect(created.stdout).toMatch(/^Created topic orders \(1 partition, id [0-9a-f-]{36}\)\.\n$/)

    const produced = await runCreek(['produce', 'orders', '--key-separator', ':', '--headers', 'src=cli', ...d], 'alice:1\nbob:2\ncarol:3\n')
    expect(produced.code).toBe(0)
    expect(produced.stdout).toBe('')
    expect(produced.stderr).toMatch(/^Produced 3 records to orders in \d+ ms \(by partition 0: 3\)\.\n$/)

    const consumed = await runCreek(['consume', 'orders', '--from-beginning', '--max-messages', '3', '--group', 'billing', '--format', '%o %k=%v %h', ...d])
    expect(consumed).toEqual({ code: 0, stdout: '0 alice=1 src=cli\n1 bob=2 src=cli\n2 carol=3 src=cli\n', stderr: 'Processed a total of 3 messages.\n' })

    const described = await runCreek(['groups', 'describe', 'billing', ...d])
    expect(described.code).toBe(0)
    expect(described.stdout).toBe([
      'Group:    billing',
      'State:    Empty',
      'Protocol: consumer',
      'Members:  0',
      '',
      'TOPIC   PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG  MEMBER-ID',
      'orders          0               3               3    0  -',
      '',
    ].join('\n'))

    const dryRun = await runCreek(['groups', 'reset-offsets', 'billing', '--topic', 'orders', '--shift-by', '-2', ...d])
    expect(dryRun.code).toBe(0)
    expect(dryRun.stdout).toBe('GROUP    TOPIC   PARTITION  PREVIOUS-OFFSET  NEW-OFFSET\nbilling  orders          0                3           1\n')
    expect(dryRun.stderr).toContain('Dry run')
    const executed = await runCreek(['groups', 'reset-offsets', 'billing', '--topic', 'orders', '--shift-by', '-2', '--execute', ...d])
    expect(executed.stderr).toBe('Offsets committed.\n')

    // The group resumes after the reset: only the last two records are left.
    const resumed = await runCreek(['consume', 'orders', '--group', 'billing', '--print-key', ...d])
    expect(resumed).toEqual({ code: 0, stdout: 'bob\t2\ncarol\t3\n', stderr: 'Processed a total of 2 messages.\n' })
  })

  it('describes topics, and reports errors as one line with exit code 1', { timeout: 60_000 }, async () => {
    const dataDir = join(tempDir('creek-cli-'), 'data')
    const d = ['--data-dir', dataDir]
    await runCreek(['topics', 'create', 'events', '-p', '2', '-c', 'retention.ms=60000', ...d])
    expect((await runCreek(['produce', 'events', '--partition', '1', ...d], 'a\nb\n')).code).toBe(0)

    const described = await runCreek(['topics', 'describe', 'events', ...d])
    expect(described.code).toBe(0)
    expect(described.stdout).toMatch(/^Topic: +events\nTopicId: +[0-9a-f-]{36}\nPartitions: +2\nReplicationFactor: 1\nConfigs: +retention.ms=60000\n\n/)
    expect(described.stdout).toContain([
      'PARTITION  LEADER  REPLICAS  ISR  EARLIEST-OFFSET  LOG-END-OFFSET',
      '        0       0  0         0                  0               0',
      '        1       0  0         0                  0               2',
    ].join('\n'))

    const again = await runCreek(['topics', 'create', 'events', ...d])
    expect(again).toEqual({
      code: 1,
      stdout: '',
      stderr: "creek: Cannot create topic 'events': Topic 'events' already exists. [TOPIC_ALREADY_EXISTS]\n",
    })
    const badConfig = await runCreek(['topics', 'alter', 'events', '--config', 'retention.ms=soon', ...d])
    expect(badConfig.code).toBe(1)
    expect(badConfig.stderr).toMatch(/^creek: Cannot alter the configs of topic 'events': .*retention\.ms.* \[INVALID_CONFIG\]\n$/)
    const noGroup = await runCreek(['groups', 'describe', 'nobody', ...d])
    expect(noGroup).toEqual({ code: 1, stdout: '', stderr: "creek: consumer group 'nobody' does not exist\n" })
  })
})
