/**
 * Keeps the appends to one partition in the order their requests arrived when some of them
 * must do asynchronous work first (decompressing to check keys, re-compressing).
 *
 * A synchronous append with nothing queued before it runs at once, so the common path adds no
 * latency and no promise hop before the append. Anything else joins the partition's chain and
 * runs when every earlier task on that partition has settled. A task should end with the
 * (synchronous) append and return promises it does not want the chain to wait for, such as
 * a flush, wrapped in an object, so that durable appends still share fsyncs (group commit).
 *
 * Concurrency rule: callers must enqueue in arrival order, i.e. before their first `await`.
 */
const tails = new WeakMap<object, Promise<void>>()

/**
 * Runs `task` for `partition` (any object identifying it, e.g. its PartitionLog) after the
 * tasks enqueued before it. `async` says whether `task` awaits anything before appending.
 */
export function inPartitionOrder<T>(partition: object, task: () => T | Promise<T>, async: boolean): Promise<T> {
  const tail = tails.get(partition)
  if (tail === undefined && !async) {
    try {
      return Promise.resolve(task())
    } catch (error) {
      return Promise.reject(error)
    }
  }
  const run = (tail ?? Promise.resolve()).then(task)
  const settled = run.then(noop, noop)
  tails.set(partition, settled)
  void settled.then(() => {
    if (tails.get(partition) === settled) tails.delete(partition)
  })
  return run
}

function noop(): void {}
