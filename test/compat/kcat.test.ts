/**
 * kcat (librdkafka, from Debian) against `creek start` on a random port: metadata listing,
 * producing keyed messages with each codec, consuming from the beginning to the end, and
 * balanced group consumption with two members splitting the partitions.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CreekProcess, startCreek } from '../helpers/creek-process.ts'
import { tempDir } from '../helpers/temp-dir.ts'

const hasKcat = (() => {
  try {
    execFileSync('kcat', ['-V'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

let creek: CreekProcess

function kcat(args: string[], input?: string, timeoutMs = 20_000): string {
  return execFileSync('kcat', ['-b', creek.bootstrap, ...args], { input, timeout: timeoutMs, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] })
}

describe.skipIf(!hasKcat && process.env.CI !== 'true')('kcat (librdkafka) against creek start', () => {
  beforeAll(async () => {
    creek = await startCreek(tempDir(), { 'group.initial.rebalance.delay.ms': 0, 'offsets.topic.num.partitions': 4, 'num.partitions': 4 })
  }, 30_000)

  afterAll(async () => {
    await creek?.stop()
  })

  it('lists metadata', () => {
    kcat(['-P', '-t', 'listed'], 'hello\n')
    const out = kcat(['-L', '-t', 'listed'])
    expect(out).toMatch(/1 brokers:/)
    expect(out).toMatch(/topic "listed" with 4 partitions/)
  })

  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd']) {
    it(`produces keyed messages with ${codec} and consumes them from the beginning to the end`, () => {
      const topic = `kcat-${codec}`
      const lines = Array.from({ length: 100 }, (_, i) => `key-${i % 7}:value-${i}`)
      kcat(['-P', '-t', topic, '-K', ':', '-z', codec], `${lines.join('\n')}\n`)
      const out = kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%k:%s:%p\\n', '-q'])
      const rows = out.trim().split('\n').map((l) => l.split(':'))
      expect(rows.map((r) => `${r[0]}:${r[1]}`).sort()).toEqual([...lines].sort())
      const partitionOfKey = new Map<string, string>()
      for (const [key, , partition] of rows) {
        expect(partitionOfKey.get(key) ?? partition).toBe(partition)
        partitionOfKey.set(key, partition)
      }
    })
  }

  it('splits partitions between two balanced-group members (-G)', { timeout: 60_000 }, async () => {
    const topic = 'kcat-group'
    const lines = Array.from({ length: 200 }, (_, i) => `k${i}:v${i}`)
    const admin = new Kafka({ brokers: [creek.bootstrap], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] })
    const members: { child: ChildProcess; out: string }[] = []
    for (let i = 0; i < 2; i++) {
      const child = spawn(
        'kcat',
        ['-b', creek.bootstrap, '-G', 'kcat-group', topic, '-X', 'auto.offset.reset=earliest', '-X', 'session.timeout.ms=6000', '-X', 'heartbeat.interval.ms=500', '-f', '%p:%s\\n', '-q', '-u'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      )
      const member = { child, out: '' }
      child.stdout!.on('data', (c: Buffer) => (member.out += c.toString()))
      members.push(member)
    }
    // Produce only once both members own their partitions, so no partition moves mid-test.
    const joinDeadline = Date.now() + 30_000
    for (;;) {
      const { groups } = await admin.describeGroups(['kcat-group'])
      if (groups[0]?.state === 'Stable' && groups[0].members.length === 2) break
      if (Date.now() > joinDeadline) throw new Error(`group never became stable with 2 members: ${JSON.stringify(groups)}`)
      await new Promise((r) => setTimeout(r, 200))
    }
    await admin.disconnect()
    kcat(['-P', '-t', topic, '-K', ':'], `${lines.join('\n')}\n`)
    const deadline = Date.now() + 40_000
    const received = () => members.flatMap((m) => m.out.trim().split('\n').filter(Boolean))
    while (received().length < 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200))
    for (const m of members) m.child.kill('SIGTERM')
    await Promise.all(members.map((m) => new Promise((r) => (m.child.exitCode !== null ? r(null) : m.child.once('exit', r)))))
    const values = received().map((l) => l.split(':')[1])
    expect(values.sort()).toEqual(lines.map((l) => l.split(':')[1]).sort())
    // Each member owned a distinct, non-empty set of partitions.
    const partitions = members.map((m) => new Set(m.out.trim().split('\n').filter(Boolean).map((l) => l.split(':')[0])))
    expect(partitions[0].size).toBeGreaterThan(0)
    expect(partitions[1].size).toBeGreaterThan(0)
    for (const p of partitions[0]) expect(partitions[1].has(p)).toBe(false)
  })
})
