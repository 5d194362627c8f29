/**
 * A new file written through an in-memory buffer (1 MiB by default) and fsynced when finished:
 * the compacted output of the log cleaner, written once, never appended to afterwards.
 */
import { closeSync, fsync, openSync, writeSync } from 'node:fs'
import { CoreError } from '../errors.ts'

const WRITE_BUFFER_BYTES = 1 << 20

export class BufferedOutputFile {
  readonly #path: string
  #fd: number | undefined
  readonly #buffer = Buffer.allocUnsafe(WRITE_BUFFER_BYTES)
  #buffered = 0
  /** Bytes handed to the OS. */
  #written = 0

  private constructor(path: string, fd: number) {
    this.#path = path
    this.#fd = fd
  }

  static create(path: string): BufferedOutputFile {
    try {
      return new BufferedOutputFile(path, openSync(path, 'w'))
    } catch (cause) {
      throw new CoreError('CORE_STORAGE_IO', `Cannot create ${path}`, { cause })
    }
  }

  /** Bytes written so far, buffered ones included. */
  get size(): number {
    return this.#written + this.#buffered
  }

  write(bytes: Buffer): void {
    if (bytes.length > this.#buffer.length - this.#buffered) this.#flush()
    if (bytes.length >= this.#buffer.length) this.#writeOut(bytes)
    else {
      bytes.copy(this.#buffer, this.#buffered)
      this.#buffered += bytes.length
    }
  }

  /** Writes what is buffered, fsyncs and closes the file. */
  async finish(): Promise<void> {
    this.#flush()
    const fd = this.#fd as number
    await new Promise<void>((resolve, reject) => {
      fsync(fd, (error) => (error ? reject(new CoreError('CORE_STORAGE_IO', `fsync of ${this.#path} failed`, { cause: error })) : resolve()))
    })
    this.#fd = undefined
    closeSync(fd)
  }

  /** Closes the file without finishing it (the caller removes it). */
  abandon(): void {
    if (this.#fd === undefined) return
    try {
      closeSync(this.#fd)
    } catch {
      // closing is best effort: the file is about to be removed
    }
    this.#fd = undefined
  }

  #flush(): void {
    if (this.#buffered === 0) return
    this.#writeOut(this.#buffer.subarray(0, this.#buffered))
    this.#buffered = 0
  }

  #writeOut(bytes: Buffer): void {
    const fd = this.#fd as number
    try {
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, this.#written + done)
    } catch (cause) {
      throw new CoreError('CORE_STORAGE_IO', `Cannot write ${bytes.length} bytes to ${this.#path}`, { cause })
    }
    this.#written += bytes.length
  }
}
