/**
 * `Produced`: how a sink writes its topic (Kafka Streams' `Produced`): serdes, partitioner and
 * the sink node's name. Immutable.
 *
 * ```ts
 * counts.toStream().to('word-counts', Produced.with(serdes.string(), serdes.int64()))
 * ```
 */
import type { Serde } from '../../serdes/index.ts'
import type { StreamPartitioner } from '../topology/node-options.ts'
import { validateName } from './named.ts'

interface ProducedFields<K, V> {
  readonly keySerde: Serde<K> | null
  readonly valueSerde: Serde<V> | null
  readonly partitioner: StreamPartitioner<K, V> | null
  readonly processorName: string | null
}

export class Produced<K = any, V = any> implements ProducedFields<K, V> {
  readonly keySerde: Serde<K> | null
  readonly valueSerde: Serde<V> | null
  readonly partitioner: StreamPartitioner<K, V> | null
  readonly processorName: string | null

  private constructor(fields: ProducedFields<K, V>) {
    this.keySerde = fields.keySerde
    this.valueSerde = fields.valueSerde
    this.partitioner = fields.partitioner
    this.processorName = fields.processorName
  }

  static with<K, V>(keySerde: Serde<K> | null, valueSerde: Serde<V> | null, partitioner: StreamPartitioner<K, V> | null = null): Produced<K, V> {
    return new Produced({ keySerde, valueSerde, partitioner, processorName: null })
  }

  static as<K = any, V = any>(processorName: string): Produced<K, V> {
    return new Produced<K, V>({ keySerde: null, valueSerde: null, partitioner: null, processorName: validateName(processorName, 'sink') })
  }

  withKeySerde<KR>(keySerde: Serde<KR>): Produced<KR, V> {
    return new Produced<KR, V>({ ...this.#fields(), partitioner: this.partitioner as StreamPartitioner<any, V> | null, keySerde })
  }

  withValueSerde<VR>(valueSerde: Serde<VR>): Produced<K, VR> {
    return new Produced<K, VR>({ ...this.#fields(), partitioner: this.partitioner as StreamPartitioner<K, any> | null, valueSerde })
  }

  withStreamPartitioner(partitioner: StreamPartitioner<K, V>): Produced<K, V> {
    return new Produced({ ...this.#fields(), partitioner })
  }

  withName(processorName: string): Produced<K, V> {
    return new Produced({ ...this.#fields(), processorName: validateName(processorName, 'sink') })
  }

  #fields(): ProducedFields<K, V> {
    return { keySerde: this.keySerde, valueSerde: this.valueSerde, partitioner: this.partitioner, processorName: this.processorName }
  }
}
