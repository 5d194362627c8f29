/**
 * Standalone worker configuration (Kafka's `WorkerConfig` / `StandaloneConfig` keys), checked
 * when the worker is built. Defaults in `WORKER_DEFAULTS`.
 *
 * | key                            | default                                        |
 * |--------------------------------|------------------------------------------------|
 * | offset.storage.file.filename   | required (source offsets, see file-offset-store.ts) |
 * | offset.flush.interval.ms       | 60000: source offsets flushed, sink offsets committed |
 * | key.converter, value.converter | org.apache.kafka.connect.json.JsonConverter    |
 * | header.converter               | org.apache.kafka.connect.storage.SimpleHeaderConverter |
 * | key.converter.*, value.converter.*, header.converter.* | the converters' own options |
 * | consumer.*, producer.*         | client options for every sink consumer / source producer |
 * Other keys (bootstrap.servers, plugin.path, listeners…) are accepted and ignored: a
 * Kafka worker file runs unchanged; where Creek is reached from comes from the `Creek` given.
 */
import type { ConsumerOptions, ProducerOptions } from '../../core/index.ts'
import { consumerOptions, intProp, invalidConfig, producerOptions, stringProps } from './connector-config.ts'

export const WORKER_DEFAULTS = Object.freeze({
  'offset.flush.interval.ms': 60_000,
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'header.converter': 'org.apache.kafka.connect.storage.SimpleHeaderConverter',
})

export interface WorkerConfig {
  readonly offsetFile: string
  readonly offsetFlushIntervalMs: number
  readonly props: Readonly<Record<string, string>>
  readonly consumer: ConsumerOptions
  readonly producer: ProducerOptions
}

/** Kafka client keys the worker passes on (`consumer.` / `producer.` prefixed); others are ignored. */
const PASSED_CONSUMER = /^consumer\.(session\.timeout\.ms|heartbeat\.interval\.ms|max\.poll\.interval\.ms|max\.poll\.records|fetch\.max\.wait\.ms|fetch\.min\.bytes|max\.partition\.fetch\.bytes|metadata\.max\.age\.ms|auto\.offset\.reset|isolation\.level)$/
const PASSED_PRODUCER = /^producer\.(linger\.ms|batch\.size|compression\.type|max\.request\.size)$/

export function parseWorkerConfig(config: Readonly<Record<string, unknown>>): WorkerConfig {
  const props = stringProps(config, 'The worker config')
  const offsetFile = props['offset.storage.file.filename']?.trim() ?? ''
  if (offsetFile === '') throw invalidConfig('offset.storage.file.filename', props['offset.storage.file.filename'], 'the path of the file that keeps source offsets')
  const pick = (pattern: RegExp) => Object.fromEntries(Object.entries(props).filter(([key]) => pattern.test(key)))
  return {
    offsetFile,
    offsetFlushIntervalMs: intProp(props, 'offset.flush.interval.ms', WORKER_DEFAULTS['offset.flush.interval.ms'], 1),
    props: { ...Object.fromEntries(Object.entries(WORKER_DEFAULTS).map(([k, v]) => [k, String(v)])), ...props },
    consumer: consumerOptions(pick(PASSED_CONSUMER), 'consumer.'),
    producer: producerOptions(pick(PASSED_PRODUCER), 'producer.'),
  }
}
