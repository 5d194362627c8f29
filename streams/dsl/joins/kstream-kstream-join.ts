/**
 * `KStream#join/leftJoin/outerJoin(other, joiner, JoinWindows, StreamJoined?)`: the windowed
 * stream–stream join (Kafka Streams' `KStreamImplJoin`). See the processors in
 * `processors/kstream-kstream-join.ts` for the semantics.
 *
 * Topology, as Kafka Streams (names in index order): `KSTREAM-WINDOWED-…` under each stream
 * (keeping its records in its window store), `KSTREAM-JOINTHIS-…`/`KSTREAM-OUTERTHIS-…` and
 * `KSTREAM-JOINOTHER-…`/`KSTREAM-OUTEROTHER-…` (each reading the other side's store), and
 * `KSTREAM-MERGE-…`, the result stream; with `StreamJoined.withName(name)`: `<name>-this-windowed`,
 * `<name>-other-windowed`, `<name>-this-join` (`-outer-this-join`), `<name>-other-join`
 * (`-outer-other-join`), `<name>-merge`.
 *
 * Stores: window stores with `retainDuplicates`, window size `before + after`, retention
 * `before + after + grace`; RocksDB unless suppliers are given; named `<generated join name>-store`
 * or `<storeName>-this-join-store`, … (see `StreamJoined`). Left and outer joins add the shared
 * outer store (`KSTREAM-OUTERSHARED-<index>-store`, or `<storeName>-left-shared-join-store` /
 * `-outer-shared-join-store`). Both sides are co-partitioned; a side whose key changed is
 * repartitioned first (`<name>-left-repartition` / `<name>-right-repartition`, or the stream's
 * node name).
 */
import { bytesSerde } from '../../../serdes/index.ts'
import { StreamsError } from '../../errors.ts'
import { passThrough } from '../../operators/pass-through.ts'
import { Stores } from '../../state/stores.ts'
import type { WindowBytesStoreSupplier } from '../../state/window-stores.ts'
import type { KStream, ValueJoiner } from '../api.ts'
import type { InternalStreamsBuilder, StreamSpec } from '../internal-streams-builder.ts'
import { ResolvableSerde } from '../processors/foreign-key-join-wrappers.ts'
import {
  KStreamJoinWindow, KStreamKStreamJoin, LeftOrRightValuesSerde, OuterJoinKeyCodec, type OuterStoreRef, TimeTrackers,
} from '../processors/kstream-kstream-join.ts'
import { copartition, repartitionForJoin } from './copartition.ts'
import { streamOf } from './dsl-internals.ts'
import type { JoinWindows } from './join-windows.ts'
import type { StreamJoined } from './stream-joined.ts'

function invalid(message: string): StreamsError {
  return new StreamsError('STREAMS_INVALID_CONFIG', message)
}

function checkSupplier(supplier: WindowBytesStoreSupplier, windows: JoinWindows): void {
  if (!supplier.retainDuplicates) throw invalid(`The window store supplier ${supplier.name} of a stream–stream join must retain duplicates (retainDuplicates: true)`)
  const retention = windows.size() + windows.gracePeriodMs()
  if (supplier.retentionPeriodMs !== retention || supplier.windowSizeMs !== windows.size()) {
    throw invalid(`Window settings mismatch: store supplier ${supplier.name} has window size ${supplier.windowSizeMs} ms and retention ${supplier.retentionPeriodMs} ms; `
      + `the JoinWindows need window size ${windows.size()} ms (before + after) and retention ${retention} ms (+ grace)`)
  }
}

export function streamStreamJoin(
  builder: InternalStreamsBuilder, spec: StreamSpec<any, any>, otherStream: unknown, joiner: ValueJoiner<any, any, any>, windows: JoinWindows,
  streamJoined: StreamJoined | undefined, kind: 'inner' | 'left' | 'outer',
): KStream<any, any> {
  const operation = kind === 'inner' ? 'join()' : kind === 'left' ? 'leftJoin()' : 'outerJoin()'
  let thisSpec = spec
  let otherSpec = streamOf<any, any>(otherStream, builder, operation)
  const name = streamJoined?.name ?? null
  if (thisSpec.repartitionRequired) {
    thisSpec = repartitionForJoin(builder, thisSpec, name === null ? thisSpec.node : `${name}-left`, streamJoined?.keySerde ?? null, streamJoined?.valueSerde ?? null)
  }
  if (otherSpec.repartitionRequired) {
    otherSpec = repartitionForJoin(builder, otherSpec, name === null ? otherSpec.node : `${name}-right`, streamJoined?.keySerde ?? null, streamJoined?.otherValueSerde ?? null)
  }
  const sourceNodes = copartition(builder, thisSpec.sourceNodes, otherSpec.sourceNodes)

  const leftOuter = kind !== 'inner'
  const rightOuter = kind === 'outer'
  const joinThisSuffix = rightOuter ? '-outer-this-join' : '-this-join'
  const joinOtherSuffix = leftOuter ? '-outer-other-join' : '-other-join'
  const thisWindowedName = name === null ? builder.newProcessorName('KSTREAM-WINDOWED-') : `${name}-this-windowed`
  const otherWindowedName = name === null ? builder.newProcessorName('KSTREAM-WINDOWED-') : `${name}-other-windowed`
  const thisPrefix = rightOuter ? 'KSTREAM-OUTERTHIS-' : 'KSTREAM-JOINTHIS-'
  const joinThisGenerated = builder.newProcessorName(thisPrefix)
  const joinOtherGenerated = builder.newProcessorName(leftOuter ? 'KSTREAM-OUTEROTHER-' : 'KSTREAM-JOINOTHER-')
  const joinThisName = name === null ? joinThisGenerated : `${name}${joinThisSuffix}`
  const joinOtherName = name === null ? joinOtherGenerated : `${name}${joinOtherSuffix}`
  const mergeName = name === null ? builder.newProcessorName('KSTREAM-MERGE-') : `${name}-merge`

  const keySerde = streamJoined?.keySerde ?? thisSpec.keySerde ?? spec.keySerde
  const thisValueSerde = streamJoined?.valueSerde ?? thisSpec.valueSerde
  const otherValueSerde = streamJoined?.otherValueSerde ?? otherSpec.valueSerde
  const baseStoreName = streamJoined?.storeName ?? null
  const thisSupplier = streamJoined?.thisStoreSupplier ?? null
  const otherSupplier = streamJoined?.otherStoreSupplier ?? null
  if (thisSupplier !== null && otherSupplier !== null && thisSupplier.name === otherSupplier.name) {
    throw invalid(`Both window store suppliers of a stream–stream join are named ${thisSupplier.name}; they need unique names`)
  }
  const windowSize = windows.size()
  const retention = windowSize + windows.gracePeriodMs()
  const windowStore = (supplier: WindowBytesStoreSupplier | null, generatedName: string, suffix: string, valueSerde: typeof thisValueSerde) => {
    let storeSupplier = supplier
    if (storeSupplier === null) {
      const storeName = `${baseStoreName === null ? generatedName : `${baseStoreName}${suffix}`}-store`
      storeSupplier = Stores.persistentWindowStore(storeName, retention, windowSize, true)
    } else checkSupplier(storeSupplier, windows)
    const storeBuilder = Stores.windowStoreBuilder(storeSupplier, keySerde, valueSerde)
    if (streamJoined?.loggingEnabled ?? true) storeBuilder.withLoggingEnabled({ ...(streamJoined?.logConfig ?? {}) })
    else storeBuilder.withLoggingDisabled()
    return storeBuilder
  }
  const thisStore = windowStore(thisSupplier, joinThisGenerated, joinThisSuffix, thisValueSerde)
  const otherStore = windowStore(otherSupplier, joinOtherGenerated, joinOtherSuffix, otherValueSerde)

  let outerStore: OuterStoreRef<unknown> | null = null
  let outerStoreBuilder = null
  if (leftOuter) {
    const sharedSuffix = rightOuter ? '-outer-shared-join' : '-left-shared-join'
    const base = thisSupplier !== null ? `${thisSupplier.name}${sharedSuffix}`
      : baseStoreName !== null ? `${baseStoreName}${sharedSuffix}`
      : `KSTREAM-OUTERSHARED-${joinThisGenerated.slice(thisPrefix.length)}`
    const storeName = `${base}-store`
    const codec = new OuterJoinKeyCodec<unknown>(new ResolvableSerde(keySerde, 'key'), storeName)
    const valuesSerde = new LeftOrRightValuesSerde(new ResolvableSerde(thisValueSerde, 'value'), new ResolvableSerde(otherValueSerde, 'other value'))
    outerStore = { name: storeName, codec, valuesSerde }
    const supplier = thisSupplier?.kind === 'in-memory' ? Stores.inMemoryKeyValueStore(storeName) : Stores.persistentKeyValueStore(storeName)
    outerStoreBuilder = Stores.keyValueStoreBuilder(supplier, bytesSerde(), valuesSerde)
    if (streamJoined?.loggingEnabled ?? true) outerStoreBuilder.withLoggingEnabled({ ...(streamJoined?.logConfig ?? {}) })
    else outerStoreBuilder.withLoggingDisabled()
  }

  const trackers = new TimeTrackers()
  const common = { windowsBeforeMs: windows.beforeMs, windowsAfterMs: windows.afterMs, graceMs: windows.gracePeriodMs(), outerStore, joiner, trackers }
  const joinThis = new KStreamKStreamJoin<unknown>({
    ...common, leftSide: true, otherWindowStoreName: otherStore.name, beforeMs: windows.beforeMs, afterMs: windows.afterMs, outer: leftOuter,
  })
  const joinOther = new KStreamKStreamJoin<unknown>({
    ...common, leftSide: false, otherWindowStoreName: thisStore.name, beforeMs: windows.afterMs, afterMs: windows.beforeMs, outer: rightOuter,
  })

  const topology = builder.topology
  topology.addProcessor(thisWindowedName, new KStreamJoinWindow(thisStore.name).supplier, thisSpec.node)
  topology.addProcessor(otherWindowedName, new KStreamJoinWindow(otherStore.name).supplier, otherSpec.node)
  topology.addProcessor(joinThisName, joinThis.supplier, thisWindowedName)
  topology.addProcessor(joinOtherName, joinOther.supplier, otherWindowedName)
  topology.addOperator(mergeName, passThrough(), joinThisName, joinOtherName)
  topology.addStateStore(thisStore, thisWindowedName, joinOtherName)
  topology.addStateStore(otherStore, otherWindowedName, joinThisName)
  if (outerStoreBuilder !== null) topology.addStateStore(outerStoreBuilder, joinThisName, joinOtherName)
  return builder.factories.stream(builder, { node: mergeName, keySerde, valueSerde: null, repartitionRequired: false, sourceNodes })
}
