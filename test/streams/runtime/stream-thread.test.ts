import { afterEach, describe, expect, it } from 'vitest'
import { Creek, type ProducerOptions } from '../../../core/index.ts'
import { tempDir } from '../../helpers/temp-dir.ts'
import { CreekStreams, FAST_BROKER, FAST_CONSUMER, createTopics, statelessTopology, waitForState } from './helpers.ts'

const opened: Creek[] = []
const apps: CreekStreams[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close({ timeoutMs: 10_000 })))
  await Promise.all(opened.splice(0).map((c) => c.close()))
})

/** A Creek whose `producer()` calls are recorded. */
function recording(creek: Creek): { creek: Creek; producerOptions: ProducerOptions[] } {
  const producerOptions: ProducerOptions[] = []
  const proxy = new Proxy(creek, {
    get(target, property, receiver) {
      if (property === 'producer') {
        return (options: ProducerOptions) => {
          producerOptions.push(options)
          return target.producer(options)
        }
      }
      const value = Reflect.get(target, property, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return { creek: proxy, producerOptions }
}

describe('StreamThread', () => {
  it("gives its producer Kafka Streams' throughput defaults, under the application's producer options", async () => {
    const dir = tempDir('creek-streams-')
    const creek = await Creek.open({ dataDir: `${dir}/data`, config: FAST_BROKER })
    opened.push(creek)
    await createTopics(creek, { in: 1, out: 1 })
    const first = recording(creek)
    const defaults = new CreekStreams(statelessTopology(), { creek: first.creek, applicationId: 'a', stateDir: `${dir}/a`, consumer: FAST_CONSUMER })
    apps.push(defaults)
    await defaults.start()
    await waitForState(defaults, 'RUNNING')
    expect(first.producerOptions).toEqual([expect.objectContaining({ acks: 'all', batchSize: 512 * 1024, lingerMs: 20 })])

    const second = recording(creek)
    const tuned = new CreekStreams(statelessTopology(), {
      creek: second.creek, applicationId: 'b', stateDir: `${dir}/b`, consumer: FAST_CONSUMER, producer: { batchSize: 16_384, acks: 1 },
    })
    apps.push(tuned)
    await tuned.start()
    await waitForState(tuned, 'RUNNING')
    expect(second.producerOptions).toEqual([expect.objectContaining({ acks: 1, batchSize: 16_384, lingerMs: 20 })])
  })
})
