/** A task's identity (Kafka Streams' `TaskId`), shared by the processor and state APIs. */

/** A task: a sub-topology (`subtopology`) instantiated for one partition number. */
export interface TaskId {
  readonly subtopology: number
  readonly partition: number
}

/** `0_3`: Kafka Streams' task id string (sub-topology, partition), also its state directory name. */
export function formatTaskId(id: TaskId): string {
  return `${id.subtopology}_${id.partition}`
}
