/**
 * Partition time in committed offset metadata (Kafka Streams' `TopicPartitionMetadata`): a
 * task commits, with each input partition's offset, the partition's time (largest timestamp
 * seen), so that after a restart or a move to another instance stream time starts where it
 * was instead of at −1 (windows stay closed, punctuation stays aligned).
 *
 * Format (Kafka's version 1, which Kafka Streams 2.x and later read): base64 of one version
 * byte (1) followed by the time as a signed 64-bit big-endian integer. Version 2 (Kafka 3.3+)
 * appends processor metadata after the time; its time is read the same way and the rest is
 * ignored.
 */

const VERSION_1 = 1
const VERSION_2 = 2

export function encodePartitionTime(time: number): string {
  const bytes = Buffer.alloc(9)
  bytes.writeInt8(VERSION_1, 0)
  bytes.writeBigInt64BE(BigInt(time), 1)
  return bytes.toString('base64')
}

/** The partition time in `metadata`; null when there is none or it is not in a known format. */
export function decodePartitionTime(metadata: string | null | undefined): number | null {
  if (metadata === null || metadata === undefined || metadata === '') return null
  const bytes = Buffer.from(metadata, 'base64')
  if (bytes.length < 9) return null
  const version = bytes.readInt8(0)
  if (version !== VERSION_1 && version !== VERSION_2) return null
  const time = Number(bytes.readBigInt64BE(1))
  return Number.isSafeInteger(time) ? time : null
}
