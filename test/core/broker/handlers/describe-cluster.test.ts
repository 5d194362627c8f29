import { describe, expect, it } from 'vitest'
import { ApiVersions } from '../../../../core/protocol/apis/api-versions.ts'
import { DescribeCluster, EndpointType } from '../../../../core/protocol/apis/describe-cluster.ts'
import { Metadata } from '../../../../core/protocol/apis/metadata.ts'
import { ErrorCode } from '../../../../core/protocol/error-codes.ts'
import { call, openBroker } from './topic-admin-helpers.ts'

// CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE (Kafka's AclOperation bits)
const CLUSTER_OPERATIONS = 0b1_1111_1010_0000

describe('DescribeCluster handler', () => {
  it('describes the cluster as Metadata does: cluster id, this broker as the only broker and the controller', async () => {
    const broker = await openBroker({ 'node.id': 4 })
    broker.setEndpoint({ host: '127.0.0.1', port: 19093 })
    for (const version of [0, 1]) {
      const response = await call(broker, DescribeCluster, version, { includeClusterAuthorizedOperations: false, endpointType: EndpointType.BROKER })
      expect(response, `v${version}`).toEqual({
        throttleTimeMs: 0, errorCode: 0, errorMessage: null, endpointType: EndpointType.BROKER, clusterId: broker.clusterId, controllerId: 4,
        brokers: [{ brokerId: 4, host: '127.0.0.1', port: 19093, rack: null }],
        clusterAuthorizedOperations: -2147483648,
      })
    }
    const metadata = await call(broker, Metadata, 12, { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false })
    expect(metadata.brokers).toEqual([{ nodeId: 4, host: '127.0.0.1', port: 19093, rack: null }])
    expect([metadata.clusterId, metadata.controllerId]).toEqual([broker.clusterId, 4])
  })

  it('reports every cluster operation when asked (no authorizer), as Metadata up to v10 did', async () => {
    const broker = await openBroker()
    for (const version of [0, 1]) {
      const response = await call(broker, DescribeCluster, version, { includeClusterAuthorizedOperations: true, endpointType: EndpointType.BROKER })
      expect(response.clusterAuthorizedOperations, `v${version}`).toBe(CLUSTER_OPERATIONS)
    }
    const metadata = await call(broker, Metadata, 10, { topics: [], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: true, includeTopicAuthorizedOperations: false })
    expect(metadata.clusterAuthorizedOperations).toBe(CLUSTER_OPERATIONS)
  })

  it('v1: controllers are MISMATCHED_ENDPOINT_TYPE on a broker endpoint, unknown types UNSUPPORTED_ENDPOINT_TYPE; v0: INVALID_REQUEST', async () => {
    const broker = await openBroker()
    const refused = (errorCode: number) => expect.objectContaining({
      errorCode, errorMessage: expect.any(String), clusterId: '', controllerId: -1, brokers: [], clusterAuthorizedOperations: -2147483648,
    })
    const ask = (version: number, endpointType: number) => call(broker, DescribeCluster, version, { includeClusterAuthorizedOperations: true, endpointType })
    const controllers = await ask(1, EndpointType.CONTROLLER)
    expect(controllers).toEqual(refused(ErrorCode.MISMATCHED_ENDPOINT_TYPE))
    expect(controllers.errorMessage).toMatch(/cannot describe controllers/)
    expect(await ask(1, 7)).toEqual(refused(ErrorCode.UNSUPPORTED_ENDPOINT_TYPE))
    expect((await ask(1, 7)).errorMessage).toMatch(/Unsupported endpoint type 7/)
    // v0 has no endpoint type on the wire; only an in-process caller can send one.
    expect(await ask(0, EndpointType.CONTROLLER)).toMatchObject({ errorCode: 0, endpointType: EndpointType.BROKER })
    const context = { apiVersion: 0, clientId: 'test', clientHost: 'in-process' }
    for (const endpointType of [EndpointType.CONTROLLER, 7]) {
      const response = await broker.handle(DescribeCluster, { includeClusterAuthorizedOperations: false, endpointType }, context)
      expect(response).toEqual(refused(ErrorCode.INVALID_REQUEST))
    }
  })

  it('ApiVersions advertises Metadata 0–12 together with DescribeCluster 0–1', async () => {
    const broker = await openBroker()
    const { apiKeys } = await call(broker, ApiVersions, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' })
    expect(apiKeys.find((k) => k.apiKey === Metadata.apiKey)).toEqual({ apiKey: 3, minVersion: 0, maxVersion: 12 })
    expect(apiKeys.find((k) => k.apiKey === DescribeCluster.apiKey)).toEqual({ apiKey: 60, minVersion: 0, maxVersion: 1 })
  })
})
