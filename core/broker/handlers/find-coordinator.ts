/**
 * FindCoordinator: Creek is a single broker, so it coordinates every group, whatever the key
 * (Kafka answers the empty group id too: old consumers commit offsets under it).
 *
 * - Key type 0 (group): this broker's nodeId, host and port, the same as in Metadata.
 * - Key type 1 (transaction): COORDINATOR_NOT_AVAILABLE, which clients retry; Creek has no
 *   transaction coordinator yet.
 * - Any other key type: INVALID_REQUEST, as Kafka answers a key type it does not know.
 * - v0–3 answer the single `key` in the top-level fields; v4+ answer each of `coordinatorKeys`
 *   in `coordinators`. A failed lookup carries Kafka's "no node": id -1, host "", port -1.
 */
import { FindCoordinator, type FindCoordinatorResponse } from '../../protocol/apis/find-coordinator.ts'
import { ErrorCode, errorInfo } from '../../protocol/error-codes.ts'
import { type BrokerContext, defineHandler } from '../handler.ts'

const KEY_TYPE_GROUP = 0
const KEY_TYPE_TRANSACTION = 1
/** The first version with batched keys (KIP-699). */
const BATCHED_VERSION = 4

interface Lookup {
  readonly errorCode: number
  readonly errorMessage: string | null
  readonly nodeId: number
  readonly host: string
  readonly port: number
}

export const findCoordinatorHandler = defineHandler(FindCoordinator, async (broker, request, context): Promise<FindCoordinatorResponse> => {
  const keyType = context.apiVersion >= 1 ? request.keyType : KEY_TYPE_GROUP
  if (context.apiVersion >= BATCHED_VERSION) {
    return {
      throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, nodeId: -1, host: '', port: -1,
      coordinators: request.coordinatorKeys.map((key) => ({ key, ...lookup(broker, keyType) })),
    }
  }
  return { throttleTimeMs: 0, ...lookup(broker, keyType), coordinators: [] }
})

function lookup(broker: BrokerContext, keyType: number): Lookup {
  if (keyType === KEY_TYPE_TRANSACTION) return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'Creek has no transaction coordinator yet')
  if (keyType !== KEY_TYPE_GROUP) return failed(ErrorCode.INVALID_REQUEST, `Unknown coordinator key type ${keyType}`)
  if (broker.groups.isClosed) return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE, errorInfo(ErrorCode.COORDINATOR_NOT_AVAILABLE)!.message)
  const { host, port } = broker.endpoint
  return { errorCode: ErrorCode.NONE, errorMessage: null, nodeId: broker.nodeId, host, port }
}

function failed(errorCode: number, errorMessage: string): Lookup {
  return { errorCode, errorMessage, nodeId: -1, host: '', port: -1 }
}
