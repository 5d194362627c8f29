/**
 * Cuts a byte stream into Kafka frames (`INT32 size` + payload).
 *
 * Chunks are kept in a list and joined once per frame, when the frame is complete, so a large
 * frame arriving in many small chunks costs one copy, not one per chunk. A frame whose declared
 * size is negative or above `maxFrameBytes` is reported through `onOversize` and reading stops.
 */
export interface FrameReaderOptions {
  readonly maxFrameBytes: number
  /** Called with each complete payload, in order. The buffer is the reader's to give away. */
  readonly onFrame: (payload: Buffer) => void
  /** Called once with the offending size; no more frames are delivered afterwards. */
  readonly onOversize: (size: number) => void
}

export class FrameReader {
  readonly #options: FrameReaderOptions
  #chunks: Buffer[] = []
  #buffered = 0
  /** Size of the frame being assembled, or -1 while its 4-byte length is incomplete. */
  #frameSize = -1
  #stopped = false

  constructor(options: FrameReaderOptions) {
    this.#options = options
  }

  /** Bytes received but not yet delivered as frames. */
  get buffered(): number {
    return this.#buffered
  }

  push(chunk: Buffer): void {
    if (this.#stopped) return
    this.#chunks.push(chunk)
    this.#buffered += chunk.length
    for (;;) {
      if (this.#frameSize < 0) {
        if (this.#buffered < 4) return
        const size = this.#peekInt32()
        if (size < 0 || size > this.#options.maxFrameBytes) {
          this.#stopped = true
          this.#chunks = []
          this.#buffered = 0
          this.#options.onOversize(size)
          return
        }
        this.#frameSize = size
      }
      if (this.#buffered < 4 + this.#frameSize) return
      const frame = this.#take(4 + this.#frameSize)
      this.#frameSize = -1
      this.#options.onFrame(frame.subarray(4))
      if (this.#stopped) return
    }
  }

  /** Stops delivering frames (the connection is closing). */
  stop(): void {
    this.#stopped = true
    this.#chunks = []
    this.#buffered = 0
  }

  #peekInt32(): number {
    const first = this.#chunks[0]
    if (first.length >= 4) return first.readInt32BE(0)
    const head = Buffer.allocUnsafe(4)
    let filled = 0
    for (const chunk of this.#chunks) {
      const n = Math.min(4 - filled, chunk.length)
      chunk.copy(head, filled, 0, n)
      filled += n
      if (filled === 4) break
    }
    return head.readInt32BE(0)
  }

  /** Removes and returns the first `length` buffered bytes (a view when one chunk holds them). */
  #take(length: number): Buffer {
    const first = this.#chunks[0]
    if (first.length >= length) {
      // A copy, so the caller can keep views into the frame without pinning a large chunk.
      const frame = first.length === length ? first : Buffer.from(first.subarray(0, length))
      if (first.length === length) this.#chunks.shift()
      else this.#chunks[0] = first.subarray(length)
      this.#buffered -= length
      return frame
    }
    const frame = Buffer.allocUnsafe(length)
    let filled = 0
    while (filled < length) {
      const chunk = this.#chunks[0]
      const n = Math.min(length - filled, chunk.length)
      chunk.copy(frame, filled, 0, n)
      filled += n
      if (n === chunk.length) this.#chunks.shift()
      else this.#chunks[0] = chunk.subarray(n)
    }
    this.#buffered -= length
    return frame
  }
}
