import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CoreError } from '../../../core/errors.ts'
import { TimeIndex } from '../../../core/storage/time-index.ts'

interface Entry {
  timestamp: number
  offset: number
}

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'creek-time-index-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** Deterministic PRNG (mulberry32) so a failing seed can be replayed. */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n)
  }
}

function modelLookup(model: Entry[], base: number, target: number): Entry {
  let found: Entry = { timestamp: -1, offset: base }
  for (const e of model) if (e.timestamp <= target) found = e
  return found
}

/** The model's rule for maybeAppend: only entries that move both fields forward. */
function modelAppend(model: Entry[], timestamp: number, offset: number): boolean {
  const last = model[model.length - 1]
  if (last && (timestamp <= last.timestamp || offset <= last.offset)) return false
  model.push({ timestamp, offset })
  return true
}

function expectAgrees(index: TimeIndex, model: Entry[], base: number, random: (n: number) => number, lookups = 30): void {
  expect(index.entries).toBe(model.length)
  expect(index.lastEntry).toEqual(model.length ? model[model.length - 1] : { timestamp: -1, offset: base })
  const first = model.length ? model[0].timestamp : T0
  const last = model.length ? model[model.length - 1].timestamp : T0
  for (let k = 0; k < lookups; k++) {
    const target = first - 5 + random(last - first + 50)
    expect(index.lookup(target), `lookup(${target})`).toEqual(modelLookup(model, base, target))
  }
  for (const e of model) expect(index.lookup(e.timestamp)).toEqual(e)
  if (model.length) expect(index.entryAt(0)).toEqual(model[0])
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError)
    return (error as CoreError).code
  }
  return undefined
}

const BASE = 2 ** 35 + 3
const T0 = 1_700_000_000_000
const path = () => join(dir, `${String(BASE).padStart(20, '0')}.timeindex`)

describe('TimeIndex (model-based)', () => {
  for (const seed of [11, 12, 13, 14, 15, 16]) {
    it(`agrees with a sorted array through appends, truncations, flushes and reopens (seed ${seed})`, () => {
      const random = rng(seed)
      const slots = seed % 2 === 0 ? 40 : 200 // small ones fill up and use the reserved slot
      const maxIndexSize = 12 * slots + 7
      let index = TimeIndex.open(path(), BASE, { maxIndexSize, writable: true })
      let model: Entry[] = []
      let nextOffset = BASE
      let nextTs = T0
      for (let step = 0; step < 600; step++) {
        const op = random(100)
        if (op < 55) {
          const last = model[model.length - 1]
          nextOffset = Math.max(nextOffset, last ? last.offset : BASE) + random(20)
          nextTs = (last ? last.timestamp : T0) + random(60) - 10
          const wouldAppend = !last || (nextTs > last.timestamp && nextOffset > last.offset)
          if (wouldAppend && model.length >= slots - 1) {
            expect(index.isFull).toBe(true)
            expect(codeOf(() => index.maybeAppend(nextTs, nextOffset))).toBe('CORE_STORAGE_IO')
            if (model.length < slots) {
              index.maybeAppend(nextTs, nextOffset, true) // the reserved last slot
              modelAppend(model, nextTs, nextOffset)
            }
          } else {
            index.maybeAppend(nextTs, nextOffset)
            modelAppend(model, nextTs, nextOffset)
          }
        } else if (op < 75) {
          expectAgrees(index, model, BASE, random, 5)
        } else if (op < 82) {
          const lastOffset = model.length ? model[model.length - 1].offset : BASE
          const target = BASE - 1 + random(lastOffset - BASE + 3)
          index.truncateTo(target)
          model = model.filter((e) => e.offset < target)
          nextOffset = Math.max(BASE, target)
        } else if (op < 88) {
          index.flush()
        } else if (op < 92) {
          index.close()
          index = TimeIndex.open(path(), BASE, { maxIndexSize, writable: true })
        } else if (op < 96) {
          index.makeReadOnly()
          expect(statSync(path()).size).toBe(model.length * 12)
          expectAgrees(index, model, BASE, random)
          index.close()
          index = TimeIndex.open(path(), BASE, { maxIndexSize, writable: false })
          expectAgrees(index, model, BASE, random)
          index.sanityCheck()
          index.close()
          index = TimeIndex.open(path(), BASE, { maxIndexSize, writable: true })
        } else {
          index.flush()
          const copy = join(dir, 'crash.timeindex')
          copyFileSync(path(), copy)
          expect(statSync(copy).size).toBe(slots * 12)
          const recovered = TimeIndex.open(copy, BASE, { maxIndexSize, writable: false })
          expectAgrees(recovered, model, BASE, random)
          recovered.delete()
        }
        expect(index.entries).toBe(model.length)
      }
      index.close()
    })
  }
})

describe('TimeIndex', () => {
  it('appends only entries that move both timestamp and offset forward', () => {
    const index = TimeIndex.open(path(), BASE, { maxIndexSize: 1200, writable: true })
    expect(index.lastEntry).toEqual({ timestamp: -1, offset: BASE })
    index.maybeAppend(T0, BASE + 1)
    index.maybeAppend(T0, BASE + 5) // same timestamp: skipped
    index.maybeAppend(T0 + 5, BASE + 1) // same offset: skipped
    index.maybeAppend(T0 - 5, BASE + 6) // older timestamp: skipped
    index.maybeAppend(T0 + 9, BASE + 7)
    expect(index.entries).toBe(2)
    expect(index.lastEntry).toEqual({ timestamp: T0 + 9, offset: BASE + 7 })
    expect(codeOf(() => index.maybeAppend(T0 + 20, BASE + 6))).toBe('CORE_INVALID_ARGUMENT')
    expect(codeOf(() => index.maybeAppend(T0 + 20, BASE - 1))).toBe('CORE_INVALID_ARGUMENT')
    expect(codeOf(() => index.maybeAppend(T0 + 20, BASE + 2 ** 31))).toBe('CORE_INVALID_ARGUMENT')
    expect(codeOf(() => index.maybeAppend(1.5, BASE + 8))).toBe('CORE_INVALID_ARGUMENT')
    expect(index.lookup(T0 - 1)).toEqual({ timestamp: -1, offset: BASE })
    expect(index.lookup(T0 + 8)).toEqual({ timestamp: T0, offset: BASE + 1 })
    index.close()
  })

  it('round-trips int64 timestamps, including negative and large ones', () => {
    const index = TimeIndex.open(path(), BASE, { maxIndexSize: 1200, writable: true })
    const stamps = [-(2 ** 40) - 7, -1, 0, 2 ** 32 - 1, 2 ** 32, 2 ** 52 + 3, Number.MAX_SAFE_INTEGER]
    stamps.forEach((ts, i) => index.maybeAppend(ts, BASE + i + 1))
    index.close()
    const reopened = TimeIndex.open(path(), BASE, { maxIndexSize: 1200, writable: false })
    expect(reopened.entries).toBe(stamps.length)
    stamps.forEach((ts, i) => expect(reopened.entryAt(i)).toEqual({ timestamp: ts, offset: BASE + i + 1 }))
    reopened.sanityCheck()
    reopened.close()
  })

  it('keeps the last slot for the entry written when the segment is sealed', () => {
    const index = TimeIndex.open(path(), BASE, { maxIndexSize: 36, writable: true }) // 3 slots
    index.maybeAppend(T0, BASE + 1)
    index.maybeAppend(T0 + 1, BASE + 2)
    expect(index.isFull).toBe(true)
    expect(codeOf(() => index.maybeAppend(T0 + 2, BASE + 3))).toBe('CORE_STORAGE_IO')
    index.maybeAppend(T0 + 2, BASE + 3, true)
    expect(index.entries).toBe(3)
    index.maybeAppend(T0 + 3, BASE + 4, true) // no slot left: dropped
    expect(index.entries).toBe(3)
    index.makeReadOnly()
    index.maybeAppend(T0 + 2, BASE + 3, true) // nothing to append: a no-op even when sealed
    expect(codeOf(() => index.maybeAppend(T0 + 9, BASE + 9))).toBe('CORE_INVALID_ARGUMENT')
    index.close()
  })

  it('writes lazily and zeroes truncated entries on disk', () => {
    const index = TimeIndex.open(path(), BASE, { maxIndexSize: 1200, writable: true })
    for (let i = 1; i <= 20; i++) index.maybeAppend(T0 + i, BASE + i * 10)
    const unflushed = join(dir, 'unflushed.timeindex')
    copyFileSync(path(), unflushed)
    index.flush()
    index.truncateTo(BASE + 55)
    index.maybeAppend(T0 + 100, BASE + 61)
    index.flush()
    const crashed = join(dir, 'crashed.timeindex')
    copyFileSync(path(), crashed)
    index.close()
    const a = TimeIndex.open(unflushed, BASE, { maxIndexSize: 1200, writable: false })
    expect(a.entries).toBe(0)
    a.close()
    const b = TimeIndex.open(crashed, BASE, { maxIndexSize: 1200, writable: false })
    expect(b.entries).toBe(6)
    expect(b.lastEntry).toEqual({ timestamp: T0 + 100, offset: BASE + 61 })
    b.close()
  })

  it('sanityCheck catches a damaged file', () => {
    const index = TimeIndex.open(path(), BASE, { maxIndexSize: 12_000, writable: true })
    for (let i = 1; i <= 100; i++) index.maybeAppend(T0 + i * 7, BASE + i * 3)
    index.sanityCheck()
    index.close()
    const fd = openSync(path(), 'r+')
    writeSync(fd, Buffer.alloc(12, 0x7f), 0, 12, 40 * 12)
    closeSync(fd)
    const damaged = TimeIndex.open(path(), BASE, { maxIndexSize: 12_000, writable: false })
    damaged.sanityCheck({ full: false })
    expect(codeOf(() => damaged.sanityCheck())).toBe('CORE_CORRUPT_RECORD')
    damaged.close()
  })

  it('becomes writable on truncate and reset, counts a lone all-zero entry as none, renames and deletes', () => {
    const index = TimeIndex.open(path(), BASE, { maxIndexSize: 120, writable: true })
    index.maybeAppend(0, BASE)
    index.close()
    const reopened = TimeIndex.open(path(), BASE, { maxIndexSize: 120, writable: false })
    expect(reopened.entries).toBe(0)
    reopened.reset()
    expect(reopened.isWritable).toBe(true)
    reopened.maybeAppend(T0, BASE + 1)
    reopened.maybeAppend(T0 + 1, BASE + 2)
    reopened.makeReadOnly()
    reopened.truncateTo(BASE + 2)
    expect(reopened.isWritable).toBe(true)
    expect(reopened.lastEntry).toEqual({ timestamp: T0, offset: BASE + 1 })
    const renamed = `${path()}.deleted`
    reopened.renameTo(renamed)
    reopened.close()
    expect(existsSync(path())).toBe(false)
    expect(statSync(renamed).size).toBe(12)
    expect(reopened.delete()).toBe(true)
    expect(existsSync(renamed)).toBe(false)
  })
})
