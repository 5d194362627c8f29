/**
 * The canonical word count (Kafka Streams' `WordCountDemo`), with Creek's DSL:
 *
 *   streams-plaintext-input   lines of text (any key)
 *     → flatMapValues         the line's words, lower-cased
 *     → groupBy(word)         re-keys by word: through the repartition topic
 *                             `<applicationId>-counts-repartition`, so that every count of a
 *                             word happens in one task whatever partition its lines were in
 *     → count()               in the RocksDB store `counts` (changelog `<applicationId>-counts-changelog`)
 *     → toStream().to(...)    streams-wordcount-output: word → count (8-byte big-endian, Kafka's LongSerde)
 *
 * The store's record cache collapses the updates of a word between two commits, so the output
 * gets at most one record per word per commit interval, each with the word's latest count.
 */
import { serdes } from '../../serdes/index.ts'
import { Consumed, Grouped, Materialized, Stores, StreamsBuilder, type Topology } from '../../streams/index.ts'

export const INPUT_TOPIC = 'streams-plaintext-input'
export const OUTPUT_TOPIC = 'streams-wordcount-output'
export const APPLICATION_ID = 'streams-wordcount'
export const STORE_NAME = 'counts'

/** The words of a line: lower-cased, split on anything that is not a letter, digit or '_'. */
export function words(line: string): string[] {
  return line.toLowerCase().split(/\W+/).filter((word) => word !== '')
}

export function wordCountTopology(): Topology {
  const builder = new StreamsBuilder()
  builder
    .stream(INPUT_TOPIC, Consumed.with(serdes.string(), serdes.string()))
    .flatMapValues(words)
    .groupBy((_key, word) => word, Grouped.with(serdes.string(), serdes.string()))
    .count(Materialized.as<string, number>(Stores.persistentKeyValueStore(STORE_NAME)))
    .toStream()
    .to(OUTPUT_TOPIC)
  return builder.build()
}
