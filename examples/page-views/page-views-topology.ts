/**
 * Page views per region per minute, final counts only, with Creek's DSL:
 *
 *   user-profiles        user id → {region, name}    compacted topic, read as a KTable
 *   page-views           user id → {page, ...}       event time = the record's timestamp
 *     → join(profiles)   stream–table join: each view gets the region of its user's current
 *                        profile (a view of a user without a profile has no output: inner join)
 *     → groupBy(region)  re-keys by region: through `<applicationId>-views-by-region-repartition`
 *     → windowedBy       1-minute tumbling windows, aligned to the epoch, 30 s of grace for
 *                        out-of-order views; a view for a window already closed is dropped
 *     → count()          in the RocksDB window store `views-per-region`
 *     → suppress         emit-final: nothing until stream time passes the window's end + grace,
 *                        then one record per window with its final count
 *     → to(...)          region-views-per-minute: `region@windowStart` → count (8-byte
 *                        big-endian, Kafka's LongSerde), windowStart in ISO-8601 UTC
 *
 * Stream time is event time: the largest timestamp the counting task has seen. Windows close
 * as later views arrive, never by the wall clock, so the same input always gives the same output.
 */
import { serdes } from '../../serdes/index.ts'
import {
  BufferConfig, Consumed, countSerde, Grouped, Joined, Materialized, Produced, StreamsBuilder, Suppressed, TimeWindows, type Topology,
} from '../../streams/index.ts'

export const PROFILES_TOPIC = 'user-profiles'
export const PAGE_VIEWS_TOPIC = 'page-views'
export const OUTPUT_TOPIC = 'region-views-per-minute'
export const APPLICATION_ID = 'page-views-per-region'
export const PROFILES_STORE = 'profiles'
export const COUNTS_STORE = 'views-per-region'
/** The name of the re-keying step: its repartition topic is `<applicationId>-views-by-region-repartition`. */
export const REPARTITION_NAME = 'views-by-region'

export const WINDOW_MS = 60_000
export const GRACE_MS = 30_000

export interface Profile {
  readonly region: string
  readonly name: string
}

export interface PageView {
  readonly page: string
  readonly referrer?: string
}

export interface RegionView extends PageView {
  readonly region: string
}

/** `region@windowStart`, the output key: the window start as ISO-8601 UTC without milliseconds. */
export function windowKey(region: string, windowStartMs: number): string {
  return `${region}@${new Date(windowStartMs).toISOString().replace('.000Z', 'Z')}`
}

export function pageViewsTopology(): Topology {
  const builder = new StreamsBuilder()
  const profiles = builder.table(
    PROFILES_TOPIC,
    Consumed.with(serdes.string(), serdes.json<Profile>()),
    Materialized.as<string, Profile>(PROFILES_STORE),
  )
  builder
    .stream(PAGE_VIEWS_TOPIC, Consumed.with(serdes.string(), serdes.json<PageView>()))
    .join(profiles, (view, profile): RegionView => ({ ...view, region: profile.region }), Joined.with(serdes.string(), serdes.json<PageView>(), serdes.json<Profile>()))
    .groupBy((_user, view) => view.region, Grouped.with(serdes.string(), serdes.json<RegionView>()).withName(REPARTITION_NAME))
    .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW_MS, GRACE_MS))
    .count(Materialized.as<string, number>(COUNTS_STORE))
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
    .toStream()
    .map((windowed, count) => ({ key: windowKey(windowed.key, windowed.window.startMs), value: count }))
    .to(OUTPUT_TOPIC, Produced.with(serdes.string(), countSerde()))
  return builder.build()
}
