/**
 * `Repartitioned`: how `KStream#repartition` writes its internal topic (Kafka Streams'
 * `Repartitioned`): name (topic `<name>-repartition`), serdes, partition count, partitioner.
 * Immutable.
 *
 * ```ts
 * orders.repartition(Repartitioned.as('orders-by-customer').withNumberOfPartitions(6))
 * ```
 */
import type { Serde } from '../../serdes/index.ts'
import { StreamsError } from '../errors.ts'
import type { StreamPartitioner } from '../topology/node-options.ts'
import { validateName } from './named.ts'

interface RepartitionedFields<K, V> {
  readonly name: string | null
  readonly keySerde: Serde<K> | null
  readonly valueSerde: Serde<V> | null
  readonly numberOfPartitions: number | null
  readonly partitioner: StreamPartitioner<K, V> | null
}

export class Repartitioned<K = any, V = any> implements RepartitionedFields<K, V> {
  readonly name: string | null
  readonly keySerde: Serde<K> | null
  readonly valueSerde: Serde<V> | null
  readonly numberOfPartitions: number | null
  readonly partitioner: StreamPartitioner<K, V> | null

  private constructor(fields: RepartitionedFields<K, V>) {
    this.name = fields.name
    this.keySerde = fields.keySerde
    this.valueSerde = fields.valueSerde
    this.numberOfPartitions = fields.numberOfPartitions
    this.partitioner = fields.partitioner
  }

  static as<K = any, V = any>(name: string): Repartitioned<K, V> {
    return new Repartitioned<K, V>({ name: validateName(name, 'repartition'), keySerde: null, valueSerde: null, numberOfPartitions: null, partitioner: null })
  }

  static with<K, V>(keySerde: Serde<K> | null, valueSerde: Serde<V> | null): Repartitioned<K, V> {
    return new Repartitioned({ name: null, keySerde, valueSerde, numberOfPartitions: null, partitioner: null })
  }

  static numberOfPartitions<K = any, V = any>(count: number): Repartitioned<K, V> {
    return new Repartitioned<K, V>({ name: null, keySerde: null, valueSerde: null, numberOfPartitions: null, partitioner: null }).withNumberOfPartitions(count)
  }

  static streamPartitioner<K = any, V = any>(partitioner: StreamPartitioner<K, V>): Repartitioned<K, V> {
    return new Repartitioned<K, V>({ name: null, keySerde: null, valueSerde: null, numberOfPartitions: null, partitioner })
  }

  withName(name: string): Repartitioned<K, V> {
    return new Repartitioned({ ...this.#fields(), name: validateName(name, 'repartition') })
  }

  withKeySerde(keySerde: Serde<K>): Repartitioned<K, V> {
    return new Repartitioned({ ...this.#fields(), keySerde })
  }

  withValueSerde(valueSerde: Serde<V>): Repartitioned<K, V> {
    return new Repartitioned({ ...this.#fields(), valueSerde })
  }

  withNumberOfPartitions(count: number): Repartitioned<K, V> {
    if (!Number.isSafeInteger(count) || count < 1) {
      throw new StreamsError('STREAMS_INVALID_CONFIG', `Repartitioned: numberOfPartitions must be an integer >= 1, got ${String(count)}`)
    }
    return new Repartitioned({ ...this.#fields(), numberOfPartitions: count })
  }

  withStreamPartitioner(partitioner: StreamPartitioner<K, V>): Repartitioned<K, V> {
    return new Repartitioned({ ...this.#fields(), partitioner })
  }

  #fields(): RepartitionedFields<K, V> {
    return {
      name: this.name, keySerde: this.keySerde, valueSerde: this.valueSerde,
      numberOfPartitions: this.numberOfPartitions, partitioner: this.partitioner,
    }
  }
}
