/**
 * What the Streams benchmarks (streams.ts, windows.ts) share to time their phases on an
 * embedded broker: log end offsets read straight from the broker (no consumer taking CPU from
 * the app), a bounded wait for a condition, and the machine's load average.
 *
 * `CREEK_BENCH_MAX_RSS_MB` (default 3072): a wait stops early when the process passes it.
 */
import { readFileSync } from 'node:fs'
import type { Creek } from '../core/index.ts'

export const MAX_RSS_BYTES = Number(process.env.CREEK_BENCH_MAX_RSS_MB ?? 3072) * 1024 * 1024

/** How a phase ended: 'done', or why it stopped early. */
export type Outcome = 'done' | 'timed out' | 'out of memory'

/** Sum of the log end offsets of `topic`'s partitions on the embedded broker. */
export function endOffsets(creek: Creek, topic: string): number {
  const logs = creek.broker.logs
  const partitions = logs.topic(topic)?.partitions ?? 0
  let sum = 0
  for (let p = 0; p < partitions; p++) sum += logs.log(topic, p)?.logEndOffset ?? 0
  return sum
}

/** Polls `done` every `everyMs`; stops at `deadline` or when the process passes MAX_RSS_BYTES. */
export async function until(done: () => boolean, deadline: number, everyMs = 2): Promise<Outcome> {
  let nextMemoryCheck = 0
  while (!done()) {
    const now = performance.now()
    if (now > deadline) return 'timed out'
    if (now > nextMemoryCheck) {
      if (process.memoryUsage.rss() > MAX_RSS_BYTES) return 'out of memory'
      nextMemoryCheck = now + 100
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
  return 'done'
}

/** The 1, 5 and 15 minute load averages, as /proc/loadavg gives them. */
export const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
