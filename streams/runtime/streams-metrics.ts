/**
 * Metrics an application reports (a subset of Kafka Streams' built-in metrics, same names,
 * groups and tags), as `CreekStreams.metrics()` and `TopologyTestDriver.metrics()` list them.
 *
 * Task level (`stream-task-metrics`, tags `thread-id` and `task-id`):
 * - `dropped-records-total`: records the task dropped: invalid (negative) extracted timestamps,
 *   records an exception handler skipped or dead-lettered, late records of windows.
 * - `enforced-processing-total`: times the task processed while some input partition was empty
 *   after waiting `max.task.idle.ms` (possibly out of event-time order).
 */

export interface StreamsMetric {
  readonly name: string
  readonly group: string
  readonly tags: Readonly<Record<string, string>>
  readonly value: number
}

export const TASK_METRICS_GROUP = 'stream-task-metrics'

/** The task-level metrics of one task. */
export function taskMetrics(threadId: string, taskId: string, droppedRecords: number, enforcedProcessing: number): StreamsMetric[] {
  const tags = { 'thread-id': threadId, 'task-id': taskId }
  return [
    { name: 'dropped-records-total', group: TASK_METRICS_GROUP, tags, value: droppedRecords },
    { name: 'enforced-processing-total', group: TASK_METRICS_GROUP, tags, value: enforcedProcessing },
  ]
}
