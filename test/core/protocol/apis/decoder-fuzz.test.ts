/**
 * Decoders must fail cleanly on damaged input: every truncation and a few thousand random byte
 * changes of valid messages either decode or throw CORE_PROTOCOL — never a RangeError or
 * TypeError, never a hang or a huge allocation.
 */
import { describe, expect, it } from 'vitest'
import { CoreError } from '../../../../core/errors.ts'
import { ApiVersions } from '../../../../core/protocol/apis/api-versions.ts'
import { Metadata } from '../../../../core/protocol/apis/metadata.ts'
import { Produce } from '../../../../core/protocol/apis/produce.ts'
import { Fetch } from '../../../../core/protocol/apis/fetch.ts'
import { ListOffsets } from '../../../../core/protocol/apis/list-offsets.ts'
import { Reader } from '../../../../core/protocol/reader.ts'
import { createDefault, type MessageSchema } from '../../../../core/protocol/schema.ts'
import { compileCodec, encodeMessage } from '../../../../core/protocol/schema-codec.ts'

function samples(): [MessageSchema, any][] {
  const batch = Buffer.alloc(80, 1)
  return [
    [ApiVersions.request, { clientSoftwareName: 'creek', clientSoftwareVersion: '1' }],
    [ApiVersions.response, { ...createDefault(ApiVersions.response), apiKeys: [{ apiKey: 0, minVersion: 3, maxVersion: 9 }], supportedFeatures: [{ name: 'x', minVersion: 0, maxVersion: 1 }] }],
    [Metadata.request, { ...createDefault(Metadata.request), topics: [{ topicId: '00000000-0000-0000-0000-000000000001', name: 'a' }] }],
    [Metadata.response, {
      ...createDefault(Metadata.response), brokers: [{ nodeId: 1, host: 'h', port: 1, rack: 'r' }], clusterId: 'c',
      topics: [{ errorCode: 0, name: 't', topicId: '00000000-0000-0000-0000-000000000002', isInternal: false, topicAuthorizedOperations: 0, partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }] }],
    }],
    [Produce.request, { transactionalId: 'tx', acks: -1, timeoutMs: 1, topicData: [{ name: 't', partitionData: [{ index: 0, records: batch }] }] }],
    [Produce.response, {
      ...createDefault(Produce.response),
      responses: [{ name: 't', partitionResponses: [{ index: 0, errorCode: 0, baseOffset: 5, logAppendTimeMs: -1, logStartOffset: 0, recordErrors: [{ batchIndex: 0, batchIndexErrorMessage: 'm' }], errorMessage: 'e', currentLeader: { leaderId: 1, leaderEpoch: 2 } }] }],
      nodeEndpoints: [{ nodeId: 1, host: 'h', port: 1, rack: null }],
    }],
    [Fetch.request, {
      ...createDefault(Fetch.request), clusterId: 'c', replicaState: { replicaId: 1, replicaEpoch: 2 }, rackId: 'r',
      topics: [{ topic: 't', topicId: '00000000-0000-0000-0000-000000000003', partitions: [{ ...createDefault(Fetch.request.fields.topics.type.items.fields.partitions.type.items), fetchOffset: 7, partitionMaxBytes: 100 }] }],
      forgottenTopicsData: [{ topic: 'f', topicId: '00000000-0000-0000-0000-000000000004', partitions: [1] }],
    }],
    [Fetch.response, {
      ...createDefault(Fetch.response),
      responses: [{ topic: 't', topicId: '00000000-0000-0000-0000-000000000003', partitions: [{
        ...createDefault(Fetch.response.fields.responses.type.items.fields.partitions.type.items), highWatermark: 9, abortedTransactions: [{ producerId: 1, firstOffset: 2 }],
        currentLeader: { leaderId: 1, leaderEpoch: 2 }, records: batch,
      }] }],
      nodeEndpoints: [{ nodeId: 1, host: 'h', port: 1, rack: null }],
    }],
    [ListOffsets.request, { ...createDefault(ListOffsets.request), topics: [{ name: 't', partitions: [{ partitionIndex: 0, currentLeaderEpoch: 1, timestamp: -1, maxNumOffsets: 1 }] }] }],
    [ListOffsets.response, { ...createDefault(ListOffsets.response), topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, oldStyleOffsets: [3], timestamp: 5, offset: 3, leaderEpoch: 0 }] }] }],
  ]
}

function decodeOrProtocolError(schema: MessageSchema, version: number, bytes: Buffer): void {
  try {
    compileCodec(schema).forVersion(version).decode(new Reader(bytes))
  } catch (error) {
    if (!(error instanceof CoreError) || error.code !== 'CORE_PROTOCOL') throw error
  }
}

describe('decoders on damaged input', () => {
  it('every truncation of every version either decodes or throws CORE_PROTOCOL', () => {
    let cases = 0
    for (const [schema, value] of samples()) {
      const codec = compileCodec(schema)
      for (let version = codec.validVersions.min; version <= codec.validVersions.max; version++) {
        const bytes = encodeMessage(schema, version, value)
        for (let end = 0; end < bytes.length; end++) {
          decodeOrProtocolError(schema, version, bytes.subarray(0, end))
          cases++
        }
      }
    }
    expect(cases).toBeGreaterThan(1000)
  })

  it('random byte changes either decode or throw CORE_PROTOCOL', () => {
    let seed = 42
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed % n
    }
    for (const [schema, value] of samples()) {
      const codec = compileCodec(schema)
      for (let version = codec.validVersions.min; version <= codec.validVersions.max; version++) {
        const bytes = encodeMessage(schema, version, value)
        for (let n = 0; n < 200; n++) {
          const damaged = Buffer.from(bytes)
          for (let k = 0; k <= random(3); k++) damaged[random(damaged.length)] = random(256)
          decodeOrProtocolError(schema, version, damaged)
        }
      }
    }
    expect(true).toBe(true)
  })
})
