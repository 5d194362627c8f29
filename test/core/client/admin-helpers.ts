import { afterEach } from 'vitest'
import { Produce } from '../../../core/protocol/apis/produce.ts'
import { OffsetCommit } from '../../../core/protocol/apis/offset-commit.ts'
import { ErrorCode } from '../../../core/protocol/error-codes.ts'
import { InProcessTransport } from '../../../core/client/in-process-transport.ts'
import { Creek } from '../../../core/creek.ts'
import { batchOf, type TestRecord } from '../../helpers/batches.ts'
import { tempDir } from '../../helpers/temp-dir.ts'

/** The broker config of the admin tests: two offsets partitions, no initial rebalance delay. */
export const TEST_CONFIG = { 'offsets.topic.num.partitions': 2, 'group.initial.rebalance.delay.ms': 0 }

/** A Creek on a fresh temporary directory, closed after the test. */
export async function openCreek(): Promise<Creek> {
  const creek = await Creek.open({ dataDir: tempDir('creek-admin-'), config: TEST_CONFIG })
  afterEach(() => creek.close())
  return creek
}

/** Appends records to one partition through the Produce API; resolves the base offset. */
export async function produce(creek: Creek, topic: string, partition: number, records: readonly TestRecord[]): Promise<number> {
  const transport = new InProcessTransport(creek.broker, { clientId: 'test-produce' })
  const response = await transport.send(Produce, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records: batchOf(records, Date.now()) }] }],
  })
  const result = response.responses[0].partitionResponses[0]
  if (result.errorCode !== ErrorCode.NONE) throw new Error(`produce to ${topic}-${partition} failed with ${result.errorCode}`)
  return result.baseOffset
}

/** Commits offsets for a group as a client outside it would (generation −1). */
export async function commit(creek: Creek, groupId: string, topic: string, offsets: Record<number, number>): Promise<void> {
  const transport = new InProcessTransport(creek.broker, { clientId: 'test-commit' })
  const response = await transport.send(OffsetCommit, {
    groupId,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1,
    topics: [{
      name: topic,
      partitions: Object.entries(offsets).map(([partition, offset]) => ({
        partitionIndex: Number(partition), committedOffset: offset, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: 'test',
      })),
    }],
  })
  for (const p of response.topics.flatMap((t) => t.partitions)) {
    if (p.errorCode !== ErrorCode.NONE) throw new Error(`commit of ${topic}-${p.partitionIndex} failed with ${p.errorCode}`)
  }
}
