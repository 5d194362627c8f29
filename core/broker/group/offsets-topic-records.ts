/**
 * The records of `__consumer_offsets`, in Kafka's layout (big-endian, non-flexible versions:
 * strings with an int16 length, -1 for null; bytes with an int32 length; arrays with an int32
 * count), so that Kafka's tools could read Creek's offsets topic and the other way round.
 *
 * Keys start with an int16 version that says what the record is:
 * - 0 or 1, OffsetCommitKey: group, topic, int32 partition. Creek writes 1.
 * - 2, GroupMetadataKey: group.
 *   (Kafka's later key versions belong to the KIP-848 consumer protocol; they are skipped.)
 *
 * Values start with their own int16 version:
 * - OffsetCommitValue v3 (written): int64 offset, int32 leaderEpoch, metadata, int64
 *   commitTimestamp. Read: v0 (offset, metadata, commitTimestamp), v1 (+ int64
 *   expireTimestamp), v2 (as v0), v3.
 * - GroupMetadataValue v3 (written): protocolType, int32 generation, nullable protocol,
 *   nullable leader, int64 currentStateTimestamp, members [memberId, nullable groupInstanceId,
 *   clientId, clientHost, int32 rebalanceTimeout, int32 sessionTimeout, bytes subscription,
 *   bytes assignment]. Read: v0–v3 (v1 adds rebalanceTimeout, v2 currentStateTimestamp, v3
 *   groupInstanceId).
 *
 * A null value (tombstone) deletes the key's offset or group; compaction keeps the latest record
 * per key, which is why every key of one group lives in the group's partition.
 */
import { CoreError } from '../../errors.ts'

export const OFFSET_COMMIT_KEY_VERSION = 1
export const GROUP_METADATA_KEY_VERSION = 2
export const OFFSET_COMMIT_VALUE_VERSION = 3
export const GROUP_METADATA_VALUE_VERSION = 3

export type OffsetsTopicKey =
  | { readonly type: 'offset'; readonly groupId: string; readonly topic: string; readonly partition: number }
  | { readonly type: 'group'; readonly groupId: string }

export interface OffsetCommitValue {
  readonly offset: number
  /** -1 when unknown. */
  readonly leaderEpoch: number
  readonly metadata: string
  readonly commitTimestamp: number
  /** Only in v1 records (per-commit retention of old clients). */
  readonly expireTimestamp?: number
}

export interface GroupMetadataMemberValue {
  readonly memberId: string
  readonly groupInstanceId: string | null
  readonly clientId: string
  readonly clientHost: string
  readonly rebalanceTimeout: number
  readonly sessionTimeout: number
  /** The member's metadata for the group's protocol. */
  readonly subscription: Buffer
  readonly assignment: Buffer
}

export interface GroupMetadataValue {
  readonly protocolType: string
  readonly generation: number
  readonly protocol: string | null
  readonly leader: string | null
  /** -1 when unknown (records before v2). */
  readonly currentStateTimestamp: number
  readonly members: readonly GroupMetadataMemberValue[]
}

export function encodeOffsetCommitKey(groupId: string, topic: string, partition: number): Buffer {
  return new Out().int16(OFFSET_COMMIT_KEY_VERSION).string(groupId).string(topic).int32(partition).done()
}

export function encodeGroupMetadataKey(groupId: string): Buffer {
  return new Out().int16(GROUP_METADATA_KEY_VERSION).string(groupId).done()
}

export function encodeOffsetCommitValue(value: OffsetCommitValue): Buffer {
  return new Out()
    .int16(OFFSET_COMMIT_VALUE_VERSION)
    .int64(value.offset)
    .int32(value.leaderEpoch)
    .string(value.metadata)
    .int64(value.commitTimestamp)
    .done()
}

export function encodeGroupMetadataValue(value: GroupMetadataValue): Buffer {
  const out = new Out()
    .int16(GROUP_METADATA_VALUE_VERSION)
    .string(value.protocolType)
    .int32(value.generation)
    .string(value.protocol)
    .string(value.leader)
    .int64(value.currentStateTimestamp)
    .int32(value.members.length)
  for (const member of value.members) {
    out
      .string(member.memberId)
      .string(member.groupInstanceId)
      .string(member.clientId)
      .string(member.clientHost)
      .int32(member.rebalanceTimeout)
      .int32(member.sessionTimeout)
      .bytes(member.subscription)
      .bytes(member.assignment)
  }
  return out.done()
}

/** The key of a record; undefined for key versions Creek does not use (KIP-848 records). */
export function decodeOffsetsTopicKey(buf: Buffer): OffsetsTopicKey | undefined {
  const input = new In(buf, 'key')
  const version = input.int16()
  if (version === 0 || version === 1) {
    const key = { type: 'offset' as const, groupId: input.requiredString(), topic: input.requiredString(), partition: input.int32() }
    input.end()
    return key
  }
  if (version === 2) {
    const key = { type: 'group' as const, groupId: input.requiredString() }
    input.end()
    return key
  }
  return undefined
}

export function decodeOffsetCommitValue(buf: Buffer): OffsetCommitValue {
  const input = new In(buf, 'offset commit value')
  const version = input.int16()
  if (version < 0 || version > 3) throw input.corrupt(`unsupported version ${version}`)
  const offset = input.int64()
  const leaderEpoch = version >= 3 ? input.int32() : -1
  const metadata = input.requiredString()
  const commitTimestamp = input.int64()
  const expireTimestamp = version === 1 ? input.int64() : undefined
  return expireTimestamp === undefined ? { offset, leaderEpoch, metadata, commitTimestamp } : { offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp }
}

export function decodeGroupMetadataValue(buf: Buffer): GroupMetadataValue {
  const input = new In(buf, 'group metadata value')
  const version = input.int16()
  if (version < 0 || version > 3) throw input.corrupt(`unsupported version ${version}`)
  const protocolType = input.requiredString()
  const generation = input.int32()
  const protocol = input.string()
  const leader = input.string()
  const currentStateTimestamp = version >= 2 ? input.int64() : -1
  const count = input.int32()
  const members: GroupMetadataMemberValue[] = []
  for (let i = 0; i < count; i++) {
    const memberId = input.requiredString()
    const groupInstanceId = version >= 3 ? input.string() : null
    const clientId = input.requiredString()
    const clientHost = input.requiredString()
    const rebalanceTimeout = version >= 1 ? input.int32() : -1
    const sessionTimeout = input.int32()
    const subscription = input.bytes()
    const assignment = input.bytes()
    members.push({
      memberId, groupInstanceId, clientId, clientHost, sessionTimeout, subscription, assignment,
      rebalanceTimeout: rebalanceTimeout < 0 ? sessionTimeout : rebalanceTimeout,
    })
  }
  return { protocolType, generation, protocol, leader, currentStateTimestamp, members }
}

/** Appends big-endian fields to a list of chunks. */
class Out {
  readonly #chunks: Buffer[] = []

  int16(value: number): this {
    const buf = Buffer.allocUnsafe(2)
    buf.writeInt16BE(value)
    this.#chunks.push(buf)
    return this
  }

  int32(value: number): this {
    const buf = Buffer.allocUnsafe(4)
    buf.writeInt32BE(value)
    this.#chunks.push(buf)
    return this
  }

  int64(value: number): this {
    const buf = Buffer.allocUnsafe(8)
    buf.writeBigInt64BE(BigInt(value))
    this.#chunks.push(buf)
    return this
  }

  string(value: string | null): this {
    if (value === null) return this.int16(-1)
    const bytes = Buffer.from(value, 'utf8')
    if (bytes.length > 0x7fff) throw new CoreError('CORE_INVALID_ARGUMENT', `String of ${bytes.length} bytes does not fit an int16 length: '${value.slice(0, 40)}…'`)
    this.int16(bytes.length)
    this.#chunks.push(bytes)
    return this
  }

  bytes(value: Buffer): this {
    this.int32(value.length)
    this.#chunks.push(value)
    return this
  }

  done(): Buffer {
    return Buffer.concat(this.#chunks)
  }
}

/** Reads big-endian fields, throwing CORE_CORRUPT_RECORD past the end. */
class In {
  readonly #buf: Buffer
  readonly #what: string
  #pos = 0

  constructor(buf: Buffer, what: string) {
    this.#buf = buf
    this.#what = what
  }

  corrupt(reason: string): CoreError {
    return new CoreError('CORE_CORRUPT_RECORD', `Cannot decode __consumer_offsets ${this.#what} (${this.#buf.length} bytes) at byte ${this.#pos}: ${reason}`)
  }

  #need(size: number): number {
    if (this.#pos + size > this.#buf.length) throw this.corrupt(`needs ${size} more bytes`)
    const at = this.#pos
    this.#pos += size
    return at
  }

  int16(): number {
    return this.#buf.readInt16BE(this.#need(2))
  }

  int32(): number {
    return this.#buf.readInt32BE(this.#need(4))
  }

  int64(): number {
    return Number(this.#buf.readBigInt64BE(this.#need(8)))
  }

  string(): string | null {
    const length = this.int16()
    if (length < 0) return null
    const at = this.#need(length)
    return this.#buf.toString('utf8', at, at + length)
  }

  requiredString(): string {
    const value = this.string()
    if (value === null) throw this.corrupt('null string in a non-nullable field')
    return value
  }

  bytes(): Buffer {
    const length = this.int32()
    if (length < 0) return Buffer.alloc(0)
    const at = this.#need(length)
    return Buffer.from(this.#buf.subarray(at, at + length))
  }

  end(): void {
    if (this.#pos !== this.#buf.length) throw this.corrupt(`${this.#buf.length - this.#pos} trailing bytes`)
  }
}
