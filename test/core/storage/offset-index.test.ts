import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CoreError } from '../../../core/errors.ts'
import { OffsetIndex } from '../../../core/storage/offset-index.ts'

interface Entry {
  offset: number
  position: number
}

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'creek-offset-index-'))
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
  let found: Entry = { offset: base, position: 0 }
  for (const e of model) if (e.offset <= target) found = e
  return found
}

/** What a reopened file holds: a lone all-zero first entry counts as none. */
function afterReopen(model: Entry[], base: number): Entry[] {
  return model.length === 1 && model[0].offset === base && model[0].position === 0 ? [] : model
}

function expectAgrees(index: OffsetIndex, model: Entry[], base: number, random: (n: number) => number, lookups = 30): void {
  expect(index.entries).toBe(model.length)
  expect(index.lastOffset).toBe(model.length ? model[model.length - 1].offset : base)
  expect(index.lastPosition).toBe(model.length ? model[model.length - 1].position : 0)
  const last = model.length ? model[model.length - 1].offset : base
  for (let k = 0; k < lookups; k++) {
    const target = base - 3 + random(last - base + 60)
    expect(index.lookup(target), `lookup(${target})`).toEqual(modelLookup(model, base, target))
  }
  for (const e of model) expect(index.lookup(e.offset)).toEqual(e)
  if (model.length) expect(index.entryAt(model.length - 1)).toEqual(model[model.length - 1])
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

const BASE = 2 ** 40 + 17
const path = () => join(dir, `${String(BASE).padStart(20, '0')}.index`)

describe('OffsetIndex (model-based)', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`agrees with a sorted array through appends, truncations, flushes and reopens (seed ${seed})`, () => {
      const random = rng(seed)
      const slots = seed % 2 === 0 ? 50 : 300 // small ones fill up
      const maxIndexSize = 8 * slots + 5 // not a multiple of 8: rounded down
      let index = OffsetIndex.open(path(), BASE, { maxIndexSize, writable: true })
      let model: Entry[] = []
      for (let step = 0; step < 600; step++) {
        const op = random(100)
        if (op < 55) {
          const last = model[model.length - 1]
          const offset = last ? last.offset + 1 + random(40) : BASE + random(3)
          const position = last ? last.position + 1 + random(5000) : random(2)
          if (model.length >= slots) {
            expect(index.isFull).toBe(true)
            expect(codeOf(() => index.append(offset, position))).toBe('CORE_STORAGE_IO')
          } else {
            index.append(offset, position)
            model.push({ offset, position })
          }
        } else if (op < 75) {
          expectAgrees(index, model, BASE, random, 5)
        } else if (op < 82) {
          const last = model.length ? model[model.length - 1].offset : BASE
          const target = BASE - 1 + random(last - BASE + 3)
          index.truncateTo(target)
          model = model.filter((e) => e.offset < target)
        } else if (op < 88) {
          index.flush()
        } else if (op < 92) {
          index.close()
          index = OffsetIndex.open(path(), BASE, { maxIndexSize, writable: true })
          model = afterReopen(model, BASE)
        } else if (op < 96) {
          // Seal, check the file-backed lookups, reopen read-only, then writable again.
          index.makeReadOnly()
          expect(statSync(path()).size).toBe(model.length * 8)
          expectAgrees(index, model, BASE, random)
          index.close()
          index = OffsetIndex.open(path(), BASE, { maxIndexSize, writable: false })
          model = afterReopen(model, BASE)
          expectAgrees(index, model, BASE, random)
          index.sanityCheck(model.length ? model[model.length - 1].position + 1 : 0)
          index.close()
          index = OffsetIndex.open(path(), BASE, { maxIndexSize, writable: true })
        } else {
          // Crash: the file as left by a flush, still preallocated and untrimmed.
          index.flush()
          const copy = join(dir, 'crash.index')
          copyFileSync(path(), copy)
          expect(statSync(copy).size).toBe(slots * 8)
          const recovered = OffsetIndex.open(copy, BASE, { maxIndexSize, writable: false })
          expectAgrees(recovered, afterReopen(model, BASE), BASE, random)
          recovered.delete()
        }
        expect(index.entries).toBe(model.length)
      }
      index.close()
    })
  }
})

describe('OffsetIndex', () => {
  it('preallocates a writable file and trims it on close', () => {
    const index = OffsetIndex.open(path(), BASE, { maxIndexSize: 1024, writable: true })
    expect(statSync(path()).size).toBe(1024)
    index.append(BASE + 5, 100)
    index.append(BASE + 9, 250)
    index.close()
    expect(statSync(path()).size).toBe(16)
    const reopened = OffsetIndex.open(path(), BASE, { maxIndexSize: 1024, writable: false })
    expect(reopened.entries).toBe(2)
    expect(reopened.lookup(BASE + 8)).toEqual({ offset: BASE + 5, position: 100 })
    expect(reopened.lookup(BASE + 4)).toEqual({ offset: BASE, position: 0 })
    expect(reopened.isFull).toBe(true)
    reopened.close()
    reopened.close() // idempotent
  })

  it('writes new entries only on flush', () => {
    const index = OffsetIndex.open(path(), BASE, { maxIndexSize: 800, writable: true })
    index.append(BASE + 1, 10)
    const before = join(dir, 'before-flush.index')
    copyFileSync(path(), before)
    index.flush()
    index.append(BASE + 2, 20)
    const after = join(dir, 'after-flush.index')
    copyFileSync(path(), after)
    index.close()
    const a = OffsetIndex.open(before, BASE, { maxIndexSize: 800, writable: false })
    const b = OffsetIndex.open(after, BASE, { maxIndexSize: 800, writable: false })
    expect(a.entries).toBe(0)
    expect(b.entries).toBe(1)
    a.close()
    b.close()
  })

  it('zeroes truncated entries on disk so a crash cannot bring them back', () => {
    const index = OffsetIndex.open(path(), BASE, { maxIndexSize: 800, writable: true })
    for (let i = 1; i <= 20; i++) index.append(BASE + i * 10, i * 100)
    index.flush()
    index.truncateTo(BASE + 55)
    for (let i = 6; i <= 8; i++) index.append(BASE + i * 10 + 1, i * 100 + 1)
    index.flush()
    const copy = join(dir, 'crash.index')
    copyFileSync(path(), copy)
    index.close()
    const recovered = OffsetIndex.open(copy, BASE, { maxIndexSize: 800, writable: true })
    expect(recovered.entries).toBe(8)
    expect(recovered.lastOffset).toBe(BASE + 81)
    recovered.close()
  })

  it('rejects entries that do not strictly increase or do not fit, and appends to a sealed index', () => {
    const index = OffsetIndex.open(path(), BASE, { maxIndexSize: 16, writable: true })
    expect(codeOf(() => index.append(BASE - 1, 0))).toBe('CORE_INVALID_ARGUMENT')
    expect(codeOf(() => index.append(BASE + 2 ** 31, 0))).toBe('CORE_INVALID_ARGUMENT')
    expect(codeOf(() => index.append(BASE, -1))).toBe('CORE_INVALID_ARGUMENT')
    index.append(BASE + 10, 100)
    expect(codeOf(() => index.append(BASE + 10, 200))).toBe('CORE_INVALID_ARGUMENT')
    expect(codeOf(() => index.append(BASE + 11, 100))).toBe('CORE_INVALID_ARGUMENT')
    index.append(BASE + 11, 101)
    expect(index.isFull).toBe(true)
    expect(codeOf(() => index.append(BASE + 12, 102))).toBe('CORE_STORAGE_IO')
    index.makeReadOnly()
    expect(index.isWritable).toBe(false)
    expect(codeOf(() => index.append(BASE + 12, 102))).toBe('CORE_INVALID_ARGUMENT')
    index.close()
    expect(codeOf(() => index.lookup(BASE))).toBe('CORE_CLOSED')
  })

  it('becomes writable again when a sealed index is truncated or reset', () => {
    const index = OffsetIndex.open(path(), BASE, { maxIndexSize: 800, writable: true })
    for (let i = 1; i <= 5; i++) index.append(BASE + i, i * 10)
    index.close()
    const sealed = OffsetIndex.open(path(), BASE, { maxIndexSize: 800, writable: false })
    sealed.truncateTo(BASE + 4)
    expect(sealed.isWritable).toBe(true)
    expect(sealed.entries).toBe(3)
    expect(statSync(path()).size).toBe(800)
    sealed.append(BASE + 9, 99)
    sealed.reset()
    expect(sealed.entries).toBe(0)
    expect(sealed.lookup(BASE + 100)).toEqual({ offset: BASE, position: 0 })
    sealed.close()
    expect(statSync(path()).size).toBe(0)
  })

  it('keeps the entries of a file larger than maxIndexSize', () => {
    const index = OffsetIndex.open(path(), BASE, { maxIndexSize: 80, writable: true })
    for (let i = 1; i <= 10; i++) index.append(BASE + i, i)
    index.close()
    const smaller = OffsetIndex.open(path(), BASE, { maxIndexSize: 40, writable: true })
    expect(smaller.entries).toBe(10)
    expect(smaller.isFull).toBe(true)
    smaller.close()
  })

  it('sanityCheck catches a damaged file and a last entry past the log', () => {
    const index = OffsetIndex.open(path(), BASE, { maxIndexSize: 8000, writable: true })
    for (let i = 1; i <= 100; i++) index.append(BASE + i * 3, i * 64)
    index.sanityCheck(100 * 64 + 1)
    expect(codeOf(() => index.sanityCheck(100 * 64))).toBe('CORE_CORRUPT_RECORD')
    index.close()

    const fd = openSync(path(), 'r+')
    writeSync(fd, Buffer.from([0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x01]), 0, 8, 50 * 8)
    closeSync(fd)
    const damaged = OffsetIndex.open(path(), BASE, { maxIndexSize: 8000, writable: false })
    expect(damaged.entries).toBe(100)
    damaged.sanityCheck(1 << 20, { full: false }) // the cheap check only sees both ends
    expect(codeOf(() => damaged.sanityCheck(1 << 20))).toBe('CORE_CORRUPT_RECORD')
    damaged.close()

    writeFileSync(path(), Buffer.alloc(8 * 3 + 3, 1))
    const torn = OffsetIndex.open(path(), BASE, { maxIndexSize: 8000, writable: false })
    expect(codeOf(() => torn.sanityCheck())).toBe('CORE_CORRUPT_RECORD')
    torn.close()
  })

  it('counts a lone all-zero entry as none and creates a missing file', () => {
    const index = OffsetIndex.open(path(), BASE, { maxIndexSize: 80, writable: true })
    index.append(BASE, 0)
    expect(index.entries).toBe(1)
    index.close()
    const reopened = OffsetIndex.open(path(), BASE, { maxIndexSize: 80, writable: false })
    expect(reopened.entries).toBe(0)
    expect(reopened.lookup(BASE + 5)).toEqual({ offset: BASE, position: 0 })
    reopened.close()
    const missing = OffsetIndex.open(join(dir, 'missing.index'), BASE, { maxIndexSize: 80, writable: false })
    expect(missing.entries).toBe(0)
    missing.close()
  })

  it('renames and deletes its file', () => {
    const index = OffsetIndex.open(path(), BASE, { maxIndexSize: 80, writable: true })
    index.append(BASE + 1, 1)
    const renamed = `${path()}.deleted`
    index.renameTo(renamed)
    expect(index.path).toBe(renamed)
    index.append(BASE + 2, 2)
    index.flush()
    expect(existsSync(path())).toBe(false)
    expect(index.delete()).toBe(true)
    expect(existsSync(renamed)).toBe(false)
    expect(index.delete()).toBe(false)
  })
})
