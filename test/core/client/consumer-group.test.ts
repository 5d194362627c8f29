/**
 * Issue 3's proof: a group of consumers over 12 partitions sees every record exactly once and
 * never has a partition owned by two members, through members joining, leaving and being
 * killed (no LeaveGroup, no commit: the coordinator notices by session timeout), with each
 * assignor.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Broker } from '../../../core/broker/broker.ts'
import type { AssignorName } from '../../../core/client/consumer-config.ts'
import type { Consumer } from '../../../core/client/consumer.ts'
import type { TopicPartition } from '../../../core/client/partition-map.ts'
import { consumerOf, openBroker, produce, text, waitFor } from './consumer-helpers.ts'

const TOPIC = 'events'
const PARTITIONS = 12

/** Who owns which partition, per the rebalance listeners; records any overlap. */
class OwnershipLedger {
  readonly owners = new Map<string, string>()
  readonly violations: string[] = []
  readonly seen = new Map<string, number>()

  listener(name: string) {
    const key = (tp: TopicPartition): string => `${tp.topic}-${tp.partition}`
    return {
      onPartitionsAssigned: (partitions: TopicPartition[]) => {
        for (const tp of partitions) {
          const owner = this.owners.get(key(tp))
          if (owner !== undefined && owner !== name) this.violations.push(`${key(tp)} assigned to ${name} while ${owner} owns it`)
          this.owners.set(key(tp), name)
        }
      },
      onPartitionsRevoked: (partitions: TopicPartition[]) => {
        for (const tp of partitions) if (this.owners.get(key(tp)) === name) this.owners.delete(key(tp))
      },
      onPartitionsLost: (partitions: TopicPartition[]) => {
        for (const tp of partitions) if (this.owners.get(key(tp)) === name) this.owners.delete(key(tp))
      },
    }
  }

  /** The member died: it owns nothing any more (it processes nothing either). */
  forget(name: string): void {
    for (const [tp, owner] of [...this.owners]) if (owner === name) this.owners.delete(tp)
  }

  record(name: string, partition: number, value: string): void {
    const owner = this.owners.get(`${TOPIC}-${partition}`)
    if (owner !== name) this.violations.push(`${name} processed ${value} of partition ${partition} owned by ${owner}`)
    this.seen.set(value, (this.seen.get(value) ?? 0) + 1)
  }
}

/** Produces 12 records (one per partition) every few ms until stopped. */
function startProducing(broker: Broker, wave: string): { stop: () => Promise<number> } {
  let running = true
  let produced = 0
  const loop = (async () => {
    while (running) {
      for (let p = 0; p < PARTITIONS; p++) await produce(broker, TOPIC, p, [`${wave}-${produced++}`])
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  })()
  return {
    stop: async () => {
      running = false
      await loop
      return produced
    },
  }
}

describe.each([
  { assignor: 'range' as AssignorName },
  { assignor: 'roundrobin' as AssignorName },
  { assignor: 'cooperative-sticky' as AssignorName },
])('a group of consumers with $assignor', ({ assignor }) => {
  let broker: Broker
  const consumers: Consumer[] = []
  afterEach(async () => {
    for (const c of consumers.splice(0)) await c.close().catch(() => undefined)
    await broker?.close()
  })

  it('sees every record exactly once through joins, leaves and kills, with no partition owned twice', async () => {
    broker = await openBroker()
    await broker.logs.createTopic(TOPIC, { partitions: PARTITIONS })
    const ledger = new OwnershipLedger()
    const members = new Map<string, Consumer>()
    const start = async (name: string): Promise<Consumer> => {
      const consumer = consumerOf(broker, {
        groupId: `exactly-once-${assignor}`, clientId: name, autoOffsetReset: 'earliest', partitionAssignors: [assignor],
        autoCommitIntervalMs: 100, sessionTimeoutMs: 1000,
      })
      consumers.push(consumer)
      members.set(name, consumer)
      await consumer.subscribe({ topics: [TOPIC], ...ledger.listener(name) })
      await consumer.run({ eachMessage: async ({ partition, message }) => ledger.record(name, partition, text(message.value)!) })
      return consumer
    }
    const balanced = (names: string[], per: number[]) => async (): Promise<boolean> => {
      const counts = names.map((n) => members.get(n)!.assignment().length).sort((a, b) => a - b)
      return counts.join() === per.join() && ledger.owners.size === PARTITIONS
    }
    const allSeen = (count: number) => (): boolean => ledger.seen.size === count
    const committedAll = async (via: Consumer): Promise<boolean> => {
      const committed = await via.committed(Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: TOPIC, partition })))
      return committed.every((c) => c.offset === broker.logs.log(TOPIC, c.partition)!.logEndOffset)
    }

    await start('c1')
    await start('c2')
    await waitFor(balanced(['c1', 'c2'], [6, 6]), 'two members with 6 partitions each')

    let producing = startProducing(broker, 'first')
    await start('c3') // joins while records flow
    await waitFor(balanced(['c1', 'c2', 'c3'], [4, 4, 4]), 'three members with 4 partitions each')
    await members.get('c2')!.stop() // leaves while records flow
    members.delete('c2')
    await waitFor(balanced(['c1', 'c3'], [6, 6]), 'c1 and c3 with 6 each after c2 left')
    await start('c4')
    await waitFor(balanced(['c1', 'c3', 'c4'], [4, 4, 4]), 'c4 joined')
    const first = await producing.stop()
    await waitFor(allSeen(first), `all ${first} records seen`)
    await waitFor(() => committedAll(members.get('c3')!), 'every partition committed up to its end', 10_000)

    // c1 dies: no LeaveGroup, no commit. The coordinator expires it after the session timeout.
    members.get('c1')!.kill()
    ledger.forget('c1')
    members.delete('c1')
    producing = startProducing(broker, 'second')
    await waitFor(balanced(['c3', 'c4'], [6, 6]), 'c3 and c4 with 6 each after c1 was killed', 15_000)
    await start('c5')
    await waitFor(balanced(['c3', 'c4', 'c5'], [4, 4, 4]), 'c5 joined after the kill')
    const produced = first + (await producing.stop())
    await waitFor(allSeen(produced), `all ${produced} records seen`)

    expect(ledger.violations).toEqual([])
    const duplicates = [...ledger.seen].filter(([, n]) => n !== 1)
    expect(duplicates).toEqual([])
    expect(ledger.seen.size).toBe(produced)
  }, 60_000)
})
