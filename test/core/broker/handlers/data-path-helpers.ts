/**
 * Shared set-up for the data-path handler tests: a Broker on a temporary directory (closed, then
 * removed, after each test), request builders and a decoder for fetched records.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach } from 'vitest'
import { Broker } from '../../../../core/broker/broker.ts'
import type { RequestContext } from '../../../../core/broker/handler.ts'
import { Fetch, type FetchRequest, FetchRequestSchema } from '../../../../core/protocol/apis/fetch.ts'
import { Produce, type ProduceResponse } from '../../../../core/protocol/apis/produce.ts'
import { decodeRecordBatches } from '../../../../core/protocol/record-batch.ts'
import { createDefault } from '../../../../core/protocol/schema.ts'

const opened: { broker: Broker; dir: string }[] = []

afterEach(async () => {
  for (const { broker, dir } of opened.splice(0).reverse()) {
    await broker.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

/** A broker with one offsets partition and no background timers; `config` adds broker keys. */
export async function openBroker(config: Record<string, unknown> = {}, clock?: () => number): Promise<Broker> {
  const dir = mkdtempSync(join(tmpdir(), 'creek-data-path-'))
  const broker = await Broker.open({ dataDir: dir, config: { 'offsets.topic.num.partitions': 1, ...config }, background: false, clock })
  opened.push({ broker, dir })
  return broker
}

export const ctx = (apiVersion: number, signal?: AbortSignal): RequestContext => ({
  apiVersion, clientId: 'test', clientHost: 'in-process', signal,
})

/** Produces one batch to one partition; returns that partition's response. */
export async function produce(
  broker: Broker, topic: string, partition: number, records: Buffer | null, options: { acks?: number; version?: number } = {},
): Promise<ProduceResponse['responses'][number]['partitionResponses'][number]> {
  const response = await broker.handle(Produce, {
    transactionalId: null,
    acks: options.acks ?? -1,
    timeoutMs: 30_000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  }, ctx(options.version ?? 9))
  return response.responses[0].partitionResponses[0]
}

export interface FetchTarget {
  readonly topic: string
  readonly partition: number
  readonly fetchOffset: number
  readonly partitionMaxBytes?: number
}

/** A fetch request for `targets` (grouped by topic, in order) that does not wait unless told to. */
export function fetchRequest(targets: readonly FetchTarget[], overrides: Partial<FetchRequest> = {}): FetchRequest {
  const partitionDefaults = createDefault(FetchRequestSchema.fields.topics.type.items.fields.partitions.type.items)
  const topics: FetchRequest['topics'] = []
  for (const target of targets) {
    let topic = topics.find((t) => t.topic === target.topic)
    if (!topic) topics.push((topic = { topic: target.topic, topicId: '00000000-0000-0000-0000-000000000000', partitions: [] }))
    topic.partitions.push({
      ...partitionDefaults, partition: target.partition, fetchOffset: target.fetchOffset, partitionMaxBytes: target.partitionMaxBytes ?? 1_048_576,
    })
  }
  return { ...createDefault(FetchRequestSchema), maxWaitMs: 0, minBytes: 0, maxBytes: 52_428_800, topics, ...overrides }
}

/** Fetches once at `version` (12 unless told). */
export function fetch(broker: Broker, request: FetchRequest, version = 12, signal?: AbortSignal) {
  return broker.handle(Fetch, request, ctx(version, signal))
}

/** The records of fetched bytes as `[offset, key, value]`, keys and values as UTF-8. */
export async function recordsOf(records: Buffer | null): Promise<[number, string | null, string | null][]> {
  const batches = await decodeRecordBatches(records ?? Buffer.alloc(0))
  return batches.flatMap((batch) => batch.records.map((r) => [r.offset, r.key?.toString() ?? null, r.value?.toString() ?? null] as [number, string | null, string | null]))
}
