/**
 * `SessionWindowedKStreamImpl`: a grouped stream with `SessionWindows` (Kafka Streams'
 * `SessionWindowedKStreamImpl`). Names as the other aggregations (store
 * `KSTREAM-AGGREGATE-STATE-STORE-…` / `KSTREAM-REDUCE-STATE-STORE-…`, node
 * `KSTREAM-AGGREGATE-…` / `KSTREAM-REDUCE-…`); the store is a session store; the result is a
 * `KTable<Windowed<K>, VA>` with a session-windowed key serde. `count` and `reduce` merge
 * sessions by adding counts / applying the reducer, as Kafka.
 */
import type { Serde } from '../../../serdes/index.ts'
import type { StreamRecord } from '../../processor/api.ts'
import type { Windowed } from '../../state/window-api.ts'
import type { Aggregator, Initializer, KTable, Merger, Reducer, SessionWindowedKStream } from '../api.ts'
import { namedAndMaterialized } from '../arguments.ts'
import { countSerde } from '../count-serde.ts'
import type { GroupedStreamSpec, InternalStreamsBuilder } from '../internal-streams-builder.ts'
import { type StoreName, storeNameFor } from '../materialize.ts'
import type { Materialized } from '../materialized.ts'
import type { Named } from '../named.ts'
import { KStreamSessionWindowAggregate } from '../processors/kstream-session-window-aggregate.ts'
import type { WindowAggregator } from '../processors/kstream-window-aggregate.ts'
import type { SessionWindows } from './session-windows.ts'
import type { Upstream } from './time-windowed-kstream-impl.ts'
import { sessionStoreFor } from './windowed-materialize.ts'
import { SessionWindowedSerde } from './windowed-serdes.ts'

type Args<V> = (Named | Materialized<any, V> | undefined)[]

export class SessionWindowedKStreamImpl<K, V> implements SessionWindowedKStream<K, V> {
  readonly #builder: InternalStreamsBuilder
  readonly #spec: GroupedStreamSpec<K, V>
  readonly #windows: SessionWindows
  readonly #upstream: Upstream

  constructor(builder: InternalStreamsBuilder, spec: GroupedStreamSpec<K, V>, windows: SessionWindows, upstream: Upstream) {
    this.#builder = builder
    this.#spec = spec
    this.#windows = windows
    this.#upstream = upstream
  }

  count(...args: Args<number>): KTable<Windowed<K>, number> {
    const [named, materialized] = namedAndMaterialized<Materialized<K, number>>(args)
    const store = storeNameFor(this.#builder, materialized, 'KSTREAM-AGGREGATE-')
    const name = named?.name ?? this.#builder.newProcessorName('KSTREAM-AGGREGATE-')
    return this.#aggregate<number>(name, store, materialized, materialized?.valueSerde ?? countSerde(), () => 0, (_k, _v, count) => (count ?? 0) + 1,
      (_k, a, b) => (a ?? 0) + b)
  }

  reduce(reducer: Reducer<V>, ...args: Args<V>): KTable<Windowed<K>, V> {
    const [named, materialized] = namedAndMaterialized<Materialized<K, V>>(args)
    const store = storeNameFor(this.#builder, materialized, 'KSTREAM-REDUCE-')
    const name = named?.name ?? this.#builder.newProcessorName('KSTREAM-REDUCE-')
    return this.#aggregate<V>(name, store, materialized, materialized?.valueSerde ?? this.#spec.valueSerde, () => null,
      (_k, value, aggregate) => (aggregate === null ? value : reducer(aggregate, value)),
      (_k, a, b) => (a === null ? b : reducer(a, b)))
  }

  aggregate<VA>(initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>, sessionMerger: Merger<K, VA>, ...args: Args<VA>): KTable<Windowed<K>, VA> {
    const [named, materialized] = namedAndMaterialized<Materialized<K, VA>>(args)
    const store = storeNameFor(this.#builder, materialized, 'KSTREAM-AGGREGATE-')
    const name = named?.name ?? this.#builder.newProcessorName('KSTREAM-AGGREGATE-')
    return this.#aggregate<VA>(name, store, materialized, materialized?.valueSerde ?? null, initializer, (key, value, aggregate) => aggregator(key, value, aggregate as VA),
      (key, a, b) => sessionMerger(key, a as VA, b))
  }

  #aggregate<VA>(
    name: string, store: StoreName, materialized: Materialized<K, VA> | undefined, valueSerde: Serde<VA> | null, initializer: () => VA | null,
    aggregator: WindowAggregator<K, V, VA>, merger: (key: K, a: VA | null, b: VA) => VA | null,
  ): KTable<Windowed<K>, VA> {
    const builder = this.#builder
    builder.checkOpen()
    const windows = this.#windows
    const keySerde = materialized?.keySerde ?? this.#spec.keySerde
    const { parent, sourceNodes } = this.#upstream(store.name)
    const own = sessionStoreFor(store.name, materialized, keySerde, valueSerde, windows.gapMs + windows.graceMs)
    const node = Object.assign(new KStreamSessionWindowAggregate<K, V, VA>(store.name, windows, initializer, aggregator, merger, () => undefined), {
      windowCloseDelayMs: windows.graceMs + windows.gapMs,
    })
    const windowedKeySerde = new SessionWindowedSerde<K>(keySerde)
    const supplier = node.supplier
    builder.topology.addProcessor(name, () => {
      const processor = supplier()
      return {
        init(context) {
          windowedKeySerde.resolveDefault(context.keySerde())
          processor.init?.(context)
        },
        process: (record: StreamRecord<K, V>) => processor.process(record),
        close: () => processor.close?.(),
      }
    }, parent)
    builder.topology.addStateStore(own.builder, name)
    return builder.factories.table(builder, {
      node: name, keySerde: windowedKeySerde, valueSerde, control: node, queryableStoreName: store.queryable ? store.name : null, sourceNodes,
    }) as KTable<Windowed<K>, VA>
  }
}
