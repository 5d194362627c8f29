import { afterEach } from 'vitest'
import { Broker } from '../../core/broker/broker.ts'
import { InProcessTransport } from '../../core/client/in-process-transport.ts'
import type { SendOptions, Transport } from '../../core/client/transport.ts'
import type { ApiDescriptor, RequestOf, ResponseOf } from '../../core/protocol/api-descriptor.ts'
import { type DecodedRecord, type DecodedRecordBatch, decodeRecordBatches } from '../../core/protocol/record-batch.ts'
import { tempDir } from './temp-dir.ts'

/** An embedded broker in a fresh directory with an in-process transport; both closed after the test. */
export async function openBroker(config: Record<string, unknown> = {}): Promise<{ broker: Broker; transport: InProcessTransport }> {
  const broker = await Broker.open({
    dataDir: tempDir(),
    background: false,
    config: { 'offsets.topic.num.partitions': 2, ...config },
  })
  const transport = new InProcessTransport(broker)
  afterEach(async () => {
    await transport.close()
    await broker.close()
  })
  return { broker, transport }
}

/** Every batch of a partition's log, decoded. */
export async function readBatches(broker: Broker, topic: string, partition: number): Promise<DecodedRecordBatch[]> {
  const log = broker.logs.log(topic, partition)
  if (log === undefined) return []
  const batches: DecodedRecordBatch[] = []
  let offset = log.logStartOffset
  while (offset < log.logEndOffset) {
    const read = log.read(offset, 1 << 20, { maxOffset: log.logEndOffset })
    const decoded = await decodeRecordBatches(read.records)
    if (decoded.length === 0) break
    batches.push(...decoded)
    offset = decoded[decoded.length - 1].lastOffset + 1
  }
  return batches
}

/** Every record of a partition's log, in offset order. */
export async function readRecords(broker: Broker, topic: string, partition: number): Promise<DecodedRecord[]> {
  return (await readBatches(broker, topic, partition)).flatMap((batch) => batch.records)
}

export type Interceptor = <A extends ApiDescriptor>(
  api: A, request: RequestOf<A>, next: () => Promise<ResponseOf<A>>, options: SendOptions,
) => Promise<ResponseOf<A>>

/** A transport that lets a test see, delay, alter or fail requests on their way to another one. */
export class InterceptingTransport implements Transport {
  readonly sent: { api: string; request: unknown; options: SendOptions }[] = []
  intercept: Interceptor | null = null

  constructor(readonly inner: Transport) {}

  send<A extends ApiDescriptor>(api: A, request: RequestOf<A>, options: SendOptions = {}): Promise<ResponseOf<A>> {
    this.sent.push({ api: api.name, request, options })
    const next = (): Promise<ResponseOf<A>> => this.inner.send(api, request, options)
    return this.intercept === null ? next() : this.intercept(api, request, next, options)
  }

  version(api: ApiDescriptor, nodeId?: number): number {
    return this.inner.version(api, nodeId)
  }

  close(): Promise<void> {
    return this.inner.close()
  }

  /** Requests of one API seen so far. */
  requests(apiName: string): unknown[] {
    return this.sent.filter((s) => s.api === apiName).map((s) => s.request)
  }
}

/** A promise and its resolver, for gates in tests. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}
