/**
 * One TCP connection from a client to one broker, speaking Kafka's protocol.
 *
 * On connect it negotiates versions with ApiVersions (v3 first; on UNSUPPORTED_VERSION it
 * retries at the highest version the broker listed, or v0), then pipelines requests: up to
 * `maxInFlight` are on the wire at once; more wait in a FIFO. Responses come back in request
 * order on a Kafka connection, and each is matched to the oldest in-flight request and checked
 * against its correlation id.
 *
 * Bytes: a request frame is written as one vectored write whose large record batches (a
 * produce's) are not copied into it; response bytes are read straight into the buffer of the
 * frame they belong to (`FrameReceiver`), which decoded records then keep views into.
 *
 * A request that takes longer than `requestTimeoutMs`, a broken frame, or a closed socket fails
 * every in-flight and queued request with a retriable CORE_NETWORK error and closes the
 * connection (as Kafka clients do), so that the caller reconnects.
 */
import { type Socket, connect } from 'node:net'
import { CoreError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { ApiDescriptor, RequestOf, ResponseOf } from '../protocol/api-descriptor.ts'
import { ApiVersions, decodeApiVersionsResponse } from '../protocol/apis/api-versions.ts'
import { ErrorCode } from '../protocol/error-codes.ts'
import { decodeResponseHeader, encodeRequestChunks, responseHeaderVersion } from '../protocol/headers.ts'
import { Reader } from '../protocol/reader.ts'
import { compileCodec } from '../protocol/schema-codec.ts'
import { FrameReceiver } from './frame-receiver.ts'

export interface BrokerConnectionOptions {
  readonly host: string
  readonly port: number
  readonly clientId: string
  readonly requestTimeoutMs: number
  readonly connectionTimeoutMs: number
  readonly maxInFlight: number
  readonly logger: Logger
  /** Largest response frame accepted (receive.message.max.bytes); default 100 MB. */
  readonly maxResponseBytes?: number
}

interface InFlight {
  readonly api: ApiDescriptor
  readonly version: number
  readonly correlationId: number
  readonly resolve: (value: any) => void
  readonly reject: (error: Error) => void
  readonly timer: NodeJS.Timeout
}

interface Queued {
  readonly start: () => void
}

/** The version ranges a broker advertised, by API key. */
export type BrokerVersions = ReadonlyMap<number, { readonly min: number; readonly max: number }>

export class BrokerConnection {
  readonly host: string
  readonly port: number
  readonly #options: BrokerConnectionOptions
  #socket: Socket | undefined
  #versions: BrokerVersions = new Map()
  #correlationId = 0
  readonly #inFlight: InFlight[] = []
  readonly #queue: Queued[] = []
  readonly #frames: FrameReceiver
  #failure: CoreError | undefined
  #closed = false

  private constructor(options: BrokerConnectionOptions) {
    this.host = options.host
    this.port = options.port
    this.#options = options
    const max = options.maxResponseBytes ?? 100_000_000
    this.#frames = new FrameReceiver({
      maxFrameBytes: max,
      onFrame: (frame) => {
        if (!this.#failure) this.#onFrame(frame)
      },
      onOversize: (size) => this.#fail(new CoreError('CORE_PROTOCOL', `Response frame of ${size} bytes from ${this.host}:${this.port} exceeds ${max}`)),
    })
  }

  /** Connects and negotiates API versions. Rejects with CORE_NETWORK when the broker can't be reached. */
  static async open(options: BrokerConnectionOptions): Promise<BrokerConnection> {
    const connection = new BrokerConnection(options)
    await connection.#connect()
    try {
      await connection.#negotiate()
    } catch (error) {
      connection.close()
      throw error
    }
    return connection
  }

  get isOpen(): boolean {
    return !this.#closed && this.#failure === undefined
  }

  get versions(): BrokerVersions {
    return this.#versions
  }

  get inFlightCount(): number {
    return this.#inFlight.length + this.#queue.length
  }

  /** The highest version of `api` both sides support, or -1. */
  versionFor(api: ApiDescriptor): number {
    const broker = this.#versions.get(api.apiKey)
    if (!broker) return -1
    const max = Math.min(broker.max, api.advertisedVersions.max)
    const min = Math.max(broker.min, api.advertisedVersions.min)
    return max >= min ? max : -1
  }

  #connect(): Promise<void> {
    const { host, port, connectionTimeoutMs } = this.#options
    return new Promise((resolve, reject) => {
      const frames = this.#frames
      const socket = connect({
        host, port, noDelay: true,
        onread: { buffer: () => frames.nextBuffer(), callback: (n, buffer) => (frames.received(n, buffer as Buffer), true) },
      })
      const timer = setTimeout(() => {
        socket.destroy()
        reject(new CoreError('CORE_NETWORK', `Connection to ${host}:${port} timed out after ${connectionTimeoutMs} ms`))
      }, connectionTimeoutMs)
      timer.unref()
      socket.once('connect', () => {
        clearTimeout(timer)
        this.#socket = socket
        socket.on('close', () => this.#fail(new CoreError('CORE_NETWORK', `Connection to ${host}:${port} closed`)))
        socket.on('error', (error) => this.#fail(new CoreError('CORE_NETWORK', `Connection to ${host}:${port} failed: ${error.message}`, { cause: error })))
        resolve()
      })
      socket.once('error', (error) => {
        clearTimeout(timer)
        reject(new CoreError('CORE_NETWORK', `Cannot connect to ${host}:${port}: ${error.message}`, { cause: error }))
      })
    })
  }

  async #negotiate(): Promise<void> {
    const request = { clientSoftwareName: 'creek', clientSoftwareVersion: '0.1.0' }
    let version = ApiVersions.advertisedVersions.max
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await this.#send(ApiVersions, version, request)
      if (response.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
        const listed = response.apiKeys.find((k) => k.apiKey === ApiVersions.apiKey)
        version = Math.min(listed?.maxVersion ?? 0, ApiVersions.advertisedVersions.max)
        continue
      }
      if (response.errorCode !== ErrorCode.NONE) {
        throw new CoreError('CORE_PROTOCOL', `ApiVersions to ${this.host}:${this.port} failed with error ${response.errorCode}`)
      }
      this.#versions = new Map(response.apiKeys.map((k) => [k.apiKey, { min: k.minVersion, max: k.maxVersion }]))
      return
    }
    throw new CoreError('CORE_PROTOCOL', `Cannot agree on an ApiVersions version with ${this.host}:${this.port}`)
  }

  /** Sends a request at the negotiated version. */
  send<A extends ApiDescriptor>(api: A, request: RequestOf<A>, timeoutMs?: number): Promise<ResponseOf<A>> {
    const version = this.versionFor(api)
    if (version < 0) {
      return Promise.reject(
        new CoreError('CORE_PROTOCOL', `Broker ${this.host}:${this.port} does not support ${api.name} at any version Creek implements (${api.advertisedVersions.min}-${api.advertisedVersions.max})`),
      )
    }
    return this.#send(api, version, request, timeoutMs)
  }

  #send<A extends ApiDescriptor>(api: A, version: number, request: RequestOf<A>, timeoutMs?: number): Promise<ResponseOf<A>> {
    if (this.#failure) return Promise.reject(this.#failure)
    if (this.#closed) return Promise.reject(new CoreError('CORE_NETWORK', `Connection to ${this.host}:${this.port} is closed`))
    return new Promise((resolve, reject) => {
      if (this.#inFlight.length < this.#options.maxInFlight) this.#write(api, version, request, resolve, reject, timeoutMs)
      else this.#queue.push({ start: () => this.#write(api, version, request, resolve, reject, timeoutMs) })
    })
  }

  #write(api: ApiDescriptor, version: number, request: unknown, resolve: (v: any) => void, reject: (e: Error) => void, timeoutMs?: number): void {
    if (this.#failure) {
      reject(this.#failure)
      return
    }
    const correlationId = (this.#correlationId = (this.#correlationId + 1) & 0x7fffffff)
    let frame: Buffer[]
    try {
      // Record batches (a produce's) are written as they are, not copied into the frame.
      frame = encodeRequestChunks(api, version, correlationId, this.#options.clientId, request as never)
    } catch (error) {
      reject(error as Error)
      this.#startQueued()
      return
    }
    if (!api.expectsResponse(request as never)) {
      this.#writeFrame(frame, (error) => (error ? reject(error) : resolve(undefined)))
      return
    }
    const waitMs = Math.max(this.#options.requestTimeoutMs, timeoutMs ?? 0)
    const timer = setTimeout(() => {
      this.#fail(new CoreError('CORE_NETWORK', `${api.name} request to ${this.host}:${this.port} timed out after ${waitMs} ms`))
    }, waitMs)
    timer.unref()
    this.#inFlight.push({ api, version, correlationId, resolve, reject, timer })
    this.#writeFrame(frame)
  }

  /** One frame, one vectored write; `callback` once all of it is written. */
  #writeFrame(frame: readonly Buffer[], callback?: (error?: Error | null) => void): void {
    const socket = this.#socket!
    if (frame.length === 1) {
      socket.write(frame[0], callback)
      return
    }
    socket.cork()
    for (let i = 0; i < frame.length; i++) socket.write(frame[i], i === frame.length - 1 ? callback : undefined)
    socket.uncork()
  }

  #startQueued(): void {
    while (this.#queue.length > 0 && this.#inFlight.length < this.#options.maxInFlight && !this.#failure) this.#queue.shift()!.start()
  }

  #onFrame(frame: Buffer): void {
    const request = this.#inFlight.shift()
    if (!request) {
      this.#fail(new CoreError('CORE_PROTOCOL', `Unexpected response from ${this.host}:${this.port} with no request in flight`))
      return
    }
    clearTimeout(request.timer)
    try {
      const reader = new Reader(frame)
      const { correlationId } = decodeResponseHeader(reader, responseHeaderVersion(request.api.apiKey, request.version))
      if (correlationId !== request.correlationId) {
        throw new CoreError('CORE_PROTOCOL', `Correlation id ${correlationId} does not match the oldest request (${request.correlationId})`)
      }
      const body =
        request.api.apiKey === ApiVersions.apiKey
          ? decodeApiVersionsResponse(request.version, reader)
          : compileCodec(request.api.response).forVersion(request.version).decode(reader)
      request.resolve(body)
    } catch (error) {
      request.reject(error as Error)
      this.#fail(new CoreError('CORE_PROTOCOL', `Bad response from ${this.host}:${this.port}: ${(error as Error).message}`, { cause: error }))
      return
    }
    this.#startQueued()
  }

  #fail(error: CoreError): void {
    if (this.#failure) return
    this.#failure = error
    for (const request of this.#inFlight.splice(0)) {
      clearTimeout(request.timer)
      request.reject(error)
    }
    for (const queued of this.#queue.splice(0)) queued.start()
    this.#socket?.destroy()
  }

  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#fail(new CoreError('CORE_NETWORK', `Connection to ${this.host}:${this.port} closed by the client`))
  }
}
