/**
 * The consumer protocol: the bytes consumers of a group whose protocolType is "consumer" put in
 * JoinGroup `protocols[].metadata` (a subscription) and SyncGroup `assignments[].assignment`
 * (an assignment). The broker relays them unread; consumers read each other's, so Creek's must
 * be byte-compatible with Java's, librdkafka's and kafkajs' (Kafka's ConsumerProtocol).
 *
 * Layout: INT16 version, then the message at that version. Both messages are Kafka "data"
 * messages with `flexibleVersions: none`, so every version (v3 included) uses the classic
 * encoding: INT16-length strings, INT32-length arrays and bytes, no tag buffers.
 *
 * Versions: the subscription's v1 adds ownedPartitions, v2 generationId, v3 rackId; the
 * assignment's layout is the same in v0–3 (its version follows the subscription's).
 *
 * Compatibility, as Kafka's ConsumerProtocol reads them: newer versions only append fields, so
 * a version above the highest known one is read as the highest, and bytes after the fields read
 * are ignored. A negative version is an error (CORE_PROTOCOL). kafkajs writes v0 and reads only
 * the v0 fields of any version, which this rule makes safe.
 */
import { CoreError } from '../errors.ts'
import { Reader } from './reader.ts'
import { type MessageType, message, t } from './schema.ts'
import { compileCodec } from './schema-codec.ts'
import { Writer } from './writer.ts'

/** The protocolType of consumer groups in JoinGroup. */
export const CONSUMER_PROTOCOL_TYPE = 'consumer'

/** The highest consumer-protocol version Creek knows, and the one it writes by default (as Java does). */
export const CONSUMER_PROTOCOL_VERSION = 3

export const ConsumerProtocolSubscriptionSchema = message({
  name: 'ConsumerProtocolSubscription',
  type: 'data',
  validVersions: '0-3',
  flexibleVersions: 'none',
  fields: {
    topics: { type: t.array(t.string), versions: '0+' },
    userData: { type: t.bytes, versions: '0+', nullableVersions: '0+', default: null },
    /** What the member owns now, for cooperative and sticky assignors. */
    ownedPartitions: {
      type: t.array(t.struct('TopicPartition', {
        topic: { type: t.string, versions: '1+' },
        partitions: { type: t.array(t.int32), versions: '1+' },
      })),
      versions: '1+', ignorable: true,
    },
    /** The generation in which ownedPartitions were assigned (-1: unknown). */
    generationId: { type: t.int32, versions: '2+', default: -1, ignorable: true },
    rackId: { type: t.string, versions: '3+', nullableVersions: '3+', default: null, ignorable: true },
  },
})

export const ConsumerProtocolAssignmentSchema = message({
  name: 'ConsumerProtocolAssignment',
  type: 'data',
  validVersions: '0-3',
  flexibleVersions: 'none',
  fields: {
    assignedPartitions: {
      type: t.array(t.struct('TopicPartition', {
        topic: { type: t.string, versions: '0+' },
        partitions: { type: t.array(t.int32), versions: '0+' },
      })),
      versions: '0+',
    },
    userData: { type: t.bytes, versions: '0+', nullableVersions: '0+', default: null },
  },
})

export type ConsumerProtocolSubscription = MessageType<typeof ConsumerProtocolSubscriptionSchema>
export type ConsumerProtocolAssignment = MessageType<typeof ConsumerProtocolAssignmentSchema>

/** A decoded subscription with the version it was written at. */
export type DecodedConsumerSubscription = ConsumerProtocolSubscription & { readonly version: number }
/** A decoded assignment with the version it was written at. */
export type DecodedConsumerAssignment = ConsumerProtocolAssignment & { readonly version: number }

/** What encoding a subscription needs; the other fields default (userData null, generationId -1…). */
export type ConsumerSubscriptionInput = Pick<ConsumerProtocolSubscription, 'topics'> & Partial<ConsumerProtocolSubscription>
/** What encoding an assignment needs; userData defaults to null. */
export type ConsumerAssignmentInput = Pick<ConsumerProtocolAssignment, 'assignedPartitions'> & Partial<ConsumerProtocolAssignment>

/** A subscription as JoinGroup protocol metadata; fields the version lacks are left out. */
export function encodeConsumerSubscription(subscription: ConsumerSubscriptionInput, version: number = CONSUMER_PROTOCOL_VERSION): Buffer {
  return encodeVersioned(ConsumerProtocolSubscriptionSchema, version, subscription as ConsumerProtocolSubscription)
}

/** Reads JoinGroup protocol metadata of a "consumer" group; throws CORE_PROTOCOL when it is not one. */
export function decodeConsumerSubscription(metadata: Buffer): DecodedConsumerSubscription {
  return decodeVersioned(ConsumerProtocolSubscriptionSchema, metadata)
}

/** An assignment as SyncGroup assignment bytes. */
export function encodeConsumerAssignment(assignment: ConsumerAssignmentInput, version: number = CONSUMER_PROTOCOL_VERSION): Buffer {
  return encodeVersioned(ConsumerProtocolAssignmentSchema, version, assignment as ConsumerProtocolAssignment)
}

/**
 * Reads SyncGroup assignment bytes. An empty buffer, which the coordinator hands a member the
 * leader assigned nothing (and which librdkafka and kafkajs read the same way), is a v0 assignment
 * without partitions. Anything else unreadable throws CORE_PROTOCOL.
 */
export function decodeConsumerAssignment(assignment: Buffer): DecodedConsumerAssignment {
  if (assignment.length === 0) return { version: 0, assignedPartitions: [], userData: null }
  return decodeVersioned(ConsumerProtocolAssignmentSchema, assignment)
}

function encodeVersioned<S extends typeof ConsumerProtocolSubscriptionSchema | typeof ConsumerProtocolAssignmentSchema>(
  schema: S, version: number, value: MessageType<S>,
): Buffer {
  const writer = new Writer().int16(version)
  compileCodec(schema).forVersion(version).encode(value, writer)
  return writer.finish()
}

function decodeVersioned<S extends typeof ConsumerProtocolSubscriptionSchema | typeof ConsumerProtocolAssignmentSchema>(
  schema: S, bytes: Buffer,
): MessageType<S> & { version: number } {
  const reader = new Reader(bytes)
  let version: number
  try {
    version = reader.int16()
  } catch (error) {
    throw new CoreError('CORE_PROTOCOL', `Cannot decode ${schema.name}: ${bytes.length} bytes hold no version`, { cause: error })
  }
  if (version < 0) throw new CoreError('CORE_PROTOCOL', `Cannot decode ${schema.name}: version ${version} is negative`)
  const value = compileCodec(schema).forVersion(Math.min(version, CONSUMER_PROTOCOL_VERSION)).decode(reader)
  return { version, ...value }
}
