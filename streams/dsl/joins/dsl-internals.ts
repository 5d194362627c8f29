/**
 * What a join needs to know about the streams and tables it is given: their builder and their
 * spec (node, serdes, source nodes…), which `KStreamImpl` and `KTableImpl` keep private.
 * They expose it under this symbol, so the join modules need not import those classes (which
 * import the join modules).
 */
import { StreamsError } from '../../errors.ts'
import type { InternalStreamsBuilder, StreamSpec, TableSpec } from '../internal-streams-builder.ts'

export const DSL_INTERNALS: unique symbol = Symbol('creek.dsl.internals')

export interface StreamInternals<K = unknown, V = unknown> {
  readonly kind: 'stream'
  readonly builder: InternalStreamsBuilder
  readonly spec: StreamSpec<K, V>
}

export interface TableInternals<K = unknown, V = unknown> {
  readonly kind: 'table'
  readonly builder: InternalStreamsBuilder
  readonly spec: TableSpec<K, V>
}

export interface HasDslInternals {
  [DSL_INTERNALS](): StreamInternals | TableInternals
}

/** The internals of `value` when it is a KStream or KTable of the DSL, else null. */
export function dslInternalsOf(value: unknown): StreamInternals | TableInternals | null {
  if (value === null || typeof value !== 'object') return null
  const get = (value as Partial<HasDslInternals>)[DSL_INTERNALS]
  return typeof get === 'function' ? get.call(value) : null
}

/** The table's internals; STREAMS_INVALID_TOPOLOGY unless it is a KTable of `builder`. */
export function tableOf<K, V>(value: unknown, builder: InternalStreamsBuilder, operation: string): TableSpec<K, V> {
  const internals = dslInternalsOf(value)
  if (internals === null || internals.kind !== 'table' || internals.builder !== builder) {
    throw new StreamsError('STREAMS_INVALID_TOPOLOGY', `${operation} needs a KTable of the same StreamsBuilder`)
  }
  return internals.spec as TableSpec<K, V>
}

/** The stream's internals; STREAMS_INVALID_TOPOLOGY unless it is a KStream of `builder`. */
export function streamOf<K, V>(value: unknown, builder: InternalStreamsBuilder, operation: string): StreamSpec<K, V> {
  const internals = dslInternalsOf(value)
  if (internals === null || internals.kind !== 'stream' || internals.builder !== builder) {
    throw new StreamsError('STREAMS_INVALID_TOPOLOGY', `${operation} needs a KStream of the same StreamsBuilder`)
  }
  return internals.spec as StreamSpec<K, V>
}
