import { describe, expect, it } from 'vitest'
import {
  DescribeCluster, type DescribeClusterResponse, DescribeClusterRequestSchema, DescribeClusterResponseSchema, EndpointType,
} from '../../../../core/protocol/apis/describe-cluster.ts'
import { decodeRequestBody, decodeRequestHeader, decodeResponse, encodeRequest, encodeResponse } from '../../../../core/protocol/headers.ts'
import { Reader } from '../../../../core/protocol/reader.ts'
import { createDefault } from '../../../../core/protocol/schema.ts'
import { decodeMessage, encodeMessage } from '../../../../core/protocol/schema-codec.ts'
import { expectMatchesKafkaDefinition, hasKafkaDefinitions } from '../../../helpers/kafka-message-definitions.ts'
import { expectRoundTripAllVersions, hex } from '../../../helpers/protocol.ts'

const response = (): DescribeClusterResponse => ({
  throttleTimeMs: 0, errorCode: 0, errorMessage: null, endpointType: EndpointType.BROKER, clusterId: 'c1', controllerId: 1,
  brokers: [{ brokerId: 1, host: 'h', port: 9092, rack: null }],
  clusterAuthorizedOperations: -2147483648,
})

describe('DescribeCluster schema', () => {
  it.skipIf(!hasKafkaDefinitions)('matches Kafka\'s message definitions', () => {
    expectMatchesKafkaDefinition(DescribeClusterRequestSchema, 'DescribeClusterRequest')
    expectMatchesKafkaDefinition(DescribeClusterResponseSchema, 'DescribeClusterResponse')
  })

  it('round-trips every valid version', () => {
    expect(expectRoundTripAllVersions(DescribeClusterRequestSchema, () => ({
      includeClusterAuthorizedOperations: true, endpointType: EndpointType.CONTROLLER,
    }))).toBe(2)
    expect(expectRoundTripAllVersions(DescribeClusterResponseSchema, () => ({
      ...response(), throttleTimeMs: 5, errorCode: 114, errorMessage: 'wrong endpoint', endpointType: EndpointType.CONTROLLER,
      brokers: [{ brokerId: 1, host: 'h', port: 9092, rack: null }, { brokerId: 2, host: 'b2.example', port: 9093, rack: 'rack-a' }],
      clusterAuthorizedOperations: 0b1_1111_1010_0000,
    }))).toBe(2)
  })

  it('advertises every valid version, 0–1', () => {
    expect(DescribeCluster.advertisedVersions).toEqual({ min: 0, max: 1 })
  })

  it('defaults: endpoint type 1 (brokers) where v0 lacks it, no error message, controller -1, operations not requested', () => {
    expect(decodeMessage(DescribeClusterRequestSchema, 0, hex('00 00'))).toEqual({ includeClusterAuthorizedOperations: false, endpointType: 1 })
    expect(createDefault(DescribeClusterResponseSchema)).toMatchObject({
      errorMessage: null, endpointType: 1, controllerId: -1, clusterAuthorizedOperations: -2147483648,
    })
  })
})

describe('DescribeCluster golden bytes', () => {
  it('v0 request: flexible from the start, header v2 (INT16 client id + tag buffer)', () => {
    const frame = encodeRequest(DescribeCluster, 0, 7, 'creek', { includeClusterAuthorizedOperations: true, endpointType: EndpointType.BROKER })
    expect(frame.toString('hex')).toBe(hex('00000012 003c 0000 00000007 0005 637265656b 00   01 00').toString('hex'))
    const reader = new Reader(frame, 4)
    expect(decodeRequestHeader(reader)).toEqual({ apiKey: 60, apiVersion: 0, correlationId: 7, clientId: 'creek', headerVersion: 2 })
    expect(decodeRequestBody(DescribeCluster, 0, reader)).toEqual({ includeClusterAuthorizedOperations: true, endpointType: 1 })
  })

  it('v1 request adds the INT8 endpoint type', () => {
    expect(encodeMessage(DescribeClusterRequestSchema, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 }).toString('hex'))
      .toBe(hex('00 02 00').toString('hex'))
  })

  it('v1 response: compact strings and array, null message and rack, INT32_MIN operations; v0 lacks the endpoint type', () => {
    const v1 = hex(`
      00000000 0000 00 01  03 6331  00000001
      02  00000001 02 68 00002384 00 00
      80000000 00`)
    expect(encodeMessage(DescribeClusterResponseSchema, 1, response()).toString('hex')).toBe(v1.toString('hex'))
    const v0 = encodeMessage(DescribeClusterResponseSchema, 0, response())
    expect(v0.toString('hex')).toBe(Buffer.concat([v1.subarray(0, 7), v1.subarray(8)]).toString('hex'))
  })

  it('response frames use header v1 (correlation id + tag buffer) at every version', () => {
    for (const version of [0, 1]) {
      const frame = encodeResponse(DescribeCluster, version, 11, response())
      expect(frame.subarray(4, 9).toString('hex')).toBe('0000000b00')
      expect(decodeResponse(DescribeCluster, version, new Reader(frame, 4))).toEqual({ correlationId: 11, body: response() })
    }
  })
})
