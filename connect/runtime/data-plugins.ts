/**
 * The data plugins a worker uses by default: converters by class name (converter-registry.ts:
 * Kafka's and Confluent's class names and Creek's aliases) and the transform chain of a
 * connector config (transform-chain.ts: `transforms`, `predicates`).
 */
import type { ConnectRecord } from '../api/records.ts'
import { converterFor, headerConverterFor, type ConverterOptions } from '../converters/converter-registry.ts'
import { TransformChain as Chain } from '../transforms/transform-chain.ts'
import type { DataPlugins, TransformChain } from './plugins.ts'

export function defaultDataPlugins(options: ConverterOptions = {}): DataPlugins {
  return {
    converter: (className) => converterFor(className, options),
    headerConverter: (className) => headerConverterFor(className, options),
    transformChain: (props): TransformChain => {
      const chain = Chain.fromConfig<ConnectRecord>(props, props.name)
      return {
        apply: <R extends ConnectRecord>(record: R) => chain.apply(record) as R | null,
        close: () => chain.close(),
      }
    },
  }
}
