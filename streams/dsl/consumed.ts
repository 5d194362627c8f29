/**
 * `Consumed`: how a source reads its topic (Kafka Streams' `Consumed`): serdes, timestamp
 * extractor, offset reset policy, and the source node's name. Immutable: every `with…` returns
 * a new object.
 *
 * ```ts
 * builder.stream('payments', Consumed.with(serdes.string(), paymentSerde).withTimestampExtractor(byEventTime))
 * ```
 */
import type { Serde } from '../../serdes/index.ts'
import type { AutoOffsetReset, TimestampExtractor } from '../topology/node-options.ts'
import { validateName } from './named.ts'

interface ConsumedFields<K, V> {
  readonly keySerde: Serde<K> | null
  readonly valueSerde: Serde<V> | null
  readonly timestampExtractor: TimestampExtractor | null
  readonly offsetResetPolicy: AutoOffsetReset | null
  readonly processorName: string | null
}

// Type parameters default to `any` so that `Consumed.as('x')` fits any stream type.
export class Consumed<K = any, V = any> implements ConsumedFields<K, V> {
  readonly keySerde: Serde<K> | null
  readonly valueSerde: Serde<V> | null
  readonly timestampExtractor: TimestampExtractor | null
  readonly offsetResetPolicy: AutoOffsetReset | null
  readonly processorName: string | null

  private constructor(fields: ConsumedFields<K, V>) {
    this.keySerde = fields.keySerde
    this.valueSerde = fields.valueSerde
    this.timestampExtractor = fields.timestampExtractor
    this.offsetResetPolicy = fields.offsetResetPolicy
    this.processorName = fields.processorName
  }

  static with<K, V>(keySerde: Serde<K> | null, valueSerde: Serde<V> | null): Consumed<K, V> {
    return new Consumed({ keySerde, valueSerde, timestampExtractor: null, offsetResetPolicy: null, processorName: null })
  }

  /** Names the source node (a table's source processor is `<name>-table-source`). */
  static as<K = any, V = any>(processorName: string): Consumed<K, V> {
    return new Consumed<K, V>({ keySerde: null, valueSerde: null, timestampExtractor: null, offsetResetPolicy: null, processorName: validateName(processorName, 'source') })
  }

  withKeySerde<KR>(keySerde: Serde<KR>): Consumed<KR, V> {
    return new Consumed<KR, V>({ ...this.#fields(), keySerde })
  }

  withValueSerde<VR>(valueSerde: Serde<VR>): Consumed<K, VR> {
    return new Consumed<K, VR>({ ...this.#fields(), valueSerde })
  }

  withTimestampExtractor(timestampExtractor: TimestampExtractor): Consumed<K, V> {
    return new Consumed({ ...this.#fields(), timestampExtractor })
  }

  withOffsetResetPolicy(offsetResetPolicy: AutoOffsetReset): Consumed<K, V> {
    return new Consumed({ ...this.#fields(), offsetResetPolicy })
  }

  withName(processorName: string): Consumed<K, V> {
    return new Consumed({ ...this.#fields(), processorName: validateName(processorName, 'source') })
  }

  #fields(): ConsumedFields<K, V> {
    return {
      keySerde: this.keySerde, valueSerde: this.valueSerde, timestampExtractor: this.timestampExtractor,
      offsetResetPolicy: this.offsetResetPolicy, processorName: this.processorName,
    }
  }
}
