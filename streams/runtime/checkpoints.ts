/**
 * How the runtime reads and writes a task's (or the global stores') `.checkpoint` file: the
 * changelog offsets its local persistent stores already reflect, as the next offset to restore
 * from. The format and the atomic write are streams/state/checkpoint-file.ts'; this adapter
 * keeps one `CheckpointFile` per directory (so writes of a directory stay in call order) and
 * tells an absent checkpoint (null) from a present one.
 */
import { CheckpointFile } from '../state/checkpoint-file.ts'

export interface ChangelogOffset {
  readonly topic: string
  readonly partition: number
  /** The next offset to restore from. */
  readonly offset: number
}

export interface CheckpointIO {
  /** Null when the directory has no checkpoint (or an empty one); STREAMS_TASK_CORRUPTED when it does not parse. */
  read(dir: string): Promise<ChangelogOffset[] | null>
  write(dir: string, offsets: readonly ChangelogOffset[]): Promise<void>
}

const files = new Map<string, CheckpointFile>()

function fileOf(dir: string): CheckpointFile {
  let file = files.get(dir)
  if (file === undefined) {
    file = CheckpointFile.inTaskDir(dir)
    files.set(dir, file)
    // Bounded: one entry per task directory ever opened by this process.
    if (files.size > 10_000) files.delete(files.keys().next().value!)
  }
  return file
}

export const fileCheckpoints: CheckpointIO = {
  async read(dir) {
    const entries = await fileOf(dir).read()
    return entries.length === 0 ? null : entries
  },
  write(dir, offsets) {
    return fileOf(dir).write(offsets)
  },
}
