/** A small seeded PRNG (mulberry32) so that model-based tests replay exactly. */
export function seededRandom(seed: number): (bound: number) => number {
  let state = seed >>> 0
  return (bound) => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * bound | 0
  }
}

/** Keys of 0 to 3 bytes drawn from values that stress byte order (0x00, 0x7f/0x80, 0xff). */
export function randomKey(random: (bound: number) => number): Buffer {
  const alphabet = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff]
  return Buffer.from(Array.from({ length: random(4) }, () => alphabet[random(alphabet.length)]!))
}

/** A plain model of a key-value store: hex key → hex value, sorted on demand by unsigned bytes. */
export class SortedModel {
  readonly map = new Map<string, string>()

  sorted(): [string, string][] {
    return [...this.map.entries()].sort(([a], [b]) => Buffer.compare(Buffer.from(a, 'hex'), Buffer.from(b, 'hex')))
  }

  range(from: Buffer | undefined, to: Buffer | undefined): [string, string][] {
    return this.sorted().filter(([key]) => {
      const bytes = Buffer.from(key, 'hex')
      return (from === undefined || Buffer.compare(bytes, from) >= 0) && (to === undefined || Buffer.compare(bytes, to) <= 0)
    })
  }

  prefix(prefix: Buffer): [string, string][] {
    return this.sorted().filter(([key]) => key.startsWith(prefix.toString('hex')))
  }
}
