/**
 * Profiles of a benchmark's timed phases, for investigations (not for the reported figures):
 * - `CREEK_BENCH_CPU_PROFILE=<dir>`: a V8 CPU profile of each phase, `<dir>/<phase>.cpuprofile`
 *   (for Chrome DevTools or speedscope);
 * - `CREEK_BENCH_ALLOC_PROFILE=<dir>`: a sampling heap profile of each phase that counts every
 *   allocation, collected or not, `<dir>/<phase>.heapprofile` (where the garbage comes from).
 * Unset, phases run as they are.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'

const PROFILE_DIR = process.env.CREEK_BENCH_CPU_PROFILE
const ALLOC_PROFILE_DIR = process.env.CREEK_BENCH_ALLOC_PROFILE

/** Runs `phase` under the profilers the environment asks for. */
export async function profiled<T>(name: string, phase: () => Promise<T>): Promise<T> {
  if (PROFILE_DIR === undefined && ALLOC_PROFILE_DIR === undefined) return phase()
  const session = new Session()
  session.connect()
  if (PROFILE_DIR !== undefined) {
    await session.post('Profiler.enable')
    await session.post('Profiler.setSamplingInterval', { interval: 500 })
    await session.post('Profiler.start')
  }
  if (ALLOC_PROFILE_DIR !== undefined) {
    await session.post('HeapProfiler.enable')
    await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })
  }
  try {
    return await phase()
  } finally {
    if (PROFILE_DIR !== undefined) {
      const { profile } = await session.post('Profiler.stop')
      mkdirSync(PROFILE_DIR, { recursive: true })
      writeFileSync(join(PROFILE_DIR, `${name}.cpuprofile`), JSON.stringify(profile))
    }
    if (ALLOC_PROFILE_DIR !== undefined) {
      const { profile } = await session.post('HeapProfiler.stopSampling')
      mkdirSync(ALLOC_PROFILE_DIR, { recursive: true })
      writeFileSync(join(ALLOC_PROFILE_DIR, `${name}.heapprofile`), JSON.stringify(profile))
    }
    session.disconnect()
  }
}
