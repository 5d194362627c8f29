/**
 * DescribeCluster: the cluster id, this broker as the only broker and as the controller, and,
 * when asked, the cluster's authorized operations (all of them: Creek has no authorizer).
 *
 * Endpoint types (v1, KIP-919): Creek's listener is a broker endpoint, as Kafka's broker
 * listeners are, so it describes brokers only. As Kafka's brokers do, a request for controllers
 * is answered MISMATCHED_ENDPOINT_TYPE and an unknown type UNSUPPORTED_ENDPOINT_TYPE; at v0,
 * which has no endpoint type on the wire (an in-process caller could still set one), either is
 * INVALID_REQUEST. An error answer carries no cluster id, controller or brokers.
 */
import { DescribeCluster, type DescribeClusterResponse, EndpointType } from '../../protocol/apis/describe-cluster.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { AuthorizedOperations } from '../authorized-operations.ts'
import { defineHandler } from '../handler.ts'

export const describeClusterHandler = defineHandler(DescribeCluster, async (broker, request, context) => {
  const { endpointType } = request
  if (endpointType !== EndpointType.BROKER) {
    const known = endpointType === EndpointType.CONTROLLER
    const errorCode = context.apiVersion === 0 ? ErrorCode.INVALID_REQUEST
      : known ? ErrorCode.MISMATCHED_ENDPOINT_TYPE
      : ErrorCode.UNSUPPORTED_ENDPOINT_TYPE
    return failed(errorCode, known
      ? `Broker ${broker.nodeId} is a broker endpoint and cannot describe controllers (endpoint type ${endpointType}); ask for brokers (endpoint type ${EndpointType.BROKER})`
      : `Unsupported endpoint type ${endpointType}: use ${EndpointType.BROKER} (brokers) or ${EndpointType.CONTROLLER} (controllers)`)
  }
  const { host, port } = broker.endpoint
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    endpointType: EndpointType.BROKER,
    clusterId: broker.clusterId,
    controllerId: broker.nodeId,
    brokers: [{ brokerId: broker.nodeId, host, port, rack: null }],
    clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? AuthorizedOperations.CLUSTER : AuthorizedOperations.NOT_REQUESTED,
  }
})

function failed(errorCode: number, errorMessage: string): DescribeClusterResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    errorMessage,
    endpointType: EndpointType.BROKER,
    clusterId: '',
    controllerId: -1,
    brokers: [],
    clusterAuthorizedOperations: AuthorizedOperations.NOT_REQUESTED,
  }
}
