import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fileCheckpoints } from '../../../streams/runtime/checkpoints.ts'
import { StateDirectory } from '../../../streams/runtime/state-directory.ts'
import { tempDir } from '../../helpers/temp-dir.ts'

describe('StateDirectory', () => {
  it('lays tasks out as <stateDir>/<applicationId>/<subtopology>_<partition>', () => {
    const dir = new StateDirectory('/state', 'app')
    expect(dir.taskDir({ subtopology: 1, partition: 3 })).toBe('/state/app/1_3')
    expect(dir.globalDir).toBe('/state/app/global')
  })

  it('lets one owner at a time hold a task directory, and tells waiters when it is released', () => {
    const dir = new StateDirectory(tempDir(), 'app')
    const task = { subtopology: 0, partition: 0 }
    let released = 0
    dir.onRelease(() => released++)
    expect(dir.tryLock(task, 'thread-1')).toBe(true)
    expect(dir.tryLock(task, 'thread-1')).toBe(true)
    expect(dir.tryLock(task, 'thread-2')).toBe(false)
    dir.unlock(task, 'thread-2')
    expect(released).toBe(0)
    dir.unlock(task, 'thread-1')
    expect(released).toBe(1)
    expect(dir.tryLock(task, 'thread-2')).toBe(true)
  })

  it('lists the tasks with a checkpoint as local state, and tells state from a bare checkpoint', async () => {
    const root = tempDir()
    const dir = new StateDirectory(root, 'app')
    const withCheckpoint = dir.ensure(dir.taskDir({ subtopology: 1, partition: 2 }))
    await fileCheckpoints.write(withCheckpoint, [{ topic: 'app-s-changelog', partition: 2, offset: 10 }])
    const without = dir.ensure(dir.taskDir({ subtopology: 0, partition: 0 }))
    mkdirSync(join(without, 'rocksdb'))
    mkdirSync(join(root, 'app', 'not-a-task'))
    expect(dir.localTasks()).toEqual([{ subtopology: 1, partition: 2 }])
    expect(dir.hasState(withCheckpoint)).toBe(false)
    expect(dir.hasState(without)).toBe(true)
    expect(await fileCheckpoints.read(withCheckpoint)).toEqual([{ topic: 'app-s-changelog', partition: 2, offset: 10 }])
    expect(await fileCheckpoints.read(without)).toBeNull()
    dir.wipe(without)
    expect(dir.hasState(without)).toBe(false)
  })

  it('reports a corrupt checkpoint as STREAMS_TASK_CORRUPTED', async () => {
    const root = tempDir()
    writeFileSync(join(root, '.checkpoint'), 'garbage\n')
    await expect(fileCheckpoints.read(root)).rejects.toMatchObject({ code: 'STREAMS_TASK_CORRUPTED' })
  })
})
