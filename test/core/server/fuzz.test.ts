/**
 * Fuzzing the protocol decoders and a live server with random and mutated frames.
 *
 * Seeds are valid requests of every API and version the broker advertises; mutations flip
 * bytes, truncate, extend, splice and rewrite length fields. Decoders must either decode or
 * throw a CoreError. The live server must never crash: each connection gets a response or is
 * closed (or, for requests that legitimately wait, like a long poll, holds only itself), a
 * healthy connection keeps working throughout, and memory stays bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Broker } from '../../../core/broker/broker.ts'
import { CoreError } from '../../../core/errors.ts'
import type { ApiDescriptor } from '../../../core/protocol/api-descriptor.ts'
import { ApiVersions } from '../../../core/protocol/apis/api-versions.ts'
import { decodeRequestBody, decodeRequestHeader, encodeRequest } from '../../../core/protocol/headers.ts'
import { Reader } from '../../../core/protocol/reader.ts'
import { encodeRecordBatchSync } from '../../../core/protocol/record-batch.ts'
import { createDefault } from '../../../core/protocol/schema.ts'
import { KafkaServer } from '../../../core/server/kafka-server.ts'
import { RawClient } from '../../helpers/raw-client.ts'
import { tempDir } from '../../helpers/temp-dir.ts'

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const BATCH = encodeRecordBatchSync({ records: [{ key: Buffer.from('k'), value: Buffer.from('fuzz'), timestamp: 1_700_000_000_000 }] })

/** Fills a default request with small plausible values so seeds exercise real fields. */
function plausible(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return value
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string' && /name|topic|group|id$/i.test(k)) out[k] = 'fuzz-topic'
    else if (v === null && /records/i.test(k)) out[k] = BATCH
    else out[k] = plausible(v, depth + 1)
  }
  return out
}

function seedFrames(apis: readonly ApiDescriptor[]): Buffer[] {
  const frames: Buffer[] = []
  let correlation = 1
  for (const api of apis) {
    for (let v = api.advertisedVersions.min; v <= api.advertisedVersions.max; v++) {
      const body = plausible(createDefault(api.request)) as never
      try {
        frames.push(encodeRequest(api, v, correlation++, 'fuzzer', body))
      } catch {
        frames.push(encodeRequest(api, v, correlation++, 'fuzzer', createDefault(api.request) as never))
      }
    }
  }
  return frames
}

function mutate(frame: Buffer, random: () => number): Buffer {
  const out = Buffer.from(frame)
  const kind = Math.floor(random() * 7)
  const at = () => Math.floor(random() * out.length)
  switch (kind) {
    case 0: // flip a few bytes
      for (let i = 0, n = 1 + Math.floor(random() * 4); i < n; i++) out[at()] ^= 1 << Math.floor(random() * 8)
      return out
    case 1: // random bytes somewhere past the header
      for (let i = 0, n = 1 + Math.floor(random() * 8); i < n; i++) out[Math.min(out.length - 1, 14 + at())] = Math.floor(random() * 256)
      return out
    case 2: {
      // truncate, keeping the size prefix consistent
      const cut = Math.max(4, Math.floor(random() * out.length))
      const t = out.subarray(0, cut)
      t.writeInt32BE(cut - 4, 0)
      return t
    }
    case 3: {
      // append garbage, keeping the size prefix consistent
      const extra = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 32) }, () => Math.floor(random() * 256)))
      const e = Buffer.concat([out, extra])
      e.writeInt32BE(e.length - 4, 0)
      return e
    }
    case 4: // a huge or negative 32-bit length somewhere in the body
      if (out.length >= 18) out.writeInt32BE([0x7fffffff, -2, 0x10000000, 65536][Math.floor(random() * 4)], 14 + Math.floor(random() * (out.length - 17)))
      return out
    case 5: // random api key / version
      out.writeInt16BE(Math.floor(random() * 80) - 5, 4)
      out.writeInt16BE(Math.floor(random() * 20) - 2, 6)
      return out
    default: {
      // wholly random frame
      const r = Buffer.from(Array.from({ length: 4 + Math.floor(random() * 64) }, () => Math.floor(random() * 256)))
      r.writeInt32BE(r.length - 4, 0)
      return r
    }
  }
}

let broker: Broker
let server: KafkaServer
let port = 0
let seeds: Buffer[] = []

beforeAll(async () => {
  broker = await Broker.open({
    dataDir: tempDir(),
    background: false,
    config: {
      'offsets.topic.num.partitions': 1,
      'group.initial.rebalance.delay.ms': 0,
      'group.max.session.timeout.ms': 10_000,
      'group.min.session.timeout.ms': 10,
    },
  })
  server = new KafkaServer(broker, { socketRequestMaxBytes: 1024 * 1024, shutdownGraceMs: 200 })
  port = (await server.listen({ port: 0 })).port
  seeds = seedFrames(broker.apis())
})

afterAll(async () => {
  await server.close()
  await broker.close()
})

describe('fuzzing', () => {
  it('decoders accept or reject 100,000 mutated frames with a CoreError, never anything else', () => {
    const random = rng(7)
    const apis = new Map(broker.apis().map((a) => [a.apiKey, a]))
    let decoded = 0
    let rejected = 0
    for (let i = 0; i < 100_000; i++) {
      const frame = mutate(seeds[i % seeds.length], random)
      const reader = new Reader(frame, 4, frame.length)
      try {
        const header = decodeRequestHeader(reader)
        const api = apis.get(header.apiKey)
        if (!api) {
          rejected++
          continue
        }
        decodeRequestBody(api, header.apiVersion, reader)
        decoded++
      } catch (error) {
        if (!(error instanceof CoreError)) throw new Error(`frame ${i} (${frame.toString('hex').slice(0, 80)}) threw ${String(error)}`)
        rejected++
      }
    }
    expect(decoded + rejected).toBe(100_000)
    expect(decoded).toBeGreaterThan(1000)
    expect(rejected).toBeGreaterThan(1000)
  })

  it('a live server survives 100,000 mutated frames; other connections keep working; memory stays bounded', { timeout: 180_000 }, async () => {
    const random = rng(11)
    const healthy = await RawClient.connect(port)
    const ping = async (id: number) => {
      const before = healthy.frames.length
      healthy.send(encodeRequest(ApiVersions, 2, id, 'healthy', { clientSoftwareName: '', clientSoftwareVersion: '' }))
      const frames = await healthy.waitFrames(before + 1, 5000)
      return frames.length === before + 1
    }
    expect(await ping(1)).toBe(true)
    const rssStart = process.memoryUsage().rss
    const LANES = 8
    const TOTAL = 100_000
    let sent = 0
    let answered = 0
    let closed = 0
    let held = 0
    // One frame per exchange: every frame reaches the server's decoder and handlers. A frame is
    // answered, or makes the server close the connection, or legitimately gets no answer in time
    // (acks=0 produce, a long poll, a join waiting for its group), holding only its connection.
    const lane = async () => {
      let client = await RawClient.connect(port)
      while (sent < TOTAL) {
        sent++
        const before = client.frames.length
        client.send(mutate(seeds[Math.floor(random() * seeds.length)], random))
        await client.waitFrames(before + 1, 40)
        if (client.frames.length > before) {
          answered++
          client.frames.length = 0
          continue
        }
        if (client.closed) closed++
        else held++
        client.close()
        client = await RawClient.connect(port)
      }
      client.close()
    }
    const lanes = Array.from({ length: LANES }, lane)
    let pings = 2
    const pinger = (async () => {
      while (sent < TOTAL) {
        expect(await ping(pings++)).toBe(true)
        await new Promise((r) => setTimeout(r, 100))
      }
    })()
    await Promise.all([...lanes, pinger])
    expect(sent).toBe(TOTAL)
    expect(await ping(pings++)).toBe(true)
    const growthMb = (process.memoryUsage().rss - rssStart) / 1024 / 1024
    expect(growthMb).toBeLessThan(400)
    console.log(`fuzz: ${sent} frames, ${answered} answered, ${closed} closed the connection, ${held} held it`)
    expect(answered + closed + held).toBe(TOTAL)
    expect(answered).toBeGreaterThan(TOTAL / 10)
    healthy.close()
  })
})
