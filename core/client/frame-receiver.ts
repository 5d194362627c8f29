/**
 * Cuts a socket's bytes into Kafka frames (`INT32 size` + payload) for a socket read with
 * `onread` (net.connect): `nextBuffer()` tells the socket where to put the next read, and once
 * a frame's size is known that is the rest of the frame's own buffer, so the kernel writes a
 * large response (a Fetch) straight into place: no chunk per read, no copy to join chunks.
 *
 * Reads that are not inside a frame land in a reusable scratch buffer; what they hold (sizes,
 * small frames, the start of a large one) is copied out before the next read. Every delivered
 * payload is a buffer of its own, which the receiver never touches again: the consumer keeps
 * views into it.
 *
 * A frame whose declared size is negative or above `maxFrameBytes` is reported through
 * `onOversize` and nothing is delivered afterwards.
 */
export interface FrameReceiverOptions {
  readonly maxFrameBytes: number
  /** Called with each complete payload, in order. */
  readonly onFrame: (payload: Buffer) => void
  /** Called once with the offending size; no more frames are delivered afterwards. */
  readonly onOversize: (size: number) => void
  /** Size of the scratch buffer for reads between frames (default 64 KiB). */
  readonly scratchBytes?: number
}

export class FrameReceiver {
  readonly #options: FrameReceiverOptions
  readonly #scratch: Buffer
  /** Bytes of the next frame's size read so far (a size can straddle two reads). */
  readonly #size = Buffer.allocUnsafe(4)
  #sizeFilled = 0
  /** The payload being filled, or null between frames. */
  #frame: Buffer | null = null
  #filled = 0
  #stopped = false

  constructor(options: FrameReceiverOptions) {
    this.#options = options
    this.#scratch = Buffer.allocUnsafe(options.scratchBytes ?? 64 * 1024)
  }

  /** Where the socket should put its next read. */
  nextBuffer(): Buffer {
    const frame = this.#frame
    return frame === null ? this.#scratch : frame.subarray(this.#filled)
  }

  /** `n` bytes were read into `buffer` (the one `nextBuffer` returned). */
  received(n: number, buffer: Buffer): void {
    if (this.#stopped || n <= 0) return
    if (buffer !== this.#scratch) {
      // Straight into the frame.
      this.#filled += n
      if (this.#filled === this.#frame!.length) this.#deliver()
      return
    }
    let pos = 0
    while (pos < n && !this.#stopped) {
      const frame = this.#frame
      if (frame !== null) {
        const count = Math.min(n - pos, frame.length - this.#filled)
        buffer.copy(frame, this.#filled, pos, pos + count)
        this.#filled += count
        pos += count
        if (this.#filled === frame.length) this.#deliver()
        continue
      }
      const count = Math.min(n - pos, 4 - this.#sizeFilled)
      buffer.copy(this.#size, this.#sizeFilled, pos, pos + count)
      this.#sizeFilled += count
      pos += count
      if (this.#sizeFilled < 4) return
      this.#sizeFilled = 0
      const size = this.#size.readInt32BE(0)
      if (size < 0 || size > this.#options.maxFrameBytes) {
        this.stop()
        this.#options.onOversize(size)
        return
      }
      this.#frame = Buffer.allocUnsafe(size)
      this.#filled = 0
      if (size === 0) this.#deliver()
    }
  }

  /** Stops delivering frames (the connection is closing). */
  stop(): void {
    this.#stopped = true
    this.#frame = null
  }

  #deliver(): void {
    const frame = this.#frame!
    this.#frame = null
    this.#filled = 0
    this.#options.onFrame(frame)
  }
}
