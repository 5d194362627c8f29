import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import {
  DeleteRecords, type DeleteRecordsResponse, DeleteRecordsRequestSchema, DeleteRecordsResponseSchema,
} from '../../../../core/protocol/apis/delete-records.ts'
import { encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { decodeKafkajsRequest } from '../../../helpers/kafkajs-cross-check.ts'
import { expectRoundTripAllVersions, hex } from '../../../helpers/protocol.ts'

const response = (): DeleteRecordsResponse => ({
  throttleTimeMs: 0,
  topics: [{
    name: 'orders',
    partitions: [{ partitionIndex: 0, lowWatermark: 5, errorCode: 0 }, { partitionIndex: 1, lowWatermark: -1, errorCode: 1 }],
  }],
})

describe('DeleteRecords golden bytes', () => {
  it('v2 request (flexible): offset -1 (the high watermark) as INT64', () => {
    const body = encodeMessage(DeleteRecordsRequestSchema, 2, { topics: [{ name: 'a', partitions: [{ partitionIndex: 0, offset: -1 }] }], timeoutMs: 100 })
    expect(body.toString('hex')).toBe(hex('02 0261 02 00000000 ffffffffffffffff 00 00 00000064 00').toString('hex'))
  })
})

describe('DeleteRecords round trips', () => {
  it('every valid version of request and response', () => {
    expect(expectRoundTripAllVersions(DeleteRecordsRequestSchema, () => ({
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, offset: 5 }, { partitionIndex: 3, offset: -1 }] }], timeoutMs: 30000,
    }))).toBe(3)
    expect(expectRoundTripAllVersions(DeleteRecordsResponseSchema, () => response())).toBe(3)
  })
})

describe('DeleteRecords against kafkajs 2.2.4', () => {
  for (const version of [0, 1]) {
    it(`v${version}: Creek reads kafkajs' request and writes the same frame`, async () => {
      const decoded = await decodeKafkajsRequest(DeleteRecords, version, 'deleteRecords', {
        topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: 5 }, { partition: 1, offset: -1 }] }], timeout: 1000,
      })
      expect(decoded).toEqual({ topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, offset: 5 }, { partitionIndex: 1, offset: -1 }] }], timeoutMs: 1000 })
    })

    it(`v${version}: kafkajs reads Creek's response`, async () => {
      // kafkajs' DeleteRecords response module is a factory of { decode, parse } taking the request.
      const module = createRequire(import.meta.url)(`kafkajs/src/protocol/requests/deleteRecords/v${version}/response`)
      const theirs = await module({ topics: [] }).decode(encodeMessage(DeleteRecordsResponseSchema, version, response()))
      const partitions = theirs.topics[0].partitions.map((p: any) => [p.partition, p.lowWatermark.toString(), p.errorCode])
      expect([theirs.topics[0].topic, partitions]).toEqual(['orders', [[0, '5', 0], [1, '-1', 1]]])
    })
  }
})
