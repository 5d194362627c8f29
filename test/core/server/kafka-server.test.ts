import { afterEach, describe, expect, it } from 'vitest'
import { Broker } from '../../../core/broker/broker.ts'
import { ApiVersions } from '../../../core/protocol/apis/api-versions.ts'
import { DescribeCluster, EndpointType } from '../../../core/protocol/apis/describe-cluster.ts'
import { Metadata } from '../../../core/protocol/apis/metadata.ts'
import { ErrorCode } from '../../../core/protocol/error-codes.ts'
import { decodeResponse, encodeRequest } from '../../../core/protocol/headers.ts'
import { Reader } from '../../../core/protocol/reader.ts'
import { KafkaServer, type KafkaServerOptions } from '../../../core/server/kafka-server.ts'
import { RawClient } from '../../helpers/raw-client.ts'
import { tempDir } from '../../helpers/temp-dir.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function start(options: KafkaServerOptions = {}) {
  const broker = await Broker.open({ dataDir: tempDir(), background: false, config: { 'offsets.topic.num.partitions': 1 } })
  const server = new KafkaServer(broker, options)
  const address = await server.listen({ host: '127.0.0.1', port: 0 })
  cleanups.push(() => broker.close(), () => server.close())
  const client = async () => {
    const c = await RawClient.connect(address.port)
    cleanups.push(() => c.close())
    return c
  }
  return { broker, server, address, client }
}

const apiVersionsRequest = (version: number, correlationId: number) =>
  encodeRequest(ApiVersions, version, correlationId, 'test-client', { clientSoftwareName: 'creek-test', clientSoftwareVersion: '1.0' })

function apiVersionsResponse(frame: Buffer, version: number) {
  return decodeResponse(ApiVersions, version, new Reader(frame))
}

describe('KafkaServer', () => {
  it('answers ApiVersions v0 and v3 (flexible request, response header v0) and advertises the broker port', async () => {
    const { client, broker, address } = await start()
    expect(broker.endpoint).toEqual({ host: '127.0.0.1', port: address.port })
    const c = await client()
    c.send(apiVersionsRequest(0, 1))
    c.send(apiVersionsRequest(3, 2))
    const [v0, v3] = await c.waitFrames(2)
    const r0 = apiVersionsResponse(v0, 0)
    const r3 = apiVersionsResponse(v3, 3)
    expect(r0.correlationId).toBe(1)
    expect(r3.correlationId).toBe(2)
    expect(r3.body.errorCode).toBe(ErrorCode.NONE)
    expect(r3.body.apiKeys).toContainEqual({ apiKey: 18, minVersion: 0, maxVersion: 3 })
  })

  it('answers an unsupported ApiVersions version in v0 format with UNSUPPORTED_VERSION and the list', async () => {
    const { client } = await start()
    const c = await client()
    const frame = apiVersionsRequest(3, 7)
    frame.writeInt16BE(99, 6) // api version field
    c.send(frame)
    const [response] = await c.waitFrames(1)
    const decoded = apiVersionsResponse(response, 0)
    expect(decoded.correlationId).toBe(7)
    expect(decoded.body.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION)
    expect(decoded.body.apiKeys.length).toBeGreaterThan(0)
    expect(c.closed).toBe(false)
  })

  it('serves Metadata v12 by topic id and DescribeCluster v1 over a socket (flexible headers both ways)', async () => {
    const { broker, client, address } = await start()
    const created = await broker.logs.createTopic('ids', { partitions: 2 })
    const c = await client()
    c.send(encodeRequest(Metadata, 12, 1, 'test-client', {
      topics: [{ topicId: created.topicId, name: null }], allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false,
    }))
    c.send(encodeRequest(DescribeCluster, 1, 2, 'test-client', { includeClusterAuthorizedOperations: false, endpointType: EndpointType.BROKER }))
    const [metadata, cluster] = await c.waitFrames(2)
    const m = decodeResponse(Metadata, 12, new Reader(metadata))
    expect(m.correlationId).toBe(1)
    expect(m.body.topics.map((t) => [t.errorCode, t.name, t.topicId, t.partitions.length])).toEqual([[0, 'ids', created.topicId, 2]])
    const d = decodeResponse(DescribeCluster, 1, new Reader(cluster))
    expect(d.correlationId).toBe(2)
    expect(d.body).toMatchObject({
      errorCode: 0, clusterId: broker.clusterId, controllerId: broker.nodeId,
      brokers: [{ brokerId: broker.nodeId, host: '127.0.0.1', port: address.port, rack: null }],
    })
  })

  it('handles partial and pipelined frames, answering in request order', async () => {
    const { client } = await start()
    const c = await client()
    const bytes = Buffer.concat([apiVersionsRequest(0, 10), apiVersionsRequest(1, 11), apiVersionsRequest(2, 12), apiVersionsRequest(3, 13)])
    for (let i = 0; i < bytes.length; i += 7) {
      c.send(bytes.subarray(i, i + 7))
      await new Promise((r) => setImmediate(r))
    }
    const frames = await c.waitFrames(4)
    expect(frames.map((f, i) => apiVersionsResponse(f, i).correlationId)).toEqual([10, 11, 12, 13])
  })

  it('closes only the offending connection for an unknown API, a bad version or an oversized frame', async () => {
    const { client } = await start({ socketRequestMaxBytes: 1024 })
    const healthy = await client()
    const unknownApi = await client()
    const frame = apiVersionsRequest(0, 1)
    frame.writeInt16BE(9999, 4) // api key
    unknownApi.send(frame)
    expect(await unknownApi.waitClosed()).toBe(true)
    const badVersion = await client()
    const metadata = apiVersionsRequest(0, 1)
    metadata.writeInt16BE(3, 4) // Metadata key...
    metadata.writeInt16BE(99, 6) // ...at a version nobody implements
    badVersion.send(metadata)
    expect(await badVersion.waitClosed()).toBe(true)
    const oversized = await client()
    const big = Buffer.alloc(8)
    big.writeInt32BE(10_000, 0)
    oversized.send(big)
    expect(await oversized.waitClosed()).toBe(true)
    const garbage = await client()
    garbage.send(Buffer.from([0, 0, 0, 3, 1, 2, 3]))
    expect(await garbage.waitClosed()).toBe(true)
    healthy.send(apiVersionsRequest(1, 5))
    const [ok] = await healthy.waitFrames(1)
    expect(apiVersionsResponse(ok, 1).correlationId).toBe(5)
  })

  it('closes idle connections after connections.max.idle.ms', async () => {
    const { client } = await start({ connectionsMaxIdleMs: 150 })
    const c = await client()
    expect(await c.waitClosed(2000)).toBe(true)
  })

  it('caps the number of connections', async () => {
    const { client, server } = await start({ maxConnections: 2 })
    const a = await client()
    const b = await client()
    a.send(apiVersionsRequest(0, 1))
    b.send(apiVersionsRequest(0, 1))
    await a.waitFrames(1)
    await b.waitFrames(1)
    const c = await client()
    expect(await c.waitClosed()).toBe(true)
    expect(server.connectionCount).toBe(2)
  })

  it('shuts down gracefully: answers what it already handles, then closes connections', async () => {
    const { client, server } = await start()
    const c = await client()
    c.send(apiVersionsRequest(2, 42))
    const [r] = await c.waitFrames(1)
    expect(apiVersionsResponse(r, 2).correlationId).toBe(42)
    await server.close()
    expect(await c.waitClosed()).toBe(true)
  })
})
