/**
 * Joins on the runtime: co-partitioning checked at start, repartition topics sized to their
 * co-partition group, and a stream–table join running on CreekStreams over an embedded Creek.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { Creek } from '../../../core/index.ts'
import { CreekStreams, Consumed, Joined, Materialized, Produced, StreamsBuilder } from '../../../streams/index.ts'
import { planPartitions } from '../../../streams/runtime/internal-topics.ts'
import { ResolvedTopology } from '../../../streams/runtime/runtime-topology.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import { FAST_BROKER, appOptions, createTopics, produce, readUntil, waitFor } from '../runtime/helpers.ts'
import { string } from './doc-tables.ts'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function enrichClicks(rekey: boolean): StreamsBuilder {
  const builder = new StreamsBuilder()
  const users = builder.table('users', Consumed.with(string, string), Materialized.as('users-store'))
  let clicks = builder.stream('clicks', Consumed.with(string, string))
  if (rekey) clicks = clicks.selectKey((_k, v) => v.split('/')[0])
  clicks.leftJoin(users, (click, user) => `${user ?? 'anonymous'} -> ${click}`, Joined.with(string, string, string).withName('enrich'))
    .to('enriched', Produced.with(string, string))
  return builder
}

async function openCreek(): Promise<{ creek: Creek; dir: string }> {
  const dir = tempDir('creek-joins-')
  const creek = await Creek.open({ dataDir: `${dir}/data`, config: FAST_BROKER })
  cleanups.push(() => creek.close())
  return { creek, dir }
}

describe('joins on the runtime', () => {
  it('gives the repartition topic of a re-keyed stream the partition count of the table it joins', () => {
    const topology = enrichClicks(true).build()
    expect(topology.copartitionGroups()).toEqual([['enrich-repartition', 'users']])
    const counts = planPartitions(new ResolvedTopology(topology, 'app'), new Map([['clicks', 2], ['users', 5]]))
    expect(counts.get('app-enrich-repartition')).toBe(5)
  })

  it('refuses to start when the two sides of a join are not co-partitioned', async () => {
    const { creek, dir } = await openCreek()
    await createTopics(creek, { users: 3, clicks: 2, enriched: 1 })
    const app = new CreekStreams(enrichClicks(false).build(), appOptions(creek, `${dir}/state`, { applicationId: 'copart' }))
    cleanups.push(() => app.close({ timeoutMs: 10_000 }))
    await expect(app.start()).rejects.toMatchObject({ code: 'STREAMS_COPARTITIONING', message: expect.stringMatching(/'users' \(3\).*'clicks' \(2\)|'clicks' \(2\).*'users' \(3\)/) })
  })

  it('runs a stream–table join (after a re-keying) on CreekStreams', async () => {
    const { creek, dir } = await openCreek()
    await createTopics(creek, { users: 2, clicks: 3, enriched: 2 })
    await produce(creek, 'users', [{ key: 'u1', value: 'ann' }, { key: 'u2', value: 'bob' }, { key: 'u3', value: 'cid' }])
    const app = new CreekStreams(enrichClicks(true).build(), appOptions(creek, `${dir}/state`, { applicationId: 'enrich-app' }))
    cleanups.push(() => app.close({ timeoutMs: 10_000 }))
    await app.start()
    await waitFor('the users table', () => {
      try {
        return app.store<string, string>('users-store').get('u3') === 'cid'
      } catch {
        return false
      }
    })
    await produce(creek, 'clicks', [
      { key: 'x1', value: 'u1/home' }, { key: 'x2', value: 'u2/cart' }, { key: 'x3', value: 'u9/home' }, { key: 'x4', value: 'u3/pay' },
    ])
    const out = await readUntil(creek, 'enriched', (records) => records.length >= 4)
    expect(out.map((r) => [r.key, r.value]).sort()).toEqual([
      ['u1', 'ann -> u1/home'], ['u2', 'bob -> u2/cart'], ['u3', 'cid -> u3/pay'], ['u9', 'anonymous -> u9/home'],
    ])
    const admin = creek.admin()
    const described = await admin.describeTopics(['enrich-app-enrich-repartition'])
    await admin.close()
    expect(described[0].partitions.length).toBe(2)
  })
})
