/**
 * CRC-32C (Castagnoli), the checksum of Kafka's record batch v2.
 *
 * The only module that touches the native implementation (`@node-rs/crc32`, SIMD), so that it
 * can be swapped in one place. Batches are checksummed whole (from `attributes` to the end),
 * where the native code runs at several GB/s.
 */
import { crc32c as nativeCrc32c } from '@node-rs/crc32'

/** CRC-32C of `data`, continuing from `initial` (0 for a fresh checksum); an unsigned 32-bit int. */
export function crc32c(data: Uint8Array, initial = 0): number {
  return nativeCrc32c(data as Buffer, initial) >>> 0
}
