/**
 * `windowedBy` of `KGroupedStream` (see kgrouped-stream-impl.ts): the windowed stream for a
 * window specification.
 */
import { StreamsError } from '../../errors.ts'
import type { SessionWindowedKStream, TimeWindowedKStream } from '../api.ts'
import type { GroupedStreamSpec, InternalStreamsBuilder } from '../internal-streams-builder.ts'
import { SessionWindowedKStreamImpl } from './session-windowed-kstream-impl.ts'
import { SessionWindows } from './session-windows.ts'
import { SlidingWindows } from './sliding-windows.ts'
import { TimeWindowedKStreamImpl, type Upstream } from './time-windowed-kstream-impl.ts'
import { TimeWindows } from './time-windows.ts'

export function windowedStream<K, V>(
  builder: InternalStreamsBuilder, spec: GroupedStreamSpec<K, V>, windows: unknown, upstream: Upstream,
): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> {
  builder.checkOpen()
  if (windows instanceof SessionWindows) return new SessionWindowedKStreamImpl(builder, spec, windows, upstream)
  if (windows instanceof TimeWindows || windows instanceof SlidingWindows) return new TimeWindowedKStreamImpl(builder, spec, windows, upstream)
  throw new StreamsError('STREAMS_INVALID_CONFIG', 'windowedBy needs TimeWindows, SlidingWindows or SessionWindows')
}
