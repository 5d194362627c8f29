/**
 * Zstandard (compression type 4) through `@mongodb-js/zstd`, the only module that touches it.
 *
 * Creek writes one zstd frame of the records section (level 3, zstd's and Kafka's default; the
 * binding does not expose the level). Decoding accepts frames whose header carries no content
 * size — Java clients (zstd-jni's streaming output) and librdkafka's streaming mode write those —
 * because the binding decodes with zstd's streaming API rather than a single-shot call that
 * needs the size up front; several concatenated frames decode to their concatenation.
 *
 * The binding only has asynchronous (thread-pool) calls, so every call leaves the JS thread.
 */
import { compress as zstdCompress, decompress as zstdDecompress } from '@mongodb-js/zstd'

export async function compress(data: Buffer): Promise<Buffer> {
  return zstdCompress(data)
}

export async function decompress(data: Buffer): Promise<Buffer> {
  return zstdDecompress(data)
}
