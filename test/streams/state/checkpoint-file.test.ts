import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CHECKPOINT_FILE_NAME, CheckpointFile } from '../../../streams/state/checkpoint-file.ts'

describe('CheckpointFile', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'creek-checkpoint-'))
  })
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('reads an absent file as an empty checkpoint', async () => {
    expect(await CheckpointFile.inTaskDir(dir).read()).toEqual([])
  })

  it("round-trips entries in Kafka's text format, atomically", async () => {
    const file = CheckpointFile.inTaskDir(dir)
    expect(file.path).toBe(join(dir, CHECKPOINT_FILE_NAME))
    const entries = [
      { topic: 'app-counts-changelog', partition: 3, offset: 1042 },
      { topic: 'app-totals-changelog', partition: 3, offset: 0 },
    ]
    await file.write(entries)
    expect(readFileSync(file.path, 'utf8')).toBe('0\n2\napp-counts-changelog 3 1042\napp-totals-changelog 3 0\n')
    expect(await file.read()).toEqual(entries)
    await file.write([{ topic: 'app-counts-changelog', partition: 3, offset: 2000 }])
    expect(await new CheckpointFile(file.path).read()).toEqual([{ topic: 'app-counts-changelog', partition: 3, offset: 2000 }])
    expect(readdirSync(dir)).toEqual([CHECKPOINT_FILE_NAME])
  })

  it('queues concurrent writes in call order', async () => {
    const file = CheckpointFile.inTaskDir(dir)
    await Promise.all([1, 2, 3].map((offset) => file.write([{ topic: 't', partition: 0, offset }])))
    expect(await file.read()).toEqual([{ topic: 't', partition: 0, offset: 3 }])
  })

  it('reports a corrupt file as STREAMS_TASK_CORRUPTED naming it', async () => {
    const file = CheckpointFile.inTaskDir(dir)
    for (const content of ['1\n0\n', '0\n2\nt 0 1\n', '0\n1\nt zero 1\n', '0\nx\n', '0\n1\nt 0 -1\n']) {
      writeFileSync(file.path, content)
      await expect(file.read()).rejects.toMatchObject({ code: 'STREAMS_TASK_CORRUPTED', message: expect.stringContaining(file.path) })
    }
    writeFileSync(file.path, '')
    expect(await file.read()).toEqual([])
  })

  it('refuses to write entries it could not read back', async () => {
    const file = CheckpointFile.inTaskDir(dir)
    await expect(file.write([{ topic: 'a b', partition: 0, offset: 1 }])).rejects.toMatchObject({ code: 'STREAMS_ILLEGAL_STATE' })
    await expect(file.write([{ topic: 't', partition: 0, offset: -1 }])).rejects.toMatchObject({ code: 'STREAMS_ILLEGAL_STATE' })
    expect(existsSync(file.path)).toBe(false)
  })

  it('deletes the file, absent or not', async () => {
    const file = CheckpointFile.inTaskDir(dir)
    await file.delete()
    await file.write([{ topic: 't', partition: 1, offset: 5 }])
    await file.delete()
    expect(existsSync(file.path)).toBe(false)
  })

  it('fails with STREAMS_STATE_STORE when the directory is missing', async () => {
    const file = CheckpointFile.inTaskDir(join(dir, 'missing'))
    await expect(file.write([])).rejects.toMatchObject({ code: 'STREAMS_STATE_STORE', message: expect.stringContaining('missing') })
  })
})
