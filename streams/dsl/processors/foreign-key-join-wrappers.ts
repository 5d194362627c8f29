/**
 * The records and keys of a foreign-key join (KIP-213; Kafka Streams' `SubscriptionWrapper`,
 * `SubscriptionResponseWrapper`, `CombinedKey`, `CombinedKeySchema`), and their serdes. The
 * formats are Creek's own (the topics and the store are internal to the join), versioned by
 * their first byte.
 *
 * - Subscription (primary table → `<name>-subscription-registration-topic`, keyed by foreign
 *   key; also the value of the subscription store): version 1, flags (bit 0: a hash follows),
 *   instruction, the 16-byte hash of the primary row's serialized value, the primary record's
 *   partition (int32), then the primary key's bytes.
 * - Response (→ `<name>-subscription-response-topic`, keyed by primary key): version 1, flags
 *   (bit 0: hash, bit 1: a foreign value follows), the hash, the primary partition (int32),
 *   then the foreign value's bytes.
 * - Subscription store key: the foreign key's length (int32), its bytes, then the primary
 *   key's bytes, so a prefix scan with a foreign key finds all its subscribers.
 *
 * Serdes may be left to the application's defaults: processors resolve them at `init`
 * (`resolveDefault`). They must be synchronous (hashes and store keys are computed inline).
 */
import { createHash } from 'node:crypto'
import type { Serde } from '../../../serdes/index.ts'
import { StreamsError } from '../../errors.ts'

/** What the subscription join does with a subscription (Kafka's `SubscriptionWrapper.Instruction`). */
export const Instruction = {
  /** Unsubscribe; send nothing. */
  DELETE_KEY_NO_PROPAGATE: 0,
  /** Unsubscribe; send (pk, null). */
  DELETE_KEY_AND_PROPAGATE: 1,
  /** Subscribe; send (pk, foreign value), or (pk, null) when the foreign key has no row. */
  PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE: 2,
  /** Subscribe; send (pk, foreign value) only when the foreign key has a row. */
  PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE: 3,
} as const
export type Instruction = (typeof Instruction)[keyof typeof Instruction]

export interface SubscriptionWrapper<K> {
  /** Hash of the primary row's serialized value; null for a deleted row. */
  readonly hash: Buffer | null
  readonly instruction: Instruction
  readonly primaryKey: K
  /** The partition of the primary row (where the response goes back to). */
  readonly primaryPartition: number
}

export interface SubscriptionResponseWrapper<VO> {
  readonly originalValueHash: Buffer | null
  readonly foreignValue: VO | null
  readonly primaryPartition: number
}

export interface CombinedKey<KO, K> {
  readonly foreignKey: KO
  readonly primaryKey: K
}

const VERSION = 1
const HASH_BYTES = 16

function sync<T>(result: T | Promise<T>, what: string): T {
  if (result instanceof Promise) {
    result.catch(() => undefined)
    throw new StreamsError('STREAMS_INVALID_CONFIG', `A foreign-key join needs synchronous serdes, but the ${what} serde answered with a Promise`)
  }
  return result
}

/** A serde given to the DSL, or the application's default one, supplied at processor init. */
export class ResolvableSerde<T> implements Serde<T> {
  #inner: Serde<T> | null
  readonly #what: string

  constructor(inner: Serde<T> | null, what: string) {
    this.#inner = inner
    this.#what = what
  }

  resolveDefault(serde: Serde<unknown>): void {
    this.#inner ??= serde as Serde<T>
  }

  serialize(topic: string, value: T | null): Buffer | null {
    return sync(this.#serde().serialize(topic, value), this.#what)
  }

  deserialize(topic: string, data: Buffer | null): T | null {
    return sync(this.#serde().deserialize(topic, data), this.#what) as T | null
  }

  #serde(): Serde<T> {
    if (this.#inner === null) throw new StreamsError('STREAMS_ILLEGAL_STATE', `The ${this.#what} serde of a foreign-key join was used before its processor supplied the default serde`)
    return this.#inner
  }
}

/** The 128-bit hash of a serialized row value (Kafka uses Murmur3-128; any stable 128-bit hash serves). */
export function hashValue(bytes: Buffer | null): Buffer | null {
  return bytes === null ? null : createHash('md5').update(bytes).digest()
}

function checkVersion(data: Buffer, what: string, topic: string): void {
  if (data.length < 2 || data[0] !== VERSION) {
    throw new StreamsError('STREAMS_DESERIALIZATION', `Unsupported ${what} record on ${topic} (version ${data[0] ?? 'none'}, ${data.length} bytes); written by a newer Creek?`)
  }
}

export class SubscriptionWrapperSerde<K> implements Serde<SubscriptionWrapper<K>> {
  readonly primaryKeySerde: ResolvableSerde<K>

  constructor(primaryKeySerde: ResolvableSerde<K>) {
    this.primaryKeySerde = primaryKeySerde
  }

  serialize(topic: string, value: SubscriptionWrapper<K> | null): Buffer | null {
    if (value === null) return null
    const key = this.primaryKeySerde.serialize(`${topic}-pk`, value.primaryKey) ?? Buffer.alloc(0)
    const hashLength = value.hash === null ? 0 : HASH_BYTES
    const out = Buffer.allocUnsafe(3 + hashLength + 4 + key.length)
    out[0] = VERSION
    out[1] = value.hash === null ? 0 : 1
    out[2] = value.instruction
    value.hash?.copy(out, 3)
    out.writeInt32BE(value.primaryPartition, 3 + hashLength)
    key.copy(out, 7 + hashLength)
    return out
  }

  deserialize(topic: string, data: Buffer | null): SubscriptionWrapper<K> | null {
    if (data === null) return null
    checkVersion(data, 'subscription', topic)
    const hashLength = (data[1] & 1) === 0 ? 0 : HASH_BYTES
    const instruction = data[2] as Instruction
    const hash = hashLength === 0 ? null : Buffer.from(data.subarray(3, 3 + HASH_BYTES))
    const primaryPartition = data.readInt32BE(3 + hashLength)
    const primaryKey = this.primaryKeySerde.deserialize(`${topic}-pk`, data.subarray(7 + hashLength)) as K
    return { hash, instruction, primaryKey, primaryPartition }
  }
}

export class SubscriptionResponseWrapperSerde<VO> implements Serde<SubscriptionResponseWrapper<VO>> {
  readonly foreignValueSerde: ResolvableSerde<VO>

  constructor(foreignValueSerde: ResolvableSerde<VO>) {
    this.foreignValueSerde = foreignValueSerde
  }

  serialize(topic: string, value: SubscriptionResponseWrapper<VO> | null): Buffer | null {
    if (value === null) return null
    const foreign = value.foreignValue === null ? null : this.foreignValueSerde.serialize(topic, value.foreignValue)
    const hashLength = value.originalValueHash === null ? 0 : HASH_BYTES
    const out = Buffer.allocUnsafe(2 + hashLength + 4 + (foreign?.length ?? 0))
    out[0] = VERSION
    out[1] = (value.originalValueHash === null ? 0 : 1) | (foreign === null ? 0 : 2)
    value.originalValueHash?.copy(out, 2)
    out.writeInt32BE(value.primaryPartition, 2 + hashLength)
    foreign?.copy(out, 6 + hashLength)
    return out
  }

  deserialize(topic: string, data: Buffer | null): SubscriptionResponseWrapper<VO> | null {
    if (data === null) return null
    checkVersion(data, 'subscription response', topic)
    const hashLength = (data[1] & 1) === 0 ? 0 : HASH_BYTES
    const originalValueHash = hashLength === 0 ? null : Buffer.from(data.subarray(2, 2 + HASH_BYTES))
    const primaryPartition = data.readInt32BE(2 + hashLength)
    const foreignValue = (data[1] & 2) === 0 ? null : this.foreignValueSerde.deserialize(topic, data.subarray(6 + hashLength))
    return { originalValueHash, foreignValue, primaryPartition }
  }
}

/** The subscription store's key layout (see the module comment). */
export class CombinedKeySchema<KO, K> {
  readonly foreignKeySerde: ResolvableSerde<KO>
  readonly primaryKeySerde: ResolvableSerde<K>
  readonly #topic: string

  /** `topic`: the subscription topic, the name serdes are given. */
  constructor(foreignKeySerde: ResolvableSerde<KO>, primaryKeySerde: ResolvableSerde<K>, topic: string) {
    this.foreignKeySerde = foreignKeySerde
    this.primaryKeySerde = primaryKeySerde
    this.#topic = topic
  }

  toBytes(foreignKey: KO, primaryKey: K): Buffer {
    const prefix = this.prefixBytes(foreignKey)
    const key = this.primaryKeySerde.serialize(`${this.#topic}-pk`, primaryKey) ?? Buffer.alloc(0)
    return Buffer.concat([prefix, key])
  }

  prefixBytes(foreignKey: KO): Buffer {
    const fk = this.foreignKeySerde.serialize(`${this.#topic}-fk`, foreignKey) ?? Buffer.alloc(0)
    const out = Buffer.allocUnsafe(4 + fk.length)
    out.writeInt32BE(fk.length, 0)
    fk.copy(out, 4)
    return out
  }

  primaryKeyOf(bytes: Buffer): K {
    const fkLength = bytes.readInt32BE(0)
    return this.primaryKeySerde.deserialize(`${this.#topic}-pk`, bytes.subarray(4 + fkLength)) as K
  }
}
