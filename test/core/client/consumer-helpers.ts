/**
 * Helpers of the consumer tests: an embedded broker with test-friendly group settings, records
 * produced through the Produce API (so long-polling fetches wake up), and waiting for conditions.
 */
import { Broker } from '../../../core/broker/broker.ts'
import { Consumer, type ConsumerClientOptions } from '../../../core/client/consumer.ts'
import { InProcessTransport } from '../../../core/client/in-process-transport.ts'
import { Produce } from '../../../core/protocol/apis/produce.ts'
import { ErrorCode } from '../../../core/protocol/error-codes.ts'
import { encodeRecordBatchSync } from '../../../core/protocol/record-batch.ts'
import { tempDir } from '../../helpers/temp-dir.ts'

export const GROUP_TEST_CONFIG = {
  'offsets.topic.num.partitions': 2,
  'group.initial.rebalance.delay.ms': 0,
  'group.min.session.timeout.ms': 100,
}

export async function openBroker(dataDir: string = tempDir('creek-consumer-')): Promise<Broker> {
  return Broker.open({ dataDir, background: false, config: GROUP_TEST_CONFIG })
}

/** Settings that make groups converge quickly in tests. */
export const FAST_GROUP = {
  sessionTimeoutMs: 1000,
  heartbeatIntervalMs: 50,
  rebalanceTimeoutMs: 5000,
  fetchMaxWaitMs: 50,
  retryBackoffMs: 20,
  retryBackoffMaxMs: 200,
} as const

export function consumerOf<K = Buffer | null, V = Buffer | null>(broker: Broker, options: ConsumerClientOptions<K, V> = {}): Consumer<K, V> {
  return new Consumer<K, V>(new InProcessTransport(broker), { ...FAST_GROUP, ...options })
}

export interface TestRecord {
  readonly key?: string | null
  readonly value: string | null
  readonly headers?: Record<string, string>
}

/** Appends one batch through the Produce API; resolves the base offset. */
export async function produce(broker: Broker, topic: string, partition: number, records: readonly (TestRecord | string)[]): Promise<number> {
  const transport = new InProcessTransport(broker)
  const batch = encodeRecordBatchSync({
    records: records.map((r) => {
      const record = typeof r === 'string' ? { value: r } : r
      return {
        key: record.key == null ? null : Buffer.from(record.key),
        value: record.value === null ? null : Buffer.from(record.value),
        headers: Object.entries(record.headers ?? {}).map(([key, value]) => ({ key, value: Buffer.from(value) })),
      }
    }),
  })
  const response = await transport.send(Produce, {
    transactionalId: null, acks: -1, timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }],
  })
  const result = response!.responses[0].partitionResponses[0]
  if (result.errorCode !== ErrorCode.NONE) throw new Error(`produce to ${topic}-${partition} failed with ${result.errorCode}`)
  return result.baseOffset
}

/** `count` values `${prefix}-${i}` spread over the partitions round-robin, one batch per partition. */
export async function produceSpread(broker: Broker, topic: string, partitions: number, count: number, prefix = 'v'): Promise<string[]> {
  const byPartition: string[][] = Array.from({ length: partitions }, () => [])
  const values: string[] = []
  for (let i = 0; i < count; i++) {
    const value = `${prefix}-${i}`
    byPartition[i % partitions].push(value)
    values.push(value)
  }
  for (let p = 0; p < partitions; p++) if (byPartition[p].length > 0) await produce(broker, topic, p, byPartition[p])
  return values
}

/** Polls `condition` every 10 ms until it holds or `timeoutMs` passes (then throws with `what`). */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

export const text = (b: Buffer | null): string | null => (b === null ? null : b.toString())
