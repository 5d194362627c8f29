import { describe, expect, it } from 'vitest'
import { FindCoordinator } from '../../../../core/protocol/apis/find-coordinator.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { call, openGroupBroker } from './group-helpers.ts'

const NO_NODE = { nodeId: -1, host: '', port: -1 }

describe('FindCoordinator handler', () => {
  it('v0–3: this broker for any group key, the empty one included (Kafka answers it too)', async () => {
    const broker = await openGroupBroker()
    broker.setEndpoint({ host: 'creek.example', port: 19092 })
    for (const version of [0, 1, 2, 3]) {
      for (const key of ['billing', '']) {
        const response = await call(broker, FindCoordinator, version, { key, keyType: 0, coordinatorKeys: [] })
        // errorMessage is on the wire from v1; v0 decodes to the field's default.
        expect(response, `v${version} '${key}'`).toMatchObject({ errorCode: 0, errorMessage: version >= 1 ? null : '', nodeId: broker.nodeId, host: 'creek.example', port: 19092, throttleTimeMs: 0 })
      }
    }
  })

  it('transaction keys: COORDINATOR_NOT_AVAILABLE with no node, as there is no transaction coordinator yet', async () => {
    const broker = await openGroupBroker()
    const single = await call(broker, FindCoordinator, 1, { key: 'tx-1', keyType: 1, coordinatorKeys: [] })
    expect(single).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, ...NO_NODE })
    expect(single.errorMessage).toMatch(/transaction/)
    const batched = await call(broker, FindCoordinator, 4, { key: '', keyType: 1, coordinatorKeys: ['tx-1', 'tx-2'] })
    expect(batched.coordinators.map((c) => [c.key, c.errorCode, c.nodeId, c.host, c.port])).toEqual([
      ['tx-1', ErrorCode.COORDINATOR_NOT_AVAILABLE, -1, '', -1], ['tx-2', ErrorCode.COORDINATOR_NOT_AVAILABLE, -1, '', -1],
    ])
  })

  it('an unknown key type is INVALID_REQUEST for every key', async () => {
    const broker = await openGroupBroker()
    expect(await call(broker, FindCoordinator, 2, { key: 'g', keyType: 7, coordinatorKeys: [] })).toMatchObject({ errorCode: ErrorCode.INVALID_REQUEST, ...NO_NODE })
    const batched = await call(broker, FindCoordinator, 4, { key: '', keyType: 2, coordinatorKeys: ['g'] })
    expect(batched.coordinators).toEqual([{ key: 'g', errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Unknown coordinator key type 2', ...NO_NODE }])
  })

  it('v0 has no key type: an in-process caller\'s keyType is ignored', async () => {
    const broker = await openGroupBroker()
    const response = await broker.handle(FindCoordinator, { key: 'g', keyType: 1, coordinatorKeys: [] }, { apiVersion: 0, clientId: 'c', clientHost: 'in-process' })
    expect(response.errorCode).toBe(0)
  })

  it('v4 answers each key in order, an empty batch with no coordinators', async () => {
    const broker = await openGroupBroker()
    const response = await call(broker, FindCoordinator, 4, { key: '', keyType: 0, coordinatorKeys: ['b', 'a', 'b'] })
    expect(response.coordinators.map((c) => [c.key, c.errorCode, c.nodeId])).toEqual([['b', 0, broker.nodeId], ['a', 0, broker.nodeId], ['b', 0, broker.nodeId]])
    expect((await call(broker, FindCoordinator, 4, { key: '', keyType: 0, coordinatorKeys: [] })).coordinators).toEqual([])
  })

  it('a closed coordinator is not available', async () => {
    const broker = await openGroupBroker()
    await broker.groups.close()
    expect(await call(broker, FindCoordinator, 3, { key: 'g', keyType: 0, coordinatorKeys: [] })).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, ...NO_NODE })
  })
})
