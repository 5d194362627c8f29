/**
 * Byte keys and key ranges, as every key-value store of this folder orders them.
 *
 * Order: unsigned lexicographic over the key bytes (`[0x01] < [0x01, 0x00] < [0xff]`), the
 * order of RocksDB's default comparator and of Kafka Streams' `Bytes`.
 *
 * Binary strings: `binaryKey(buffer)` decodes a key as latin1, one UTF-16 code unit (0–255) per
 * byte. JavaScript compares strings by code units, so `a < b` on binary strings is exactly the
 * byte order above, and a `Map` keyed by them hashes natively. In-memory indexes (the sorted
 * map, the write buffer, the record cache) are keyed this way; the stores still hand out and
 * take `Buffer`s.
 */
import type { KeyValue } from './api.ts'

/** The binary-string form of a key (see the module comment). */
export function binaryKey(key: Buffer): string {
  return key.toString('latin1')
}

/**
 * Keys `from <= key` and `key <= to` (or `key < to` when `toInclusive` is false); an undefined
 * bound is open.
 */
export interface BytesRange {
  readonly from: Buffer | undefined
  readonly to: Buffer | undefined
  readonly toInclusive: boolean
}

export const ALL_KEYS: BytesRange = Object.freeze({ from: undefined, to: undefined, toInclusive: true })

/** `from <= key <= to` (either bound optional); null when the range is empty (`from > to`), as Kafka returns nothing then. */
export function closedRange(from: Buffer | undefined, to: Buffer | undefined): BytesRange | null {
  if (from !== undefined && to !== undefined && Buffer.compare(from, to) > 0) return null
  return { from, to, toInclusive: true }
}

/**
 * Keys that start with `prefix`: from the prefix itself up to, excluding, the smallest key
 * greater than every key with the prefix (the prefix with trailing 0xff bytes dropped and its
 * last byte incremented). An empty prefix or one of only 0xff bytes has no such key: open above.
 */
export function prefixRange(prefix: Buffer): BytesRange {
  let end = prefix.length
  while (end > 0 && prefix[end - 1] === 0xff) end--
  if (end === 0) return { from: prefix.length === 0 ? undefined : prefix, to: undefined, toInclusive: true }
  const to = Buffer.from(prefix.subarray(0, end))
  to[end - 1]! += 1
  return { from: prefix, to, toInclusive: false }
}

/** Binary-string bounds of a range, for the in-memory indexes. */
export interface BinaryBounds {
  readonly lo: string | undefined
  readonly hi: string | undefined
  readonly hiInclusive: boolean
}

export function binaryBounds(range: BytesRange): BinaryBounds {
  return {
    lo: range.from === undefined ? undefined : binaryKey(range.from),
    hi: range.to === undefined ? undefined : binaryKey(range.to),
    hiInclusive: range.toInclusive,
  }
}

/** An entry of a store layer that may hide an older one: a null value is a deletion. */
export type BytesEntry = KeyValue<Buffer, Buffer | null>

/** Bytes one entry costs in a write buffer or cache: the key and value plus a fixed estimate of object overhead. */
export function entrySize(key: Buffer, value: Buffer | null): number {
  return key.length + (value === null ? 0 : value.length) + ENTRY_OVERHEAD_BYTES
}

/** Estimated per-entry overhead (entry object, index slots, map entry) on a 64-bit V8 heap. */
export const ENTRY_OVERHEAD_BYTES = 96
