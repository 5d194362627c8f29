/**
 * One client connection to the Kafka-protocol server.
 *
 * Framing: every request is `INT32 size` + payload. Bytes arrive in arbitrary chunks; frames
 * are cut from an accumulating buffer, so partial and pipelined frames both work.
 *
 * Ordering: requests are handled one at a time, in arrival order, and each response is written
 * before the next request starts, as Kafka does by muting a channel with a request in flight.
 * This keeps the order of appends to a partition for pipelined produces and keeps responses in
 * request order (kafka-python and the Java client require it). A long-polling fetch therefore
 * holds its own connection and nothing else.
 *
 * Errors: a frame larger than `socket.request.max.bytes`, an unknown API or an unsupported
 * version (except ApiVersions, answered in v0 with UNSUPPORTED_VERSION and the supported list,
 * per KIP-511), an undecodable request, or a handler that throws, closes this connection with
 * one log line. Other connections are unaffected.
 *
 * Responses are written as one vectored write each; the record batches of a Fetch response go to
 * the socket as the log returned them, not copied into the frame.
 *
 * Backpressure and memory: at most `maxQueuedBytes` of unhandled frames are buffered; past that
 * the socket is paused until the queue drains, and reading also pauses while the socket's write
 * buffer is full.
 */
import type { Socket } from 'node:net'
import type { Broker } from '../broker/broker.ts'
import type { Logger } from '../logger.ts'
import type { ApiDescriptor } from '../protocol/api-descriptor.ts'
import { ApiVersions } from '../protocol/apis/api-versions.ts'
import { ErrorCode } from '../protocol/error-codes.ts'
import { FrameReader } from '../protocol/frame-reader.ts'
import { type RequestHeader, decodeRequestBody, decodeRequestHeader, encodeResponse, encodeResponseChunks } from '../protocol/headers.ts'
import { Reader } from '../protocol/reader.ts'

export interface ConnectionOptions {
  /** Largest accepted request frame (socket.request.max.bytes). */
  readonly maxRequestBytes: number
  /** Buffered, not yet handled request bytes before reading pauses. */
  readonly maxQueuedBytes: number
  readonly logger: Logger
}

export class Connection {
  readonly id: number
  readonly remote: string
  readonly #socket: Socket
  readonly #broker: Broker
  readonly #options: ConnectionOptions
  readonly #frames: FrameReader
  readonly #queue: Buffer[] = []
  #queuedBytes = 0
  #processing = false
  #closing = false
  #idle: Promise<void> = Promise.resolve()
  #resolveIdle: (() => void) | undefined
  readonly #abort = new AbortController()

  constructor(id: number, socket: Socket, broker: Broker, options: ConnectionOptions) {
    this.id = id
    this.#socket = socket
    this.#broker = broker
    this.#options = options
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`
    this.#frames = new FrameReader({
      maxFrameBytes: options.maxRequestBytes,
      onFrame: (frame) => this.#onFrame(frame),
      onOversize: (size) => this.close(`request frame of ${size} bytes exceeds socket.request.max.bytes (${options.maxRequestBytes})`),
    })
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => {
      if (!this.#closing) this.#frames.push(chunk)
    })
    socket.on('drain', () => this.#maybeResume())
    socket.on('close', () => this.#abort.abort())
    socket.on('error', (error) => options.logger.debug(`Connection ${this.remote} error: ${error.message}`))
  }

  /** True while a request is being handled or queued. */
  get busy(): boolean {
    return this.#processing || this.#queue.length > 0
  }

  #onFrame(frame: Buffer): void {
    this.#queue.push(frame)
    this.#queuedBytes += frame.length
    if (this.#queuedBytes + this.#frames.buffered > this.#options.maxQueuedBytes) this.#socket.pause()
    if (!this.#processing) void this.#drainQueue()
  }

  async #drainQueue(): Promise<void> {
    this.#processing = true
    this.#idle = new Promise((resolve) => (this.#resolveIdle = resolve))
    try {
      while (this.#queue.length > 0 && !this.#closing) {
        const frame = this.#queue.shift()!
        this.#queuedBytes -= frame.length
        this.#maybeResume()
        await this.#handleFrame(frame)
      }
    } finally {
      this.#processing = false
      this.#resolveIdle?.()
    }
  }

  #maybeResume(): void {
    if (this.#closing) return
    if (this.#socket.isPaused() && this.#queuedBytes <= this.#options.maxQueuedBytes / 2 && this.#socket.writableNeedDrain === false) {
      this.#socket.resume()
    }
  }

  async #handleFrame(frame: Buffer): Promise<void> {
    const reader = new Reader(frame)
    let header: RequestHeader
    try {
      header = decodeRequestHeader(reader)
    } catch (error) {
      this.close(`undecodable request header: ${(error as Error).message}`)
      return
    }
    const handler = this.#broker.handler(header.apiKey)
    const api = handler?.api
    if (!api || header.apiVersion < api.advertisedVersions.min || header.apiVersion > api.advertisedVersions.max) {
      if (header.apiKey === ApiVersions.apiKey) {
        this.#write(this.#unsupportedApiVersions(header.correlationId))
        return
      }
      this.close(`unsupported request: API key ${header.apiKey}${api ? ` (${api.name})` : ''} v${header.apiVersion} from client ${header.clientId ?? '?'}`)
      return
    }
    let request: unknown
    try {
      request = decodeRequestBody(api, header.apiVersion, reader)
    } catch (error) {
      this.close(`undecodable ${api.name} v${header.apiVersion} request: ${(error as Error).message}`)
      return
    }
    let response: unknown
    try {
      response = await this.#broker.handle(api as ApiDescriptor, request as never, {
        apiVersion: header.apiVersion,
        clientId: header.clientId,
        clientHost: this.#socket.remoteAddress ?? 'unknown',
        signal: this.#abort.signal,
      })
    } catch (error) {
      this.close(`${api.name} v${header.apiVersion} failed: ${(error as Error).message}`)
      return
    }
    if (!api.expectsResponse(request as never)) return
    let bytes: Buffer[]
    try {
      bytes = encodeResponseChunks(api, header.apiVersion, header.correlationId, response as never)
    } catch (error) {
      this.close(`cannot encode ${api.name} v${header.apiVersion} response: ${(error as Error).message}`)
      return
    }
    this.#write(bytes)
  }

  /** KIP-511: an ApiVersions request at an unknown version gets a v0 answer with the list. */
  #unsupportedApiVersions(correlationId: number): Buffer {
    return encodeResponse(ApiVersions, 0, correlationId, {
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: this.#broker.apis().map((a) => ({ apiKey: a.apiKey, minVersion: a.advertisedVersions.min, maxVersion: a.advertisedVersions.max })),
      throttleTimeMs: 0,
      supportedFeatures: [],
      finalizedFeaturesEpoch: -1,
      finalizedFeatures: [],
      zkMigrationReady: false,
    })
  }

  /** Writes one response (one or more buffers: one vectored write). */
  #write(bytes: Buffer | readonly Buffer[]): void {
    const socket = this.#socket
    if (socket.destroyed) return
    let flowing: boolean
    if (Buffer.isBuffer(bytes)) flowing = socket.write(bytes)
    else if (bytes.length === 1) flowing = socket.write(bytes[0])
    else {
      socket.cork()
      for (const chunk of bytes) socket.write(chunk)
      socket.uncork()
      flowing = !socket.writableNeedDrain
    }
    if (!flowing) socket.pause()
  }

  /** Stops reading, lets the request in progress finish and its response flush, then ends. */
  async shutdown(graceMs: number): Promise<void> {
    this.#closing = true
    this.#queue.length = 0
    this.#frames.stop()
    this.#socket.pause()
    const timer = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref())
    await Promise.race([this.#idle, timer])
    this.#socket.end()
    this.#socket.destroySoon()
  }

  /** Closes the connection at once, logging why. */
  close(reason: string): void {
    if (this.#closing && this.#socket.destroyed) return
    this.#closing = true
    this.#queue.length = 0
    this.#options.logger.warn(`Closing connection ${this.remote}: ${reason}`)
    this.#abort.abort()
    this.#socket.destroy()
  }

  /** Destroys the socket without logging (idle timeout, server stop). */
  destroy(): void {
    this.#closing = true
    this.#abort.abort()
    this.#socket.destroy()
  }
}
