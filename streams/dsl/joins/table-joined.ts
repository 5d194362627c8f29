/**
 * `TableJoined`: options of a KTable–KTable foreign-key join (Kafka Streams' `TableJoined`):
 * a name (which names the join's processors, its subscription store and its two internal topics,
 * `<name>-subscription-registration-topic` and `<name>-subscription-response-topic`) and the
 * partitioners of the two tables' topics, when they are not partitioned by the default
 * (murmur2 of the serialized key) partitioner. Immutable.
 */
import type { StreamPartitioner } from '../../topology/node-options.ts'
import { validateName } from '../named.ts'

export class TableJoined<K = any, KO = any> {
  /** How the primary (this) table's topic is partitioned; null: the default partitioner. */
  readonly partitioner: StreamPartitioner<K, unknown> | null
  /** How the foreign-key (other) table's topic is partitioned; null: the default partitioner. */
  readonly otherPartitioner: StreamPartitioner<KO, unknown> | null
  readonly name: string | null

  private constructor(partitioner: StreamPartitioner<K, unknown> | null, otherPartitioner: StreamPartitioner<KO, unknown> | null, name: string | null) {
    this.partitioner = partitioner
    this.otherPartitioner = otherPartitioner
    this.name = name
  }

  static with<K, KO>(partitioner: StreamPartitioner<K, unknown> | null, otherPartitioner: StreamPartitioner<KO, unknown> | null): TableJoined<K, KO> {
    return new TableJoined(partitioner, otherPartitioner, null)
  }

  static as<K = any, KO = any>(name: string): TableJoined<K, KO> {
    return new TableJoined<K, KO>(null, null, validateName(name, 'join'))
  }

  withPartitioner(partitioner: StreamPartitioner<K, unknown> | null): TableJoined<K, KO> {
    return new TableJoined(partitioner, this.otherPartitioner, this.name)
  }

  withOtherPartitioner(otherPartitioner: StreamPartitioner<KO, unknown> | null): TableJoined<K, KO> {
    return new TableJoined(this.partitioner, otherPartitioner, this.name)
  }

  withName(name: string): TableJoined<K, KO> {
    return new TableJoined(this.partitioner, this.otherPartitioner, validateName(name, 'join'))
  }
}
