/**
 * Kafka's "authorized operations" bit fields (KIP-430), reported by Metadata (v8+) and
 * DescribeCluster when a client asks for them.
 *
 * Creek has no authorizer, so it answers as Kafka does without one: every operation the
 * resource type supports (Kafka's `AclEntry.supportedOperations`) is allowed. A field the client
 * did not ask for carries `NOT_REQUESTED` (INT32_MIN, the schemas' default).
 */

/** Kafka's AclOperation codes; each one is a bit position in the field. */
const AclOperation = {
  READ: 3, WRITE: 4, CREATE: 5, DELETE: 6, ALTER: 7, DESCRIBE: 8, CLUSTER_ACTION: 9, DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11, IDEMPOTENT_WRITE: 12,
} as const

const bits = (...operations: number[]): number => operations.reduce((mask, op) => mask | (1 << op), 0)

export const AuthorizedOperations = Object.freeze({
  /** The value of a field that was not requested. */
  NOT_REQUESTED: -2147483648,
  /** Every operation on a topic. */
  TOPIC: bits(
    AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DELETE, AclOperation.ALTER,
    AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS,
  ),
  /** Every operation on the cluster. */
  CLUSTER: bits(
    AclOperation.CREATE, AclOperation.ALTER, AclOperation.DESCRIBE, AclOperation.CLUSTER_ACTION,
    AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE,
  ),
})
