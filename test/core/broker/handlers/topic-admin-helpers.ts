/**
 * Shared set-up for the topic administration handler tests: a Broker on a temporary directory
 * (closed, then removed, after each test; reopenable on the same directory to test restarts),
 * and `call`, which sends a request through the wire codecs at one version, as the TCP server
 * would: the request is encoded and decoded at that version, and so is the handler's response.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach } from 'vitest'
import { Broker } from '../../../../core/broker/broker.ts'
import type { ApiDescriptor, RequestOf, ResponseOf } from '../../../../core/protocol/api-descriptor.ts'
import { CreateTopics, type CreateTopicsResponse } from '../../../../core/protocol/apis/create-topics.ts'
import { decodeMessage, encodeMessage } from '../../../../core/protocol/schema-codec.ts'

const opened: Broker[] = []
const dirs: string[] = []

afterEach(async () => {
  for (const broker of opened.splice(0).reverse()) await broker.close()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A broker with one offsets partition and no background timers; `config` adds broker keys. */
export async function openBroker(config: Record<string, unknown> = {}, dataDir?: string): Promise<Broker> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'creek-topic-admin-'))
  if (dataDir === undefined) dirs.push(dir)
  const broker = await Broker.open({ dataDir: dir, config: { 'offsets.topic.num.partitions': 1, ...config }, background: false })
  opened.push(broker)
  return broker
}

/** Closes `broker` and opens a new one on its data directory (with `config`). */
export async function restart(broker: Broker, config: Record<string, unknown> = {}): Promise<Broker> {
  await broker.close()
  return openBroker(config, broker.logs.dataDir)
}

/** Handles `request` at `version` as sent over the wire: both directions go through the codecs. */
export async function call<A extends ApiDescriptor>(broker: Broker, api: A, version: number, request: RequestOf<A>): Promise<ResponseOf<A>> {
  const decoded = decodeMessage(api.request, version, encodeMessage(api.request, version, request as never)) as RequestOf<A>
  const response = await broker.handle(api, decoded, { apiVersion: version, clientId: 'test', clientHost: 'test' })
  return decodeMessage(api.response, version, encodeMessage(api.response, version, response as never)) as ResponseOf<A>
}

export interface NewTopic {
  readonly numPartitions?: number
  readonly replicationFactor?: number
  readonly assignments?: { partitionIndex: number; brokerIds: number[] }[]
  readonly configs?: Record<string, string | null>
}

/** CreateTopics for one topic at `version` (default the newest); returns that topic's result. */
export async function createTopic(
  broker: Broker, name: string, topic: NewTopic = {}, options: { version?: number; validateOnly?: boolean } = {},
): Promise<CreateTopicsResponse['topics'][number]> {
  const response = await call(broker, CreateTopics, options.version ?? 7, {
    topics: [{
      name,
      numPartitions: topic.numPartitions ?? -1,
      replicationFactor: topic.replicationFactor ?? -1,
      assignments: topic.assignments ?? [],
      configs: Object.entries(topic.configs ?? {}).map(([key, value]) => ({ name: key, value })),
    }],
    timeoutMs: 5000,
    validateOnly: options.validateOnly ?? false,
  })
  return response.topics[0]
}
