/**
 * `passThrough`: emits every record unchanged. The DSL uses it where Kafka Streams has a
 * `PassThrough` processor: merge nodes, branch children and the filter in front of a
 * repartition sink. It adds no RxJS operator at all: the node is the identity.
 */
import type { NodeOperator } from './operator-context.ts'

export function passThrough(): NodeOperator {
  return () => (source) => source
}
