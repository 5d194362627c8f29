/**
 * Co-partitioning of join inputs (Kafka Streams' `AbstractStream.ensureCopartitionWith` and
 * `KStreamImpl.repartitionForJoin`).
 *
 * A (non-global) join reads its two sides in one task, partition by partition, so both sides
 * must be partitioned alike: the same partition count and the same key → partition mapping.
 * `copartition` registers the sources upstream of both sides as one co-partition group; the
 * runtime checks their partition counts at start (STREAMS_COPARTITIONING naming the topics)
 * and gives repartition topics in the group the group's count.
 *
 * A stream whose key may have changed since its source (`selectKey`, `map`, `flatMap`,
 * `process`, `pipe`) is first written to `<applicationId>-<name>-repartition` and read back,
 * partitioned by its new key, as groupings do; `<name>` is the join's name (or, for
 * stream–stream joins, `<name>-left` / `<name>-right`) or else the stream's node name.
 */
import type { Serde } from '../../../serdes/index.ts'
import type { InternalStreamsBuilder, StreamSpec } from '../internal-streams-builder.ts'
import { createRepartitionedSource } from '../repartition.ts'

/** Registers the union of `sourceNodes` as co-partitioned; returns it. */
export function copartition(builder: InternalStreamsBuilder, ...sourceNodes: (readonly string[])[]): string[] {
  const all = [...new Set(sourceNodes.flat())]
  builder.topology.copartitionSources(...all)
  return all
}

/** The stream read back from a repartition topic named after `name`. */
export function repartitionForJoin<K, V>(
  builder: InternalStreamsBuilder,
  spec: StreamSpec<K, V>,
  name: string,
  keySerde: Serde<K> | null,
  valueSerde: Serde<V> | null,
): StreamSpec<K, V> {
  const resolvedKeySerde = keySerde ?? spec.keySerde
  const resolvedValueSerde = valueSerde ?? spec.valueSerde
  const source = createRepartitionedSource(builder, spec.node, name, { keySerde: resolvedKeySerde, valueSerde: resolvedValueSerde, withFilter: true })
  return { node: source, keySerde: resolvedKeySerde, valueSerde: resolvedValueSerde, repartitionRequired: false, sourceNodes: [source] }
}
