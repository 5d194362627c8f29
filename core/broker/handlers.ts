/**
 * Every API handler the broker implements. An API is advertised in ApiVersions exactly when
 * its handler is listed here, at the versions its descriptor advertises.
 */
import type { Handler } from './handler.ts'
import { apiVersionsHandler } from './handlers/api-versions.ts'

export const HANDLERS: readonly Handler<any>[] = [
  apiVersionsHandler,
  // Data path: Metadata, Produce, Fetch, ListOffsets.
  // Topic administration: CreateTopics, DeleteTopics, CreatePartitions, DescribeConfigs, AlterConfigs.
  // Groups: FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch,
  // DescribeGroups, ListGroups, DeleteGroups.
]
