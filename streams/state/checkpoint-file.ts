/**
 * `CheckpointFile`: a task's `.checkpoint` file (Kafka Streams' `OffsetCheckpoint`): for each
 * changelog partition of the task's persistent stores, the changelog offset up to which the
 * local stores already hold the changes, so that restoration replays only the tail.
 *
 * On-disk format (Kafka's, text, UTF-8, '\n' line ends):
 *
 *     0                          version
 *     2                          number of entries
 *     app-counts-changelog 3 1042    topic, partition, offset (space separated)
 *     app-totals-changelog 3 17
 *
 * Offsets are "next offset to restore from" (the offset after the last change the store holds),
 * as Kafka writes them.
 *
 * Writes are atomic and durable (core's `writeFileAtomic`: temp file, fsync, rename, fsync of the
 * directory), so after a crash at any point the file holds the old content or the new one; a
 * leftover temp file is overwritten by the next write.
 *
 * Reads: an absent (or empty) file is an empty checkpoint (fresh state or wiped state). A file that does not
 * parse is STREAMS_TASK_CORRUPTED naming the file and the line: the local state cannot be trusted
 * to match any offset, so the task's state must be wiped and restored from the changelogs.
 *
 * Invariant the runtime keeps (not this class): a checkpoint is written only after the stores
 * it covers were flushed. Concurrency: one writer per task directory; writes are queued in
 * call order.
 */
import { readFile, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../../core/index.ts'
import { StreamsError } from '../errors.ts'

export const CHECKPOINT_FILE_NAME = '.checkpoint'
const VERSION = 0

export interface CheckpointEntry {
  readonly topic: string
  readonly partition: number
  /** The changelog offset to restore from next. */
  readonly offset: number
}

export class CheckpointFile {
  readonly path: string
  #writes: Promise<void> = Promise.resolve()

  constructor(path: string) {
    this.path = path
  }

  /** The checkpoint of a task directory: `<taskDir>/.checkpoint`. */
  static inTaskDir(taskDir: string): CheckpointFile {
    return new CheckpointFile(join(taskDir, CHECKPOINT_FILE_NAME))
  }

  /** Replaces the checkpoint atomically and durably; writes run in call order. */
  write(entries: Iterable<CheckpointEntry>): Promise<void> {
    let content: string
    try {
      content = this.#encode([...entries])
    } catch (error) {
      return Promise.reject(error)
    }
    const run = this.#writes.then(() => this.#writeNow(content))
    this.#writes = run.then(
      () => undefined,
      () => undefined,
    )
    return run
  }

  /** The entries, in file order; empty when the file does not exist. */
  async read(): Promise<CheckpointEntry[]> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw new StreamsError('STREAMS_STATE_STORE', `Cannot read checkpoint file ${this.path}: ${(cause as Error).message}`, { cause })
    }
    return this.#decode(text)
  }

  /** Removes the checkpoint (absent is fine), e.g. when local state is wiped or while an exactly-once task runs. */
  async delete(): Promise<void> {
    await this.#writes
    try {
      await unlink(this.path)
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return
      throw new StreamsError('STREAMS_STATE_STORE', `Cannot delete checkpoint file ${this.path}: ${(cause as Error).message}`, { cause })
    }
  }

  #encode(entries: readonly CheckpointEntry[]): string {
    const lines = [String(VERSION), String(entries.length)]
    for (const { topic, partition, offset } of entries) {
      if (typeof topic !== 'string' || topic === '' || /\s/.test(topic)) {
        throw new StreamsError('STREAMS_ILLEGAL_STATE', `Cannot checkpoint topic ${JSON.stringify(topic)} in ${this.path}: not a valid topic name`)
      }
      if (!Number.isSafeInteger(partition) || partition < 0 || !Number.isSafeInteger(offset) || offset < 0) {
        throw new StreamsError('STREAMS_ILLEGAL_STATE', `Cannot checkpoint ${topic}-${partition} at offset ${offset} in ${this.path}: partition and offset must be integers >= 0`)
      }
      lines.push(`${topic} ${partition} ${offset}`)
    }
    return lines.join('\n') + '\n'
  }

  #decode(text: string): CheckpointEntry[] {
    const lines = text.split('\n')
    if (lines.at(-1) === '') lines.pop()
    // An empty file reads as no checkpoint, as Kafka's OffsetCheckpoint reads it.
    if (lines.length === 0) return []
    const corrupt = (line: number, why: string): StreamsError =>
      new StreamsError(
        'STREAMS_TASK_CORRUPTED',
        `Checkpoint file ${this.path} is corrupt at line ${line}: ${why}; wipe the task's state directory so that its stores are restored from their changelogs`,
      )
    if (lines[0] !== String(VERSION)) throw corrupt(1, `unknown version ${JSON.stringify(lines[0] ?? '')} (expected ${VERSION})`)
    if (lines.length < 2 || !/^\d+$/.test(lines[1]!)) throw corrupt(2, `bad entry count ${JSON.stringify(lines[1] ?? '')}`)
    const count = Number(lines[1])
    if (lines.length - 2 !== count) throw corrupt(lines.length + 1, `expected ${count} entries, found ${lines.length - 2}`)
    const entries: CheckpointEntry[] = []
    for (let i = 2; i < lines.length; i++) {
      const match = /^(\S+) (\d+) (\d+)$/.exec(lines[i]!)
      if (match === null) throw corrupt(i + 1, `expected "<topic> <partition> <offset>", found ${JSON.stringify(lines[i])}`)
      const partition = Number(match[2])
      const offset = Number(match[3])
      if (!Number.isSafeInteger(partition) || !Number.isSafeInteger(offset)) throw corrupt(i + 1, 'partition or offset out of range')
      entries.push({ topic: match[1]!, partition, offset })
    }
    return entries
  }

  async #writeNow(content: string): Promise<void> {
    try {
      await writeFileAtomic(this.path, content)
    } catch (cause) {
      throw new StreamsError('STREAMS_STATE_STORE', `Cannot write checkpoint file ${this.path}: ${(cause as Error).message}`, { cause })
    }
  }
}
