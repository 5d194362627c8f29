/**
 * `KTable#suppress` (see ktable-impl.ts; Kafka Streams' `KTableImpl#suppress`): adds the
 * `KTABLE-SUPPRESS-…` node (`<name>-suppress` with `Suppressed.withName`) and its buffer store
 * (`KTABLE-SUPPRESS-STATE-STORE-…` / `<name>-store`, changelogged unless the buffer config
 * disables logging). `untilWindowCloses` needs a windowed table made by a windowed aggregation
 * (its node knows when windows close), directly or through filter/mapValues; otherwise
 * STREAMS_INVALID_CONFIG.
 */
import { StreamsError } from '../../errors.ts'
import type { KTable } from '../api.ts'
import type { InternalStreamsBuilder, TableSpec } from '../internal-streams-builder.ts'
import { KTableSuppress } from '../processors/ktable-suppress.ts'
import type { WindowedTableControl } from '../windows/time-windowed-kstream-impl.ts'
import { Suppressed } from './suppressed.ts'
import { SuppressionBufferBuilder } from './suppression-buffer.ts'

function isWindowed(control: unknown): control is WindowedTableControl {
  return typeof (control as Partial<WindowedTableControl>).windowCloseDelayMs === 'number'
}

/**
 * The windowed aggregation a table comes from, through stateless table nodes (filter,
 * mapValues: their controls name their `parent`), as Kafka's `findAndVerifyWindowGrace` walks
 * up the graph; null when there is none.
 */
function windowedOrigin(control: unknown): WindowedTableControl | null {
  for (let node = control, depth = 0; node !== null && node !== undefined && depth < 100; depth++) {
    if (isWindowed(node)) return node
    node = (node as { parent?: unknown }).parent
  }
  return null
}

export function suppressTable<K, V>(builder: InternalStreamsBuilder, spec: TableSpec<K, V>, suppressed: Suppressed<K>): KTable<K, V> {
  builder.checkOpen()
  if (!(suppressed instanceof Suppressed)) {
    throw new StreamsError('STREAMS_INVALID_CONFIG', 'suppress needs Suppressed.untilWindowCloses(…) or Suppressed.untilTimeLimit(…)')
  }
  const name = suppressed.name !== null ? `${suppressed.name}-suppress` : builder.newProcessorName('KTABLE-SUPPRESS-')
  const storeName = suppressed.name !== null ? `${suppressed.name}-store` : builder.newStoreName('KTABLE-SUPPRESS-')
  const finalResults = suppressed.kind === 'UNTIL_WINDOW_CLOSES'
  let duration = suppressed.timeLimitMs
  if (finalResults) {
    const origin = windowedOrigin(spec.control)
    if (origin === null) {
      throw new StreamsError(
        'STREAMS_INVALID_CONFIG',
        `Suppressed.untilWindowCloses applies only to windowed KTables made by a windowed aggregation (windowedBy(…).count/reduce/aggregate), ` +
          `possibly through filter or mapValues (${name})`,
      )
    }
    duration = origin.windowCloseDelayMs
  }
  const config = suppressed.bufferConfig
  const node = new KTableSuppress<K, V>(name, storeName, finalResults, duration, config, spec.keySerde, spec.valueSerde, spec.control)
  builder.topology.addProcessor(name, node.supplier, spec.node)
  builder.topology.addStateStore(new SuppressionBufferBuilder(storeName, config.loggingEnabled, config.logConfig), name)
  return builder.factories.table(builder, {
    node: name, keySerde: spec.keySerde, valueSerde: spec.valueSerde, control: node, queryableStoreName: null, sourceNodes: spec.sourceNodes,
  })
}
