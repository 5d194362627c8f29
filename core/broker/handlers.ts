/**
 * Every API handler the broker implements. An API is advertised in ApiVersions exactly when
 * its handler is listed here, at the versions its descriptor advertises.
 */
import type { Handler } from './handler.ts'
import { alterConfigsHandler } from './handlers/alter-configs.ts'
import { apiVersionsHandler } from './handlers/api-versions.ts'
import { createPartitionsHandler } from './handlers/create-partitions.ts'
import { createTopicsHandler } from './handlers/create-topics.ts'
import { deleteRecordsHandler } from './handlers/delete-records.ts'
import { deleteTopicsHandler } from './handlers/delete-topics.ts'
import { describeClusterHandler } from './handlers/describe-cluster.ts'
import { describeConfigsHandler } from './handlers/describe-configs.ts'
import { incrementalAlterConfigsHandler } from './handlers/incremental-alter-configs.ts'
import { deleteGroupsHandler } from './handlers/delete-groups.ts'
import { describeGroupsHandler } from './handlers/describe-groups.ts'
import { fetchHandler } from './handlers/fetch.ts'
import { findCoordinatorHandler } from './handlers/find-coordinator.ts'
import { heartbeatHandler } from './handlers/heartbeat.ts'
import { joinGroupHandler } from './handlers/join-group.ts'
import { leaveGroupHandler } from './handlers/leave-group.ts'
import { listGroupsHandler } from './handlers/list-groups.ts'
import { listOffsetsHandler } from './handlers/list-offsets.ts'
import { metadataHandler } from './handlers/metadata.ts'
import { offsetCommitHandler } from './handlers/offset-commit.ts'
import { offsetFetchHandler } from './handlers/offset-fetch.ts'
import { produceHandler } from './handlers/produce.ts'
import { syncGroupHandler } from './handlers/sync-group.ts'

export const HANDLERS: readonly Handler<any>[] = [
  apiVersionsHandler,
  // Data path: Metadata (with DescribeCluster, which carries what Metadata v11+ dropped), Produce, Fetch,
  // ListOffsets.
  metadataHandler,
  describeClusterHandler,
  produceHandler,
  fetchHandler,
  listOffsetsHandler,
  // Topic administration: CreateTopics, DeleteTopics, CreatePartitions, DescribeConfigs, AlterConfigs,
  // IncrementalAlterConfigs, DeleteRecords.
  createTopicsHandler,
  deleteTopicsHandler,
  createPartitionsHandler,
  describeConfigsHandler,
  alterConfigsHandler,
  incrementalAlterConfigsHandler,
  deleteRecordsHandler,
  // Groups: FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch,
  // DescribeGroups, ListGroups, DeleteGroups.
  findCoordinatorHandler,
  joinGroupHandler,
  syncGroupHandler,
  heartbeatHandler,
  leaveGroupHandler,
  offsetCommitHandler,
  offsetFetchHandler,
  describeGroupsHandler,
  listGroupsHandler,
  deleteGroupsHandler,
]
