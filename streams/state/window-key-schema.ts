/**
 * Byte layouts of windowed keys, exactly Kafka Streams' (`WindowKeySchema`, `SessionKeySchema`):
 *
 * - window store key (the key inside window stores and on their changelogs,
 *   `WindowKeySchema.toStoreKeyBinary`): `[key bytes][8-byte window start][4-byte sequence number]`;
 *   the sequence number is 0 unless the store retains duplicates;
 * - time-windowed key (`TimeWindowedSerializer`, `WindowKeySchema.toBinary`): `[key bytes][8-byte window start]`;
 * - session key (session stores, their changelogs and `SessionWindowedSerializer`,
 *   `SessionKeySchema.toBinary`): `[key bytes][8-byte session end][8-byte session start]`.
 *
 * Times are big-endian signed 64-bit integers. Creek keeps them as JavaScript numbers (safe
 * integers); they are written as two 32-bit halves, which is exact in that range. Byte order of
 * these keys is unsigned lexicographic, so, for one key, keys sort by time for times >= 0 (the
 * only window times Kafka's DSL creates).
 */
import { StreamsError } from '../errors.ts'

const TWO_32 = 2 ** 32
export const TIMESTAMP_SIZE = 8
export const SEQNUM_SIZE = 4
/** Bytes after the key in a window store key. */
export const WINDOW_SUFFIX_SIZE = TIMESTAMP_SIZE + SEQNUM_SIZE
/** Bytes after the key in a session key. */
export const SESSION_SUFFIX_SIZE = 2 * TIMESTAMP_SIZE

/** Writes a safe integer as a big-endian int64 at `offset`. */
export function writeTimestamp(out: Buffer, value: number, offset: number): void {
  const high = Math.floor(value / TWO_32)
  out.writeInt32BE(high, offset)
  out.writeUInt32BE(value - high * TWO_32, offset + 4)
}

/** Reads a big-endian int64 at `offset` as a number (exact within the safe integers). */
export function readTimestamp(data: Buffer, offset: number): number {
  return data.readInt32BE(offset) * TWO_32 + data.readUInt32BE(offset + 4)
}

function tooShort(what: string, data: Buffer, needed: number): StreamsError {
  return new StreamsError('STREAMS_STATE_STORE', `A ${what} of ${data.length} bytes is too short: it needs at least ${needed} bytes after the key`)
}

// ---- window store keys ---------------------------------------------------------------------

export function windowStoreKey(key: Buffer, windowStartMs: number, seqnum: number): Buffer {
  const out = Buffer.allocUnsafe(key.length + WINDOW_SUFFIX_SIZE)
  key.copy(out, 0)
  writeTimestamp(out, windowStartMs, key.length)
  out.writeUInt32BE(seqnum >>> 0, key.length + TIMESTAMP_SIZE)
  return out
}

export function windowStoreKeyBytes(storeKey: Buffer): Buffer {
  if (storeKey.length < WINDOW_SUFFIX_SIZE) throw tooShort('window store key', storeKey, WINDOW_SUFFIX_SIZE)
  return storeKey.subarray(0, storeKey.length - WINDOW_SUFFIX_SIZE)
}

export function windowStoreKeyStart(storeKey: Buffer): number {
  if (storeKey.length < WINDOW_SUFFIX_SIZE) throw tooShort('window store key', storeKey, WINDOW_SUFFIX_SIZE)
  return readTimestamp(storeKey, storeKey.length - WINDOW_SUFFIX_SIZE)
}

export function windowStoreKeySeqnum(storeKey: Buffer): number {
  return storeKey.readUInt32BE(storeKey.length - SEQNUM_SIZE)
}

/** The smallest store key of `key` with a window starting at `fromMs` (or later). */
export function windowLowerBound(key: Buffer, fromMs: number): Buffer {
  return windowStoreKey(key, Math.max(0, fromMs), 0)
}

/** The largest store key of `key` with a window starting at `toMs` (or earlier). */
export function windowUpperBound(key: Buffer, toMs: number): Buffer {
  return windowStoreKey(key, toMs, 0xffffffff)
}

// ---- time-windowed keys (serdes) ----------------------------------------------------------

export function timeWindowedKey(key: Buffer, windowStartMs: number): Buffer {
  const out = Buffer.allocUnsafe(key.length + TIMESTAMP_SIZE)
  key.copy(out, 0)
  writeTimestamp(out, windowStartMs, key.length)
  return out
}

// ---- session keys --------------------------------------------------------------------------

export function sessionKey(key: Buffer, startMs: number, endMs: number): Buffer {
  const out = Buffer.allocUnsafe(key.length + SESSION_SUFFIX_SIZE)
  key.copy(out, 0)
  writeTimestamp(out, endMs, key.length)
  writeTimestamp(out, startMs, key.length + TIMESTAMP_SIZE)
  return out
}

export function sessionKeyBytes(data: Buffer): Buffer {
  if (data.length < SESSION_SUFFIX_SIZE) throw tooShort('session key', data, SESSION_SUFFIX_SIZE)
  return data.subarray(0, data.length - SESSION_SUFFIX_SIZE)
}

export function sessionKeyEnd(data: Buffer): number {
  if (data.length < SESSION_SUFFIX_SIZE) throw tooShort('session key', data, SESSION_SUFFIX_SIZE)
  return readTimestamp(data, data.length - SESSION_SUFFIX_SIZE)
}

export function sessionKeyStart(data: Buffer): number {
  if (data.length < SESSION_SUFFIX_SIZE) throw tooShort('session key', data, SESSION_SUFFIX_SIZE)
  return readTimestamp(data, data.length - TIMESTAMP_SIZE)
}

/** Whether `storeKey` (a window or session store key) belongs to exactly `key`. */
export function hasKey(storeKey: Buffer, suffixSize: number, key: Buffer): boolean {
  return storeKey.length - suffixSize === key.length && storeKey.compare(key, 0, key.length, 0, key.length) === 0
}
