/**
 * Walks the record batches of a `.log` file from a byte position, reading the file in chunks so
 * that a scan of many small batches costs one read per chunk rather than one per batch.
 *
 * The scanner only trusts what it can check cheaply: a batch whose length field is smaller than
 * a batch header, or that runs past the end of the file, ends the scan as a torn tail
 * (`tornAt`). It does not verify CRCs; callers that need that (recovery) read the whole batch
 * with `readBatch` and validate it.
 *
 * Concurrency: a scanner reads through the file descriptor it is given and assumes nobody
 * shrinks the file while it runs (Creek's log is single-threaded).
 */
import { readSync } from 'node:fs'
import { CoreError } from '../errors.ts'
import {
  BATCH_LENGTH_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
  LOG_OVERHEAD,
  MAX_TIMESTAMP_OFFSET,
  RECORD_BATCH_HEADER_SIZE,
  readInt64,
} from '../protocol/record-batch-header.ts'

/** Where a batch is in the file and what its header says. */
export interface ScannedBatch {
  readonly position: number
  readonly size: number
  readonly baseOffset: number
  readonly lastOffset: number
  readonly maxTimestamp: number
}

const DEFAULT_CHUNK = 256 * 1024

export function readFully(fd: number, buf: Buffer, length: number, position: number, file: string): number {
  let done = 0
  try {
    while (done < length) {
      const n = readSync(fd, buf, done, length - done, position + done)
      if (n === 0) break
      done += n
    }
  } catch (cause) {
    throw new CoreError('CORE_STORAGE_IO', `Cannot read ${file} at position ${position}`, { cause })
  }
  return done
}

export class BatchScanner {
  readonly #fd: number
  readonly #file: string
  readonly #fileSize: number
  readonly #chunk: Buffer
  #chunkStart = 0
  #chunkLength = 0
  #position: number
  /** Position of a torn or impossible batch header that ended the scan, if any. */
  tornAt: number | undefined

  constructor(fd: number, file: string, fileSize: number, startPosition = 0, chunkSize = DEFAULT_CHUNK) {
    this.#fd = fd
    this.#file = file
    this.#fileSize = fileSize
    this.#position = startPosition
    this.#chunk = Buffer.allocUnsafe(chunkSize)
  }

  /** Position of the next batch to be returned (the end of the last one returned). */
  get position(): number {
    return this.#position
  }

  /** The next batch header, or undefined at the end of the file or at a torn tail. */
  next(): ScannedBatch | undefined {
    const position = this.#position
    const remaining = this.#fileSize - position
    if (remaining <= 0) return undefined
    if (remaining < RECORD_BATCH_HEADER_SIZE) {
      this.tornAt = position
      return undefined
    }
    const at = this.#ensure(position, RECORD_BATCH_HEADER_SIZE)
    const buf = this.#chunk
    const length = buf.readInt32BE(at + BATCH_LENGTH_OFFSET)
    const size = LOG_OVERHEAD + length
    if (length < RECORD_BATCH_HEADER_SIZE - LOG_OVERHEAD || size > remaining) {
      this.tornAt = position
      return undefined
    }
    const baseOffset = readInt64(buf, at)
    const batch: ScannedBatch = {
      position,
      size,
      baseOffset,
      lastOffset: baseOffset + buf.readInt32BE(at + LAST_OFFSET_DELTA_OFFSET),
      maxTimestamp: readInt64(buf, at + MAX_TIMESTAMP_OFFSET),
    }
    this.#position = position + size
    return batch
  }

  /**
   * The bytes of a scanned batch: a view into the chunk when the batch lies inside it (valid
   * until the next call), otherwise a fresh buffer.
   */
  readBatch(batch: ScannedBatch): Buffer {
    if (batch.size <= this.#chunk.length) {
      const at = this.#ensure(batch.position, batch.size)
      return this.#chunk.subarray(at, at + batch.size)
    }
    const buf = Buffer.allocUnsafe(batch.size)
    const n = readFully(this.#fd, buf, batch.size, batch.position, this.#file)
    return buf.subarray(0, n)
  }

  /** Makes sure `[position, position + length)` is in the chunk; returns its index there. */
  #ensure(position: number, length: number): number {
    const start = this.#chunkStart
    if (position >= start && position + length <= start + this.#chunkLength) return position - start
    const want = Math.min(this.#chunk.length, this.#fileSize - position)
    this.#chunkLength = readFully(this.#fd, this.#chunk, want, position, this.#file)
    this.#chunkStart = position
    return 0
  }
}
