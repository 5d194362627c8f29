/**
 * `CREEK_BENCH_CPU_PROFILE=<dir>`: benchmarks write a V8 CPU profile of each timed phase to
 * `<dir>/<phase>.cpuprofile` (for Chrome DevTools or speedscope). Unset, phases run as they are.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'

const PROFILE_DIR = process.env.CREEK_BENCH_CPU_PROFILE

/** Runs `phase` under the CPU profiler when CREEK_BENCH_CPU_PROFILE is set. */
export async function profiled<T>(name: string, phase: () => Promise<T>): Promise<T> {
  if (PROFILE_DIR === undefined) return phase()
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 500 })
  await session.post('Profiler.start')
  try {
    return await phase()
  } finally {
    const { profile } = await session.post('Profiler.stop')
    mkdirSync(PROFILE_DIR, { recursive: true })
    writeFileSync(join(PROFILE_DIR, `${name}.cpuprofile`), JSON.stringify(profile))
    session.disconnect()
  }
}
