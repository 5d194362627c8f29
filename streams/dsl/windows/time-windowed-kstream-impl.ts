/**
 * `TimeWindowedKStreamImpl`: a grouped stream with `TimeWindows` or `SlidingWindows` (Kafka
 * Streams' `TimeWindowedKStreamImpl` and `SlidingWindowedKStreamImpl`). An aggregation adds, as
 * the non-windowed ones do: the store (`KSTREAM-AGGREGATE-STATE-STORE-…` unless
 * `Materialized.as`), the node (`KSTREAM-AGGREGATE-…` / `KSTREAM-REDUCE-…` unless `Named`),
 * and the repartition topic first when the key may have changed. The result is a
 * `KTable<Windowed<K>, VA>` whose key serde is a time-windowed serde over the key serde (the
 * default key serde when none is known).
 */
import type { Serde } from '../../../serdes/index.ts'
import type { StreamRecord } from '../../processor/api.ts'
import { StreamsError } from '../../errors.ts'
import type { Windowed } from '../../state/window-api.ts'
import type { Aggregator, Initializer, KTable, Reducer, TimeWindowedKStream } from '../api.ts'
import { namedAndMaterialized } from '../arguments.ts'
import { countSerde } from '../count-serde.ts'
import type { GroupedStreamSpec, InternalStreamsBuilder } from '../internal-streams-builder.ts'
import { type StoreName, storeNameFor } from '../materialize.ts'
import type { Materialized } from '../materialized.ts'
import type { Named } from '../named.ts'
import { KStreamSlidingWindowAggregate } from '../processors/kstream-sliding-window-aggregate.ts'
import { KStreamWindowAggregate, type WindowAggregator } from '../processors/kstream-window-aggregate.ts'
import { EmitStrategy } from './emit-strategy.ts'
import { SlidingWindows } from './sliding-windows.ts'
import { TimeWindows } from './time-windows.ts'
import { windowStoreFor } from './windowed-materialize.ts'
import { TimeWindowedSerde } from './windowed-serdes.ts'

type Args<V> = (Named | Materialized<any, V> | undefined)[]

/** Where an aggregation hangs: the grouped stream's node, or its repartition source. */
export type Upstream = (storeName: string) => { readonly parent: string; readonly sourceNodes: readonly string[] }

/** What suppression needs of a windowed table's node: when its windows close. */
export interface WindowedTableControl {
  /** Stream time after a window's end at which it closes (grace; plus the gap for sessions). */
  readonly windowCloseDelayMs: number
  enableSendingOldValues(): void
}

export class TimeWindowedKStreamImpl<K, V> implements TimeWindowedKStream<K, V> {
  readonly #builder: InternalStreamsBuilder
  readonly #spec: GroupedStreamSpec<K, V>
  readonly #windows: TimeWindows | SlidingWindows
  readonly #upstream: Upstream
  readonly #emitStrategy: EmitStrategy

  constructor(builder: InternalStreamsBuilder, spec: GroupedStreamSpec<K, V>, windows: TimeWindows | SlidingWindows, upstream: Upstream, emitStrategy = EmitStrategy.onWindowUpdate()) {
    if (!(windows instanceof TimeWindows) && !(windows instanceof SlidingWindows)) {
      throw new StreamsError('STREAMS_INVALID_CONFIG', 'windowedBy needs TimeWindows, SlidingWindows or SessionWindows')
    }
    this.#builder = builder
    this.#spec = spec
    this.#windows = windows
    this.#upstream = upstream
    this.#emitStrategy = emitStrategy
  }

  emitStrategy(strategy: EmitStrategy): TimeWindowedKStream<K, V> {
    if (!(strategy instanceof EmitStrategy)) throw new StreamsError('STREAMS_INVALID_CONFIG', 'emitStrategy needs EmitStrategy.onWindowClose() or EmitStrategy.onWindowUpdate()')
    if (strategy.type === 'ON_WINDOW_CLOSE' && !(this.#windows instanceof TimeWindows)) {
      throw new StreamsError('STREAMS_INVALID_CONFIG', 'EmitStrategy.onWindowClose() is supported for TimeWindows; use suppress(Suppressed.untilWindowCloses(…)) with SlidingWindows')
    }
    return new TimeWindowedKStreamImpl(this.#builder, this.#spec, this.#windows, this.#upstream, strategy)
  }

  count(...args: Args<number>): KTable<Windowed<K>, number> {
    const [named, materialized] = namedAndMaterialized<Materialized<K, number>>(args)
    const store = storeNameFor(this.#builder, materialized, 'KSTREAM-AGGREGATE-')
    const name = named?.name ?? this.#builder.newProcessorName('KSTREAM-AGGREGATE-')
    return this.#aggregate<number>(name, store, materialized, materialized?.valueSerde ?? countSerde(), () => 0, (_k, _v, count) => (count ?? 0) + 1)
  }

  reduce(reducer: Reducer<V>, ...args: Args<V>): KTable<Windowed<K>, V> {
    const [named, materialized] = namedAndMaterialized<Materialized<K, V>>(args)
    const store = storeNameFor(this.#builder, materialized, 'KSTREAM-REDUCE-')
    const name = named?.name ?? this.#builder.newProcessorName('KSTREAM-REDUCE-')
    return this.#aggregate<V>(name, store, materialized, materialized?.valueSerde ?? this.#spec.valueSerde, () => null, (_k, value, aggregate) =>
      aggregate === null ? value : reducer(aggregate, value))
  }

  aggregate<VA>(initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>, ...args: Args<VA>): KTable<Windowed<K>, VA> {
    const [named, materialized] = namedAndMaterialized<Materialized<K, VA>>(args)
    const store = storeNameFor(this.#builder, materialized, 'KSTREAM-AGGREGATE-')
    const name = named?.name ?? this.#builder.newProcessorName('KSTREAM-AGGREGATE-')
    return this.#aggregate<VA>(name, store, materialized, materialized?.valueSerde ?? null, initializer, (key, value, aggregate) => aggregator(key, value, aggregate as VA))
  }

  #aggregate<VA>(
    name: string, store: StoreName, materialized: Materialized<K, VA> | undefined, valueSerde: Serde<VA> | null, initializer: () => VA | null,
    aggregator: WindowAggregator<K, V, VA>,
  ): KTable<Windowed<K>, VA> {
    const builder = this.#builder
    builder.checkOpen()
    const windows = this.#windows
    const keySerde = materialized?.keySerde ?? this.#spec.keySerde
    const { parent, sourceNodes } = this.#upstream(store.name)
    let own
    let node: (KStreamWindowAggregate<K, V, VA> | KStreamSlidingWindowAggregate<K, V, VA>) & WindowedTableControl
    let windowSizeMs: number
    if (windows instanceof TimeWindows) {
      windowSizeMs = windows.sizeMs
      own = windowStoreFor(store.name, materialized, keySerde, valueSerde, windows.sizeMs, windows.sizeMs + windows.graceMs, 'its window size plus the grace period')
      const aggregate = new KStreamWindowAggregate<K, V, VA>(store.name, own.valueSerde, windows, initializer, aggregator)
      aggregate.emitFinal = this.#emitStrategy.type === 'ON_WINDOW_CLOSE'
      node = Object.assign(aggregate, { windowCloseDelayMs: windows.graceMs })
    } else {
      windowSizeMs = windows.timeDifferenceMs
      own = windowStoreFor(store.name, materialized, keySerde, valueSerde, windows.timeDifferenceMs, 2 * windows.timeDifferenceMs + windows.graceMs,
        '2 * time difference plus the grace period')
      node = Object.assign(new KStreamSlidingWindowAggregate<K, V, VA>(store.name, own.valueSerde, windows, initializer, aggregator), { windowCloseDelayMs: windows.graceMs })
    }
    const windowedKeySerde = new TimeWindowedSerde<K>(keySerde, windowSizeMs)
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
    builder.topology.addStateStore(own.builder, name).markTimestampedStore(store.name)
    return builder.factories.table(builder, {
      node: name, keySerde: windowedKeySerde, valueSerde, control: node, queryableStoreName: store.queryable ? store.name : null, sourceNodes,
    }) as KTable<Windowed<K>, VA>
  }
}
