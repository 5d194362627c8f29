/**
 * Protocol codec benchmark: Produce requests (the broker's hot path) and Metadata responses
 * encoded and decoded by Creek's compiled codecs, beside kafkajs 2.2.4 decoding the same
 * Metadata bytes in the same run (its hand-written decoders are the peer).
 */
import { createRequire } from 'node:module'
import {
  Metadata, type MetadataResponse, Produce, type ProduceRequest, Reader, Writer, compileCodec, encodeRecordBatchSync,
} from '../core/index.ts'
import { fmt, report } from './_report.ts'

const require = createRequire(import.meta.url)

/** Runs `fn` repeatedly for about `ms` milliseconds after a warm-up; returns operations per second. */
function opsPerSecond(fn: () => unknown, ms = 1000): number {
  for (let i = 0; i < 2000; i++) fn()
  let ops = 0
  const start = performance.now()
  let now = start
  while (now - start < ms) {
    for (let i = 0; i < 200; i++) fn()
    ops += 200
    now = performance.now()
  }
  return (ops * 1000) / (now - start)
}

async function opsPerSecondAsync(fn: () => Promise<unknown>, ms = 1000): Promise<number> {
  for (let i = 0; i < 2000; i++) await fn()
  let ops = 0
  const start = performance.now()
  while (performance.now() - start < ms) {
    for (let i = 0; i < 200; i++) await fn()
    ops += 200
  }
  return (ops * 1000) / (performance.now() - start)
}

const batch = encodeRecordBatchSync({
  records: Array.from({ length: 150 }, (_, i) => ({ value: Buffer.alloc(100, 97 + (i % 26)), timestamp: 1_700_000_000_000 })),
})
const singleProduce: ProduceRequest = {
  transactionalId: null, acks: -1, timeoutMs: 30_000,
  topicData: [{ name: 'orders', partitionData: [{ index: 0, records: batch }] }],
}
const wideProduce: ProduceRequest = {
  ...singleProduce,
  topicData: Array.from({ length: 10 }, (_, t) => ({
    name: `topic-${t}`,
    partitionData: Array.from({ length: 10 }, (_, p) => ({ index: p, records: batch.subarray(0, 200) })),
  })),
}
const metadata: MetadataResponse = {
  throttleTimeMs: 0, clusterId: 'creek', controllerId: 1, clusterAuthorizedOperations: -2147483648,
  brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
  topics: Array.from({ length: 100 }, (_, t) => ({
    errorCode: 0, name: `topic-${t}`, topicId: '00000000-0000-0000-0000-000000000000', isInternal: false, topicAuthorizedOperations: -2147483648,
    partitions: Array.from({ length: 10 }, (_, p) => ({
      errorCode: 0, partitionIndex: p, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [],
    })),
  })),
}

const writer = new Writer(64 * 1024)
const metrics: Record<string, number> = {}
console.log(`batch: ${batch.length} bytes (150 records of 100 B)`)
for (const version of [3, 9]) {
  const codec = compileCodec(Produce.request).forVersion(version)
  for (const [label, value] of [['1x1', singleProduce], ['10x10', wideProduce]] as const) {
    const encoded = Buffer.from((writer.reset(), codec.encode(value, writer), writer.finish()))
    const encode = opsPerSecond(() => codec.encode(value, writer.reset()))
    const decode = opsPerSecond(() => codec.decode(new Reader(encoded)))
    console.log(`Produce v${version} request ${label} partitions (${encoded.length} B): encode ${fmt(encode)} ops/s, decode ${fmt(decode)} ops/s`)
    metrics[`produce_v${version}_${label}_encode_ops`] = encode
    metrics[`produce_v${version}_${label}_decode_ops`] = decode
  }
}

const metadataCodec = compileCodec(Metadata.response).forVersion(6)
const metadataBytes = Buffer.from((writer.reset(), metadataCodec.encode(metadata, writer), writer.finish()))
const metadataEncode = opsPerSecond(() => metadataCodec.encode(metadata, writer.reset()))
const metadataDecode = opsPerSecond(() => metadataCodec.decode(new Reader(metadataBytes)))
const kafkajsDecode: (body: Buffer) => Promise<unknown> = require('kafkajs/src/protocol/requests/metadata/v6/response').decode
const kafkajsMetadataDecode = await opsPerSecondAsync(() => kafkajsDecode(metadataBytes))
console.log(`Metadata v6 response, 100 topics x 10 partitions (${metadataBytes.length} B): encode ${fmt(metadataEncode)} ops/s, ` +
  `decode ${fmt(metadataDecode)} ops/s; kafkajs decode ${fmt(kafkajsMetadataDecode)} ops/s (${fmt(metadataDecode / kafkajsMetadataDecode, 2)}x)`)
metrics.metadata_v6_encode_ops = metadataEncode
metrics.metadata_v6_decode_ops = metadataDecode
metrics.kafkajs_metadata_v6_decode_ops = kafkajsMetadataDecode
report('protocol', metrics)
