/**
 * The commit of a stream thread (Kafka Streams' `TaskExecutor.commitTasksAndMaybeUpdateCommittableOffsets`
 * plus `postCommit`), at-least-once. The order is the guarantee:
 *
 *   1. flush every task's stores — caches flush into the stores and their changelog sends are
 *      queued, so everything the processed records changed is on its way out;
 *   2. flush the producer — every output and changelog record sent so far is acknowledged (a
 *      failed send went through the production exception handler; 'fail' stops here);
 *   3. commit the input offsets — the last processed record's offset + 1 per partition;
 *   4. write the tasks' checkpoint files with the changelog offsets now reflected locally.
 *
 * So committed offsets never run ahead of state or output: a crash at any point replays input
 * from offsets whose effects are all durable (at-least-once; duplicates are possible). A step
 * that fails stops the commit: nothing after it happens (no offsets without output, no
 * checkpoint without offsets).
 */

/** What a commit needs of a task. */
export interface CommittableTask {
  readonly name: string
  flushStores(): Promise<void>
  /** With the partition time as `metadata` (partition-time-metadata.ts). */
  offsetsToCommit(): readonly { readonly topic: string; readonly partition: number; readonly offset: number; readonly metadata?: string }[]
  markCommitted(): void
  writeCheckpoint(): Promise<void>
}

/** What a commit needs of the thread's clients. */
export interface CommitClients {
  /** Sends queued records and waits for every acknowledgement; throws a failure decided 'fail'. */
  flushOutput(): Promise<void>
  /** Commits offsets (each the next offset to read) for the application's group. */
  commitOffsets(offsets: readonly { readonly topic: string; readonly partition: number; readonly offset: number; readonly metadata?: string }[]): Promise<void>
}

/** Commits `tasks` in the order above; resolves with the number of offsets committed. */
export async function commitTasks(tasks: readonly CommittableTask[], clients: CommitClients): Promise<number> {
  if (tasks.length === 0) return 0
  for (const task of tasks) await task.flushStores()
  await clients.flushOutput()
  const offsets = tasks.flatMap((task) => task.offsetsToCommit())
  if (offsets.length > 0) await clients.commitOffsets(offsets)
  for (const task of tasks) task.markCommitted()
  for (const task of tasks) await task.writeCheckpoint()
  return offsets.length
}
