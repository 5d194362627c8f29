/**
 * The joins of `KStream` (Kafka Streams' `KStreamImpl.join/leftJoin/outerJoin`): the call is
 * told apart by its arguments, as the overloads of `KStream` are:
 *
 * - `(KStream, joiner, JoinWindows, StreamJoined?)`: windowed stream–stream join
 *   (`kstream-kstream-join.ts`);
 * - `(KTable, joiner, Joined?)`: stream–table join, the stream side triggers;
 * - `(GlobalKTable, keySelector, joiner, Named?)`: stream–global-table join.
 *
 * Names, as Kafka Streams: `KSTREAM-JOIN-…` / `KSTREAM-LEFTJOIN-…` (or the `Joined`/`Named`
 * name). Results have no value serde (the joiner's type is new); the key serde is kept.
 */
import { StreamsError } from '../../errors.ts'
import type { GlobalKTable, KStream, ValueJoiner } from '../api.ts'
import type { InternalStreamsBuilder, StreamSpec } from '../internal-streams-builder.ts'
import { Named } from '../named.ts'
import { KStreamKTableJoin } from '../processors/kstream-ktable-join.ts'
import { copartition, repartitionForJoin } from './copartition.ts'
import { DSL_INTERNALS, dslInternalsOf, tableOf } from './dsl-internals.ts'
import { Joined } from './joined.ts'
import { JoinWindows } from './join-windows.ts'
import { streamStreamJoin } from './kstream-kstream-join.ts'
import type { StreamJoined } from './stream-joined.ts'
import { storeValueGetterSupplier, valueGetterSupplierOf } from './value-getter.ts'

export type StreamJoinKind = 'inner' | 'left' | 'outer'

const OPERATION = { inner: 'join()', left: 'leftJoin()', outer: 'outerJoin()' } as const

function invalid(message: string): StreamsError {
  return new StreamsError('STREAMS_INVALID_TOPOLOGY', message)
}

function checkFunction(value: unknown, what: string, operation: string): void {
  if (typeof value !== 'function') throw invalid(`${operation} needs ${what} (a function), got ${value === null ? 'null' : typeof value}`)
}

/** Dispatches `KStream#join/leftJoin/outerJoin(...args)`. */
export function kstreamJoin(builder: InternalStreamsBuilder, spec: StreamSpec<any, any>, kind: StreamJoinKind, args: readonly unknown[]): KStream<any, any> {
  builder.checkOpen()
  const operation = OPERATION[kind]
  const [other, second, third, fourth] = args
  const internals = dslInternalsOf(other)
  if (internals?.kind === 'stream') {
    if (!(third instanceof JoinWindows)) throw invalid(`${operation} of two streams needs JoinWindows as third argument (JoinWindows.ofTimeDifferenceWithNoGrace(ms))`)
    checkFunction(second, 'a joiner', operation)
    return streamStreamJoin(builder, spec, other, second as ValueJoiner<any, any, any>, third, fourth as StreamJoined | undefined, kind)
  }
  if (kind === 'outer') throw invalid('outerJoin() of a KStream needs another KStream and JoinWindows (stream–table joins are inner or left)')
  if (internals?.kind === 'table') {
    checkFunction(second, 'a joiner', operation)
    if (third !== undefined && !(third instanceof Joined)) throw invalid(`${operation} with a KTable takes Joined options as third argument`)
    return streamTableJoin(builder, spec, other, second as ValueJoiner<any, any, any>, third, kind === 'left')
  }
  if (other !== null && typeof other === 'object' && typeof (other as GlobalKTable<unknown, unknown>).queryableStoreName === 'function' && !(DSL_INTERNALS in other)) {
    checkFunction(second, 'a key selector', operation)
    checkFunction(third, 'a joiner', operation)
    if (fourth !== undefined && !(fourth instanceof Named)) throw invalid(`${operation} with a GlobalKTable takes a Named as fourth argument`)
    return globalTableJoin(builder, spec, other as GlobalKTable<any, any>, second as (k: unknown, v: unknown) => unknown, third as ValueJoiner<any, any, any>, fourth, kind === 'left')
  }
  throw invalid(`${operation} needs a KStream, a KTable or a GlobalKTable of the same StreamsBuilder`)
}

function streamTableJoin(
  builder: InternalStreamsBuilder, spec: StreamSpec<any, any>, table: unknown, joiner: ValueJoiner<any, any, any>, joined: Joined | undefined, leftJoin: boolean,
): KStream<any, any> {
  const tableSpec = tableOf(table, builder, leftJoin ? 'leftJoin()' : 'join()')
  const stream = spec.repartitionRequired
    ? repartitionForJoin(builder, spec, joined?.name ?? spec.node, joined?.keySerde ?? null, joined?.valueSerde ?? null)
    : spec
  const sourceNodes = copartition(builder, stream.sourceNodes, tableSpec.sourceNodes)
  const name = joined?.name ?? builder.newProcessorName(leftJoin ? 'KSTREAM-LEFTJOIN-' : 'KSTREAM-JOIN-')
  const getter = valueGetterSupplierOf<unknown, unknown>(tableSpec.control, tableSpec.node)
  const join = new KStreamKTableJoin<unknown, unknown, unknown, unknown, unknown>(getter, (key) => key, joiner, leftJoin)
  const topology = builder.topology
  topology.addProcessor(name, join.supplier, stream.node)
  const stores = getter.storeNames()
  if (stores.length > 0) topology.connectProcessorAndStateStores(name, ...stores)
  return builder.factories.stream(builder, {
    node: name, keySerde: joined?.keySerde ?? stream.keySerde, valueSerde: null, repartitionRequired: false, sourceNodes,
  })
}

function globalTableJoin(
  builder: InternalStreamsBuilder, spec: StreamSpec<any, any>, table: GlobalKTable<any, any>, keySelector: (key: unknown, value: unknown) => unknown,
  joiner: ValueJoiner<any, any, any>, named: Named | undefined, leftJoin: boolean,
): KStream<any, any> {
  const storeName = table.queryableStoreName()
  if (!builder.topology.isGlobalStore(storeName)) {
    throw invalid(`${leftJoin ? 'leftJoin()' : 'join()'} needs a GlobalKTable of the same StreamsBuilder (store ${storeName} is not one of its global stores)`)
  }
  const name = named?.name ?? builder.newProcessorName(leftJoin ? 'KSTREAM-LEFTJOIN-' : 'KSTREAM-JOIN-')
  const join = new KStreamKTableJoin<unknown, unknown, unknown, unknown, unknown>(storeValueGetterSupplier(storeName), keySelector, joiner, leftJoin)
  builder.topology.addProcessor(name, join.supplier, spec.node)
  return builder.factories.stream(builder, {
    node: name, keySerde: spec.keySerde, valueSerde: null, repartitionRequired: spec.repartitionRequired, sourceNodes: spec.sourceNodes,
  })
}
