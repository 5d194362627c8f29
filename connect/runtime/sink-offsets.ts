/**
 * The offsets of a sink connector as KIP-875 shows them: those of its consumer group
 * `connect-<name>`, each `{partition: {kafka_topic, kafka_partition}, offset: {kafka_offset}}`.
 * Altering and resetting go through the group (which must be empty: the connector STOPPED).
 */
import { type Creek, ErrorCode, KafkaApiError } from '../../core/index.ts'
import { ConnectError } from '../errors.ts'
import type { ConnectorOffset, ConnectorOffsets } from './herder.ts'

export const sinkGroupId = (connector: string): string => `connect-${connector}`

export async function sinkOffsets(creek: Creek, connector: string): Promise<ConnectorOffsets> {
  const admin = creek.admin()
  try {
    const offsets = await admin.listGroupOffsets(sinkGroupId(connector))
    return {
      offsets: offsets
        .filter((o) => o.committedOffset >= 0)
        .map((o) => ({ partition: { kafka_topic: o.topic, kafka_partition: o.partition }, offset: { kafka_offset: o.committedOffset } })),
    }
  } catch (error) {
    if (error instanceof KafkaApiError && error.errorCode === ErrorCode.GROUP_ID_NOT_FOUND) return { offsets: [] }
    throw error
  } finally {
    await admin.close()
  }
}

function sinkPartition(entry: ConnectorOffset, connector: string): { topic: string; partition: number; offset: number } {
  const { kafka_topic: topic, kafka_partition: partition } = entry.partition ?? {}
  if (typeof topic !== 'string' || typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0) {
    throw new ConnectError('CONNECT_INVALID_CONFIG', `Offsets of sink connector ${connector} need partitions {"kafka_topic": string, "kafka_partition": integer ≥ 0}; got ${JSON.stringify(entry.partition)}`)
  }
  const offset = entry.offset?.kafka_offset
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw new ConnectError('CONNECT_INVALID_CONFIG', `Offset of ${topic}-${partition} for sink connector ${connector} must be {"kafka_offset": integer ≥ 0} (removing one partition's offset is not supported; DELETE resets all); got ${JSON.stringify(entry.offset)}`)
  }
  return { topic, partition, offset }
}

/** Sets committed offsets of the sink's group (empty, as the connector is STOPPED). */
export async function alterSinkOffsets(creek: Creek, connector: string, offsets: readonly ConnectorOffset[]): Promise<void> {
  const parsed = offsets.map((o) => sinkPartition(o, connector))
  const admin = creek.admin()
  try {
    for (const { topic, partition, offset } of parsed) {
      await admin.resetGroupOffsets(sinkGroupId(connector), topic, { to: { offset }, partitions: [partition] })
    }
  } finally {
    await admin.close()
  }
}

/** Removes the sink's group with its offsets (nothing to remove is fine). */
export async function resetSinkOffsets(creek: Creek, connector: string): Promise<void> {
  const admin = creek.admin()
  try {
    await admin.deleteGroups([sinkGroupId(connector)])
  } catch (error) {
    if (!(error instanceof KafkaApiError && error.errorCode === ErrorCode.GROUP_ID_NOT_FOUND)) throw error
  } finally {
    await admin.close()
  }
}
