import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseProperties } from '../../connect/runtime/config-files.ts'
import { tempDir } from '../helpers/temp-dir.ts'
import { cleanEnv, runCreek } from './run-creek.ts'

const BIN = join(process.cwd(), 'bin', 'creek.js')

function lines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').slice(0, -1) : []
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('creek connect standalone', () => {
  it('copies a file through a topic into a file with .properties and .json configs, and stops cleanly on SIGINT', { timeout: 60_000 }, async () => {
    const dir = tempDir('creek-cli-connect-')
    const input = join(dir, 'in.txt')
    const output = join(dir, 'out.txt')
    const offsets = join(dir, 'connect.offsets')
    writeFileSync(input, 'one\ntwo\nthree\n')
    writeFileSync(join(dir, 'worker.properties'), [
      '# a worker file as Kafka ships it',
      'bootstrap.servers=localhost:9092',
      'key.converter=org.apache.kafka.connect.storage.StringConverter',
      'value.converter=org.apache.kafka.connect.storage.StringConverter',
      `offset.storage.file.filename=${offsets}`,
      'offset.flush.interval.ms=200',
      'plugin.path=/usr/share/java',
    ].join('\n'))
    writeFileSync(join(dir, 'source.properties'), `name=local-file-source\nconnector.class=FileStreamSource\ntasks.max=1\nfile=${input}\ntopic=connect-test\npoll.interval.ms=50\n`)
    writeFileSync(join(dir, 'sink.json'), JSON.stringify({
      name: 'local-file-sink',
      config: {
        'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector', 'tasks.max': 1, file: output, topics: 'connect-test',
        'consumer.override.fetch.max.wait.ms': 100,
      },
    }))
    const child = spawn(process.execPath, [BIN, 'connect', 'standalone', join(dir, 'worker.properties'), join(dir, 'source.properties'), join(dir, 'sink.json'), '--data-dir', join(dir, 'data'), '--log-level', 'warn'], {
      stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv(),
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c))
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
    try {
      await waitFor(() => lines(output).length >= 3, 40_000, `the output file (stdout: ${stdout} stderr: ${stderr})`)
      expect(lines(output)).toEqual(['one', 'two', 'three'])
      expect(stdout).toMatch(/running local-file-source \(RUNNING\), local-file-sink \(RUNNING\)/)
    } finally {
      child.kill('SIGINT')
    }
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000))])
    if (code === 'timeout') child.kill('SIGKILL')
    expect(code, stderr).toBe(0)
    expect(stdout).toMatch(/stopped cleanly/)
    const stored = JSON.parse(readFileSync(offsets, 'utf8'))
    expect(stored.offsets).toEqual([{ connector: 'local-file-source', partition: { filename: input }, offset: { position: 14 } }])
  })

  it('refuses an invalid connector file before running anything', { timeout: 30_000 }, async () => {
    const dir = tempDir('creek-cli-connect-')
    writeFileSync(join(dir, 'worker.json'), JSON.stringify({ 'offset.storage.file.filename': join(dir, 'o') }))
    writeFileSync(join(dir, 'bad.properties'), 'name=bad\nconnector.class=FileStreamSource\nfile=x\n')
    const run = await runCreek(['connect', 'standalone', join(dir, 'worker.json'), join(dir, 'bad.properties'), '--data-dir', join(dir, 'data')])
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/bad\.properties.*topic/)
  })
})

describe('creek connect standalone after kill -9', () => {
  it('resumes from the flushed offsets: every line arrives at least once, none is lost', { timeout: 90_000 }, async () => {
    const dir = tempDir('creek-cli-connect-crash-')
    const input = join(dir, 'in.txt')
    const output = join(dir, 'out.txt')
    writeFileSync(input, 'one\ntwo\nthree\n')
    writeFileSync(join(dir, 'worker.properties'), `value.converter=org.apache.kafka.connect.storage.StringConverter\noffset.storage.file.filename=${join(dir, 'offsets')}\noffset.flush.interval.ms=100\n`)
    writeFileSync(join(dir, 'source.properties'), `name=src\nconnector.class=FileStreamSource\nfile=${input}\ntopic=t\npoll.interval.ms=50\n`)
    writeFileSync(join(dir, 'sink.properties'), `name=dst\nconnector.class=FileStreamSink\nfile=${output}\ntopics=t\nconsumer.override.session.timeout.ms=6000\nconsumer.override.heartbeat.interval.ms=500\nconsumer.override.fetch.max.wait.ms=100\n`)
    const args = ['connect', 'standalone', ...['worker', 'source', 'sink'].map((f) => join(dir, `${f}.properties`)), '--data-dir', join(dir, 'data'), '--log-level', 'error']
    const start = () => {
      const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv() })
      let out = ''
      child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c))
      child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c))
      const exited = new Promise<void>((resolve) => child.on('close', () => resolve()))
      return { child, exited, output: () => out }
    }
    const first = start()
    try {
      await waitFor(() => lines(output).length >= 3, 40_000, 'the first lines')
      // Let at least one flush interval pass, so that some offsets are stored.
      await new Promise((r) => setTimeout(r, 400))
    } finally {
      first.child.kill('SIGKILL')
    }
    await first.exited
    writeFileSync(input, 'one\ntwo\nthree\nfour\n')
    const second = start()
    try {
      await waitFor(() => lines(output).includes('four'), 60_000, `the line written after the crash (${second.output()})`)
    } finally {
      second.child.kill('SIGINT')
    }
    await Promise.race([second.exited, new Promise((r) => setTimeout(r, 20_000))])
    const written = lines(output)
    for (const line of ['one', 'two', 'three', 'four']) expect(written).toContain(line)
    expect(new Set(written)).toEqual(new Set(['one', 'two', 'three', 'four']))
  })
})

describe('parseProperties', () => {
  it('reads Java .properties syntax', () => {
    const text = '# comment\n! also\n  a = 1\nb:2\nc 3\nlong = x\\\n   y\nesc=tab\\there\\u0041\nempty=\nkey\\=with=eq\n'
    expect(parseProperties(text)).toEqual({ a: '1', b: '2', c: '3', long: 'xy', esc: 'tab\thereA', empty: '', 'key=with': 'eq' })
  })
})
