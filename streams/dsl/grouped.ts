/**
 * `Grouped`: serdes and name of a grouping (Kafka Streams' `Grouped`). The name, when given,
 * names the key-selecting node of `groupBy` and the repartition topic (`<name>-repartition`),
 * keeping them stable. Immutable.
 *
 * ```ts
 * words.groupBy((_key, word) => word, Grouped.with(serdes.string(), serdes.string()).withName('by-word'))
 * ```
 */
import type { Serde } from '../../serdes/index.ts'
import { validateName } from './named.ts'

interface GroupedFields<K, V> {
  readonly name: string | null
  readonly keySerde: Serde<K> | null
  readonly valueSerde: Serde<V> | null
}

export class Grouped<K = any, V = any> implements GroupedFields<K, V> {
  readonly name: string | null
  readonly keySerde: Serde<K> | null
  readonly valueSerde: Serde<V> | null

  private constructor(fields: GroupedFields<K, V>) {
    this.name = fields.name
    this.keySerde = fields.keySerde
    this.valueSerde = fields.valueSerde
  }

  static with<K, V>(keySerde: Serde<K> | null, valueSerde: Serde<V> | null): Grouped<K, V> {
    return new Grouped({ name: null, keySerde, valueSerde })
  }

  static as<K = any, V = any>(name: string): Grouped<K, V> {
    return new Grouped<K, V>({ name: validateName(name, 'grouping'), keySerde: null, valueSerde: null })
  }

  withName(name: string): Grouped<K, V> {
    return new Grouped({ name: validateName(name, 'grouping'), keySerde: this.keySerde, valueSerde: this.valueSerde })
  }

  withKeySerde<KR>(keySerde: Serde<KR>): Grouped<KR, V> {
    return new Grouped<KR, V>({ name: this.name, keySerde, valueSerde: this.valueSerde })
  }

  withValueSerde<VR>(valueSerde: Serde<VR>): Grouped<K, VR> {
    return new Grouped<K, VR>({ name: this.name, keySerde: this.keySerde, valueSerde })
  }
}
