import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../../core/index.ts'
import { resolveStreamsConfig } from '../../../streams/runtime/config.ts'
import { planPartitions, prepareTopics, type TopicAdmin, validateCopartitioning } from '../../../streams/runtime/internal-topics.ts'
import { ResolvedTopology, type RuntimeTopology } from '../../../streams/runtime/runtime-topology.ts'
import type { InternalTopic, SubtopologyInfo } from '../../../streams/topology/subtopology.ts'

function topology(subtopologies: SubtopologyInfo[], internal: InternalTopic[], copartition: string[][] = []): ResolvedTopology {
  const t: RuntimeTopology = {
    subtopologies: () => subtopologies,
    internalTopics: () => internal,
    stores: () => [],
    globalStores: () => [],
    copartitionGroups: () => copartition,
  }
  return new ResolvedTopology(t, 'app')
}
const sub = (id: number, sourceTopics: string[], repartitionSourceTopics: string[] = []): SubtopologyInfo => ({
  id, sourceTopics, sourcePatterns: [], repartitionSourceTopics, stores: [],
})

describe('planPartitions', () => {
  const wordCount = topology(
    [sub(0, ['words']), sub(1, [], ['by-word-repartition'])],
    [
      { name: 'by-word-repartition', kind: 'repartition', subtopology: 1, config: {} },
      { name: 'counts-changelog', kind: 'changelog', subtopology: 1, config: { 'cleanup.policy': 'compact' } },
    ],
  )

  it('sizes a repartition topic from the user sources, and changelogs from their sub-topology', () => {
    const counts = planPartitions(wordCount, new Map([['words', 3]]))
    expect(counts.get('app-by-word-repartition')).toBe(3)
    expect(counts.get('app-counts-changelog')).toBe(3)
  })

  it('takes a fixed numberOfPartitions', () => {
    const t = topology([sub(0, ['in']), sub(1, [], ['r-repartition'])], [
      { name: 'r-repartition', kind: 'repartition', subtopology: 1, config: {}, numberOfPartitions: 7 },
      { name: 's-changelog', kind: 'changelog', subtopology: 1, config: {} },
    ])
    const counts = planPartitions(t, new Map([['in', 2]]))
    expect(counts.get('app-r-repartition')).toBe(7)
    expect(counts.get('app-s-changelog')).toBe(7)
  })

  it('gives a repartition topic in a co-partition group the count of the group\'s user topic', () => {
    const t = topology([sub(0, ['left']), sub(1, ['right'], ['l-repartition'])], [
      { name: 'l-repartition', kind: 'repartition', subtopology: 1, config: {} },
    ], [['l-repartition', 'right']])
    const counts = planPartitions(t, new Map([['left', 8], ['right', 2]]))
    expect(counts.get('app-l-repartition')).toBe(2)
    expect(() => validateCopartitioning(t, counts)).not.toThrow()
  })

  it('refuses co-partitioned topics with different counts, naming topics and counts', () => {
    const t = topology([sub(0, ['orders', 'customers'])], [], [['orders', 'customers']])
    let error: unknown
    try {
      validateCopartitioning(t, planPartitions(t, new Map([['orders', 4], ['customers', 3]])))
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({ code: 'STREAMS_COPARTITIONING' })
    expect((error as Error).message).toMatch(/'orders' \(4\), 'customers' \(3\)/)
  })
})

describe('prepareTopics', () => {
  function fakeAdmin(existing: Record<string, number>): TopicAdmin & { created: unknown[] } {
    const created: unknown[] = []
    return {
      created,
      listTopics: async () => Object.keys(existing),
      describeTopics: async (topics: readonly string[]) => topics.map((topic) => ({
        topic, topicId: undefined, internal: false,
        partitions: Array.from({ length: existing[topic] }, (_, partition) => ({ partition, leader: 0, leaderEpoch: 0, replicas: [0], isr: [0], earliest: 0, latest: 0 })),
      })),
      createTopics: async (topics: readonly unknown[]) => {
        created.push(...topics)
        return []
      },
    } as unknown as TopicAdmin & { created: unknown[] }
  }
  const config = resolveStreamsConfig({ applicationId: 'app' }, '/tmp')
  const t = topology([sub(0, ['in'])], [{ name: 's-changelog', kind: 'changelog', subtopology: 0, config: { 'cleanup.policy': 'compact', 'segment.ms': '1000' } }])

  it('creates missing internal topics with their configs', async () => {
    const admin = fakeAdmin({ in: 4 })
    const prepared = await prepareTopics(admin, t, config, silentLogger)
    expect(prepared.created).toEqual(['app-s-changelog'])
    expect(admin.created).toEqual([{ topic: 'app-s-changelog', numPartitions: 4, replicationFactor: 1, configs: { 'cleanup.policy': 'compact', 'segment.ms': '1000' } }])
  })

  it('leaves existing internal topics alone, and refuses one with another partition count', async () => {
    const admin = fakeAdmin({ in: 4, 'app-s-changelog': 4 })
    expect((await prepareTopics(admin, t, config, silentLogger)).created).toEqual([])
    await expect(prepareTopics(fakeAdmin({ in: 4, 'app-s-changelog': 2 }), t, config, silentLogger)).rejects.toThrow(/has 2 partitions.*needs 4/)
  })

  it('refuses to start when a source topic is missing', async () => {
    await expect(prepareTopics(fakeAdmin({}), t, config, silentLogger)).rejects.toMatchObject({ code: 'STREAMS_INVALID_TOPOLOGY' })
  })
})
