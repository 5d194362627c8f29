import { createServer, type Server } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { Broker } from '../../../core/broker/broker.ts'
import { BrokerConnection } from '../../../core/client/broker-connection.ts'
import { NetworkTransport, parseHostPort } from '../../../core/client/network-transport.ts'
import { isRetriable } from '../../../core/errors.ts'
import { silentLogger } from '../../../core/logger.ts'
import { ApiVersions } from '../../../core/protocol/apis/api-versions.ts'
import { KafkaServer } from '../../../core/server/kafka-server.ts'
import { tempDir } from '../../helpers/temp-dir.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function creekServer() {
  const broker = await Broker.open({ dataDir: tempDir(), background: false, config: { 'offsets.topic.num.partitions': 1 } })
  const server = new KafkaServer(broker)
  const address = await server.listen({ port: 0 })
  cleanups.push(() => broker.close(), () => server.close())
  return { broker, server, address }
}

/** A TCP server that accepts and never answers. */
async function silentServer(): Promise<number> {
  const sockets = new Set<import('node:net').Socket>()
  const server: Server = createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
    socket.resume() // read (and ignore) requests, so that a client's close is noticed
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  cleanups.push(() => {
    for (const s of sockets) s.destroy()
    return new Promise<void>((r) => server.close(() => r()))
  })
  const address = server.address()
  return typeof address === 'object' && address ? address.port : 0
}

const request = { clientSoftwareName: 't', clientSoftwareVersion: '1' }

describe('parseHostPort', () => {
  it('parses hosts, ports and IPv6, and rejects garbage', () => {
    expect(parseHostPort('localhost:9093')).toEqual({ host: 'localhost', port: 9093 })
    expect(parseHostPort('kafka')).toEqual({ host: 'kafka', port: 9092 })
    expect(parseHostPort('[::1]:19092')).toEqual({ host: '::1', port: 19092 })
    expect(() => parseHostPort('host:99999')).toThrow(expect.objectContaining({ code: 'CORE_INVALID_CONFIG' }))
    expect(() => parseHostPort(':1')).toThrow(/Invalid bootstrap server/)
  })
})

describe('NetworkTransport', () => {
  it('negotiates versions with ApiVersions and pipelines many requests on one connection', async () => {
    const { address } = await creekServer()
    const transport = new NetworkTransport({ bootstrap: [`127.0.0.1:${address.port}`], maxInFlightRequestsPerConnection: 3 })
    cleanups.push(() => transport.close())
    const responses = await Promise.all(Array.from({ length: 40 }, () => transport.send(ApiVersions, request)))
    expect(responses.every((r) => r.errorCode === 0)).toBe(true)
    expect(transport.version(ApiVersions)).toBe(3)
  })

  it('falls back to the next bootstrap server when the first is down', async () => {
    const { address } = await creekServer()
    const transport = new NetworkTransport({ bootstrap: ['127.0.0.1:1', `127.0.0.1:${address.port}`], connectionTimeoutMs: 500 })
    cleanups.push(() => transport.close())
    const response = await transport.send(ApiVersions, request)
    expect(response.errorCode).toBe(0)
  })

  it('fails with a retriable network error when nothing is reachable', async () => {
    const transport = new NetworkTransport({ bootstrap: ['127.0.0.1:1'], connectionTimeoutMs: 300 })
    cleanups.push(() => transport.close())
    const error = await transport.send(ApiVersions, request).catch((e) => e)
    expect(error.code).toBe('CORE_NETWORK')
    expect(isRetriable(error)).toBe(true)
  })

  it('times out a request the broker never answers and closes that connection', async () => {
    const port = await silentServer()
    const error = await BrokerConnection.open({
      host: '127.0.0.1',
      port,
      clientId: 't',
      requestTimeoutMs: 200,
      connectionTimeoutMs: 500,
      maxInFlight: 5,
      logger: silentLogger,
    }).catch((e) => e)
    expect(error.code).toBe('CORE_NETWORK')
    expect(error.message).toMatch(/timed out/)
  })

  it('reconnects after the broker restarts on the same port', async () => {
    const { address, server, broker } = await creekServer()
    const transport = new NetworkTransport({ bootstrap: [`127.0.0.1:${address.port}`], reconnectBackoffMs: 10 })
    cleanups.push(() => transport.close())
    await transport.send(ApiVersions, request)
    await server.close()
    const failed = await transport.send(ApiVersions, request).catch((e) => e)
    expect(failed.code).toBe('CORE_NETWORK')
    const again = new KafkaServer(broker)
    await again.listen({ port: address.port })
    cleanups.push(() => again.close())
    let response
    for (let i = 0; i < 20 && !response; i++) {
      response = await transport.send(ApiVersions, request).catch(() => undefined)
      if (!response) await new Promise((r) => setTimeout(r, 50))
    }
    expect(response?.errorCode).toBe(0)
  })
})
