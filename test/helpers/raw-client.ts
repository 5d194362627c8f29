import { type Socket, connect } from 'node:net'

/** A bare TCP client that sends raw frames and collects whole response frames (payloads). */
export class RawClient {
  readonly socket: Socket
  readonly frames: Buffer[] = []
  #pending = Buffer.alloc(0)
  #waiters: (() => void)[] = []
  closed = false

  private constructor(socket: Socket) {
    this.socket = socket
    socket.on('data', (chunk: Buffer) => {
      this.#pending = Buffer.concat([this.#pending, chunk])
      while (this.#pending.length >= 4) {
        const size = this.#pending.readInt32BE(0)
        if (this.#pending.length < 4 + size) break
        this.frames.push(this.#pending.subarray(4, 4 + size))
        this.#pending = this.#pending.subarray(4 + size)
      }
      this.#wake()
    })
    socket.on('close', () => {
      this.closed = true
      this.#wake()
    })
    socket.on('error', () => {})
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host, () => resolve(new RawClient(socket)))
      socket.once('error', reject)
    })
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w()
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes)
  }

  /** Waits until `count` frames arrived (or the socket closed, or the timeout passed). */
  async waitFrames(count: number, timeoutMs = 3000): Promise<Buffer[]> {
    const deadline = Date.now() + timeoutMs
    while (this.frames.length < count && !this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve)
        setTimeout(resolve, Math.max(1, deadline - Date.now())).unref()
      })
    }
    return this.frames.slice(0, count)
  }

  /** Waits until the server closed the socket. */
  async waitClosed(timeoutMs = 3000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (!this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve)
        setTimeout(resolve, Math.max(1, deadline - Date.now())).unref()
      })
    }
    return this.closed
  }

  close(): void {
    this.socket.destroy()
  }
}
