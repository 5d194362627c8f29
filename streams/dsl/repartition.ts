/**
 * The internal repartition topic between two sub-topologies (Kafka Streams'
 * `KStreamImpl.createRepartitionedSource`): a sink writing `<prefix>-repartition` under the
 * parent, and a new source reading it, whose children form a new sub-topology. Records are
 * partitioned by their (new) serialized key, so every record of a key reaches the same task.
 *
 * Names, as Kafka Streams: three indexes are always taken (sink, filter, source, in that
 * order); when the prefix is itself generated (`KSTREAM-…-0000000007`) the nodes use those
 * generated names, otherwise `<topic>-sink`, `<topic>-filter`, `<topic>-source`. Groupings and
 * `toTable` put a pass-through filter node before the sink (`withFilter`), `repartition()` does
 * not.
 */
import type { Serde } from '../../serdes/index.ts'
import { passThrough } from '../operators/pass-through.ts'
import type { StreamPartitioner } from '../topology/node-options.ts'
import type { InternalStreamsBuilder } from './internal-streams-builder.ts'

export const REPARTITION_TOPIC_SUFFIX = '-repartition'

export interface RepartitionOptions<K, V> {
  readonly keySerde: Serde<K> | null
  readonly valueSerde: Serde<V> | null
  readonly partitioner?: StreamPartitioner<K, V> | null
  readonly numberOfPartitions?: number | null
  readonly withFilter: boolean
}

/** Adds the repartition sink and source under `parentNode`; returns the new source's name. */
export function createRepartitionedSource<K, V>(
  builder: InternalStreamsBuilder,
  parentNode: string,
  topicPrefix: string,
  options: RepartitionOptions<K, V>,
): string {
  const topic = topicPrefix.endsWith(REPARTITION_TOPIC_SUFFIX) ? topicPrefix : `${topicPrefix}${REPARTITION_TOPIC_SUFFIX}`
  const generatedSink = builder.newProcessorName('KSTREAM-SINK-')
  const generatedFilter = builder.newProcessorName('KSTREAM-FILTER-')
  const generatedSource = builder.newProcessorName('KSTREAM-SOURCE-')
  const generated = /^KSTREAM.*-[0-9]{10}$/.test(topicPrefix)
  const sinkName = generated ? generatedSink : `${topic}-sink`
  const filterName = generated ? generatedFilter : `${topic}-filter`
  const sourceName = generated ? generatedSource : `${topic}-source`

  const topology = builder.topology
  topology.addInternalTopic(topic, options.numberOfPartitions == null ? {} : { numberOfPartitions: options.numberOfPartitions })
  let sinkParent = parentNode
  if (options.withFilter) {
    topology.addOperator(filterName, passThrough(), parentNode)
    sinkParent = filterName
  }
  topology.addSink(sinkName, topic, {
    keySerde: options.keySerde ?? undefined, valueSerde: options.valueSerde ?? undefined, partitioner: options.partitioner ?? undefined,
  }, sinkParent)
  topology.addSource(sourceName, { topics: [topic], keySerde: options.keySerde ?? undefined, valueSerde: options.valueSerde ?? undefined })
  return sourceName
}
