/**
 * The subscription side of a foreign-key join (KIP-213; Kafka Streams'
 * `SubscriptionSendProcessorSupplier`, `SubscriptionReceiveProcessorSupplier`,
 * `SubscriptionJoinProcessorSupplier`, `ForeignTableJoinProcessorSupplier`).
 *
 * 1. `SubscriptionSend`, under the primary (this) table: for each change of a row, it sends
 *    subscriptions, keyed by foreign key, to the registration topic: when the foreign key
 *    changed, an unsubscribe to the old one (DELETE_KEY_NO_PROPAGATE in an inner join,
 *    DELETE_KEY_AND_PROPAGATE in a left join), then a subscribe to the new one
 *    (PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE when the row existed before, so that a former
 *    result is cleared; PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE for a new row of an inner join);
 *    a deleted row unsubscribes with DELETE_KEY_AND_PROPAGATE. Each carries the hash of the
 *    row's serialized new value and the row's partition. An inner join skips rows whose
 *    foreign key is null; a left join subscribes them under a null key (answered with null).
 * 2. `SubscriptionReceive`, in the foreign table's task: keeps the subscriptions in the
 *    subscription store (key: foreign key + primary key) and passes them on.
 * 3. `SubscriptionJoin`: answers a subscription with the foreign table's current row, per the
 *    instruction, to the response topic (keyed by primary key, to the primary partition).
 * 4. `ForeignTableJoin`, under the foreign table: on each change of a foreign row, answers
 *    every subscriber of its key (a prefix scan of the subscription store) with the new value.
 */
import type { Processor, ProcessorContext, StreamRecord } from '../../processor/api.ts'
import type { Change } from '../../processor/change.ts'
import { createRecord, withKeyValue } from '../../processor/records.ts'
import type { KeyValueStore } from '../../state/api.ts'
import type { KTableValueGetter, KTableValueGetterSupplier } from '../joins/value-getter.ts'
import { ValueAndTimestamp, type ValueAndTimestampSerde } from '../value-and-timestamp.ts'
import {
  type CombinedKey, type CombinedKeySchema, hashValue, Instruction, type ResolvableSerde, type SubscriptionResponseWrapper,
  type SubscriptionWrapper,
} from './foreign-key-join-wrappers.ts'

function isNull(value: unknown): value is null | undefined {
  return value === null || value === undefined
}

export class SubscriptionSend<K, V, KO> {
  readonly foreignKeyExtractor: (value: V, key: K) => KO | null
  readonly foreignKeySerde: ResolvableSerde<KO>
  readonly valueSerde: ResolvableSerde<V>
  /** The (relative) registration topic: serdes are called with `<topic>-fk` and `<topic>-vh`. */
  readonly topic: string
  readonly leftJoin: boolean

  constructor(
    foreignKeyExtractor: (value: V, key: K) => KO | null, foreignKeySerde: ResolvableSerde<KO>, valueSerde: ResolvableSerde<V>, topic: string, leftJoin: boolean,
  ) {
    this.foreignKeyExtractor = foreignKeyExtractor
    this.foreignKeySerde = foreignKeySerde
    this.valueSerde = valueSerde
    this.topic = topic
    this.leftJoin = leftJoin
  }

  readonly supplier = (): Processor<K, Change<V>, KO | null, SubscriptionWrapper<K>> => new SubscriptionSendProcessor(this)
}

class SubscriptionSendProcessor<K, V, KO> implements Processor<K, Change<V>, KO | null, SubscriptionWrapper<K>> {
  readonly #def: SubscriptionSend<K, V, KO>
  #context!: ProcessorContext<KO | null, SubscriptionWrapper<K>>

  constructor(def: SubscriptionSend<K, V, KO>) {
    this.#def = def
  }

  init(context: ProcessorContext<KO | null, SubscriptionWrapper<K>>): void {
    this.#context = context
    this.#def.foreignKeySerde.resolveDefault(context.keySerde())
    this.#def.valueSerde.resolveDefault(context.valueSerde())
  }

  process(record: StreamRecord<K, Change<V>>): void {
    const { key } = record
    if (isNull(key)) return
    const { newValue, oldValue } = record.value
    const def = this.#def
    const hash = newValue === null ? null : hashValue(def.valueSerde.serialize(`${def.topic}-vh`, newValue))
    const send = (foreignKey: KO | null, instruction: Instruction): void => {
      this.#context.forward(withKeyValue(record, foreignKey, { hash, instruction, primaryKey: key, primaryPartition: this.#context.taskId.partition }))
    }
    const extract = (value: V | null): KO | null => {
      if (value === null) return null
      const foreignKey = def.foreignKeyExtractor(value, key)
      return isNull(foreignKey) ? null : foreignKey
    }
    if (def.leftJoin) {
      if (oldValue !== null) {
        const oldForeignKey = extract(oldValue)
        const newForeignKey = extract(newValue)
        if (oldForeignKey !== null && !this.#sameKey(oldForeignKey, newForeignKey)) send(oldForeignKey, Instruction.DELETE_KEY_AND_PROPAGATE)
        send(newForeignKey, Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE)
      } else if (newValue !== null) {
        send(extract(newValue), Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE)
      }
      return
    }
    if (oldValue !== null) {
      const oldForeignKey = extract(oldValue)
      if (oldForeignKey === null) return
      if (newValue === null) {
        send(oldForeignKey, Instruction.DELETE_KEY_AND_PROPAGATE)
        return
      }
      const newForeignKey = extract(newValue)
      if (newForeignKey === null) return
      if (!this.#sameKey(oldForeignKey, newForeignKey)) send(oldForeignKey, Instruction.DELETE_KEY_NO_PROPAGATE)
      send(newForeignKey, Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE)
    } else if (newValue !== null) {
      const newForeignKey = extract(newValue)
      if (newForeignKey !== null) send(newForeignKey, Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE)
    }
  }

  /** Foreign keys are compared by their serialized bytes, as Kafka Streams does. */
  #sameKey(a: KO, b: KO | null): boolean {
    if (b === null) return false
    const topic = `${this.#def.topic}-fk`
    const serde = this.#def.foreignKeySerde
    const bytesA = serde.serialize(topic, a)
    const bytesB = serde.serialize(topic, b)
    return bytesA !== null && bytesB !== null && bytesA.equals(bytesB)
  }
}

/** The subscription store: combined key bytes → the latest subscription (with its time). */
export interface SubscriptionStoreRef<K> {
  readonly name: string
  readonly valueSerde: ValueAndTimestampSerde<SubscriptionWrapper<K>>
}

export class SubscriptionReceive<KO, K> {
  readonly store: SubscriptionStoreRef<K>
  readonly keySchema: CombinedKeySchema<KO, K>

  constructor(store: SubscriptionStoreRef<K>, keySchema: CombinedKeySchema<KO, K>) {
    this.store = store
    this.keySchema = keySchema
  }

  readonly supplier = (): Processor<KO | null, SubscriptionWrapper<K>, CombinedKey<KO | null, K>, SubscriptionWrapper<K>> => new SubscriptionReceiveProcessor(this)
}

class SubscriptionReceiveProcessor<KO, K> implements Processor<KO | null, SubscriptionWrapper<K>, CombinedKey<KO | null, K>, SubscriptionWrapper<K>> {
  readonly #def: SubscriptionReceive<KO, K>
  #context!: ProcessorContext<CombinedKey<KO | null, K>, SubscriptionWrapper<K>>
  #store!: KeyValueStore<Buffer, ValueAndTimestamp<SubscriptionWrapper<K>>>

  constructor(def: SubscriptionReceive<KO, K>) {
    this.#def = def
  }

  init(context: ProcessorContext<CombinedKey<KO | null, K>, SubscriptionWrapper<K>>): void {
    this.#context = context
    this.#def.keySchema.foreignKeySerde.resolveDefault(context.keySerde())
    this.#def.keySchema.primaryKeySerde.resolveDefault(context.keySerde())
    this.#store = context.getStateStore(this.#def.store.name)
  }

  process(record: StreamRecord<KO | null, SubscriptionWrapper<K>>): void {
    const { key: foreignKey, value: subscription } = record
    if (isNull(subscription)) return
    if (isNull(foreignKey)) {
      if (subscription.instruction !== Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE) return
    } else {
      const storeKey = this.#def.keySchema.toBytes(foreignKey, subscription.primaryKey)
      const unsubscribe = subscription.instruction === Instruction.DELETE_KEY_AND_PROPAGATE || subscription.instruction === Instruction.DELETE_KEY_NO_PROPAGATE
      this.#store.put(storeKey, unsubscribe ? null : ValueAndTimestamp.make(subscription, record.timestamp))
    }
    this.#context.forward(withKeyValue(record, { foreignKey: isNull(foreignKey) ? null : foreignKey, primaryKey: subscription.primaryKey }, subscription))
  }
}

export class SubscriptionJoin<KO, K, VO> {
  readonly foreignValues: KTableValueGetterSupplier<KO, VO>

  constructor(foreignValues: KTableValueGetterSupplier<KO, VO>) {
    this.foreignValues = foreignValues
  }

  readonly supplier = (): Processor<CombinedKey<KO | null, K>, SubscriptionWrapper<K>, K, SubscriptionResponseWrapper<VO>> =>
    new SubscriptionJoinProcessor(this.foreignValues.get())
}

class SubscriptionJoinProcessor<KO, K, VO> implements Processor<CombinedKey<KO | null, K>, SubscriptionWrapper<K>, K, SubscriptionResponseWrapper<VO>> {
  readonly #foreignValues: KTableValueGetter<KO, VO>
  #context!: ProcessorContext<K, SubscriptionResponseWrapper<VO>>

  constructor(foreignValues: KTableValueGetter<KO, VO>) {
    this.#foreignValues = foreignValues
  }

  init(context: ProcessorContext<K, SubscriptionResponseWrapper<VO>>): void {
    this.#context = context
    this.#foreignValues.init(context as ProcessorContext<unknown, unknown>)
  }

  process(record: StreamRecord<CombinedKey<KO | null, K>, SubscriptionWrapper<K>>): void {
    const { foreignKey, primaryKey } = record.key
    const subscription = record.value
    const foreign = foreignKey === null ? null : this.#foreignValues.get(foreignKey)
    const timestamp = foreign === null ? record.timestamp : Math.max(record.timestamp, foreign.timestamp)
    const respond = (foreignValue: VO | null): void => {
      this.#context.forward(createRecord(primaryKey, { originalValueHash: subscription.hash, foreignValue, primaryPartition: subscription.primaryPartition }, timestamp, record.headers))
    }
    switch (subscription.instruction) {
      case Instruction.DELETE_KEY_AND_PROPAGATE:
        respond(null)
        break
      case Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE:
        respond(foreign === null ? null : foreign.value)
        break
      case Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE:
        if (foreign !== null) respond(foreign.value)
        break
      case Instruction.DELETE_KEY_NO_PROPAGATE:
        break
    }
  }
}

export class ForeignTableJoin<KO, K, VO> {
  readonly store: SubscriptionStoreRef<K>
  readonly keySchema: CombinedKeySchema<KO, K>

  constructor(store: SubscriptionStoreRef<K>, keySchema: CombinedKeySchema<KO, K>) {
    this.store = store
    this.keySchema = keySchema
  }

  readonly supplier = (): Processor<KO, Change<VO>, K, SubscriptionResponseWrapper<VO>> => new ForeignTableJoinProcessor(this)
}

class ForeignTableJoinProcessor<KO, K, VO> implements Processor<KO, Change<VO>, K, SubscriptionResponseWrapper<VO>> {
  readonly #def: ForeignTableJoin<KO, K, VO>
  #context!: ProcessorContext<K, SubscriptionResponseWrapper<VO>>
  #store!: KeyValueStore<Buffer, ValueAndTimestamp<SubscriptionWrapper<K>>>

  constructor(def: ForeignTableJoin<KO, K, VO>) {
    this.#def = def
  }

  init(context: ProcessorContext<K, SubscriptionResponseWrapper<VO>>): void {
    this.#context = context
    this.#def.keySchema.foreignKeySerde.resolveDefault(context.keySerde())
    this.#def.keySchema.primaryKeySerde.resolveDefault(context.keySerde())
    this.#store = context.getStateStore(this.#def.store.name)
  }

  process(record: StreamRecord<KO, Change<VO>>): void {
    const { key } = record
    if (isNull(key)) return
    const schema = this.#def.keySchema
    const foreignValue = record.value.newValue
    for (const { key: storeKey, value } of this.#store.prefixScan(schema.prefixBytes(key))) {
      const subscription = value.value
      this.#context.forward(withKeyValue(record, schema.primaryKeyOf(storeKey), {
        originalValueHash: subscription.hash, foreignValue, primaryPartition: subscription.primaryPartition,
      }))
    }
  }
}
