import { describe, expect, it } from 'vitest'
import { StreamsError } from '../../../streams/errors.ts'
import { STREAMS_DEFAULTS, resolveStreamsConfig } from '../../../streams/runtime/config.ts'

describe('resolveStreamsConfig', () => {
  it('fills in Kafka Streams\' defaults', () => {
    const config = resolveStreamsConfig({ applicationId: 'wc' }, '/tmp')
    expect(config).toMatchObject({
      applicationId: 'wc', stateDir: '/tmp/creek-streams', commitIntervalMs: 30_000, cacheMaxBytes: 10 * 1024 * 1024,
      bufferedRecordsPerPartition: 1000, numStreamThreads: 1, numStandbyReplicas: 0, replicationFactor: 1, clientId: 'wc',
      deserializationExceptionHandler: 'log-and-fail', processingExceptionHandler: 'log-and-fail', productionExceptionHandler: 'log-and-fail',
      consumer: {}, producer: {},
    })
    expect(STREAMS_DEFAULTS.commitIntervalMs).toBe(30_000)
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('takes client options and refuses the ones the runtime owns', () => {
    const config = resolveStreamsConfig({ applicationId: 'a', clientId: 'c', consumer: { sessionTimeoutMs: 6000 }, producer: { lingerMs: 1 } }, '/tmp')
    expect(config.consumer).toEqual({ sessionTimeoutMs: 6000 })
    expect(config.producer).toEqual({ lingerMs: 1 })
    expect(config.clientId).toBe('c')
    for (const bad of [
      { consumer: { groupId: 'x' } }, { consumer: { enableAutoCommit: true } }, { consumer: { partitionAssignors: ['range'] } },
      { producer: { clientId: 'p' } }, { consumer: 'x' }, { clientId: '' },
    ]) {
      expect(() => resolveStreamsConfig({ applicationId: 'a', ...(bad as object) }, '/tmp')).toThrow(StreamsError)
    }
  })

  it('names the option and the value in STREAMS_INVALID_CONFIG', () => {
    const cases: [object, RegExp][] = [
      [{ applicationId: 'bad id' }, /applicationId: bad id/],
      [{ applicationId: 'a', commitIntervalMs: -1 }, /commitIntervalMs: -1/],
      [{ applicationId: 'a', numStreamThreads: 0 }, /numStreamThreads: 0/],
      [{ applicationId: 'a', bufferedRecordsPerPartition: 1.5 }, /bufferedRecordsPerPartition/],
      [{ applicationId: 'a', productionExceptionHandler: 'ignore' }, /productionExceptionHandler/],
      [{ applicationId: 'a', consumer: { groupInstanceId: 'x' } }, /consumer.groupInstanceId/],
    ]
    for (const [options, message] of cases) {
      let error: unknown
      try {
        resolveStreamsConfig(options as never, '/tmp')
      } catch (e) {
        error = e
      }
      expect((error as StreamsError).code).toBe('STREAMS_INVALID_CONFIG')
      expect((error as Error).message).toMatch(message)
    }
  })
})
