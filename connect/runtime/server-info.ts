/**
 * What `GET /` of the Connect REST API reports: Creek's version (as the broker's ApiVersions
 * client software version), a commit label, and the Kafka cluster id of the embedded broker
 * (null when the worker reaches a remote cluster, whose id the worker does not look up).
 */
import type { Creek } from '../../core/index.ts'

export const CONNECT_VERSION = '0.1.0'

export function clusterIdOf(creek: Creek): string | null {
  try {
    return creek.broker.clusterId
  } catch {
    return null
  }
}
