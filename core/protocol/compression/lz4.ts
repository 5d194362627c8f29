/**
 * LZ4 (compression type 3) through `lz4-napi`, the only module that touches it.
 *
 * Record batch v2 uses the LZ4 *frame* format (magic `04 22 4D 18`, frame descriptor with a
 * correct header checksum, blocks, end mark), not raw LZ4 blocks. Creek writes frames with
 * independent blocks and no content checksum, which Java's `KafkaLZ4BlockInputStream`,
 * librdkafka and the `lz4` CLI all read; decoding accepts any valid frame (block and content
 * checksums, content size, any block size).
 *
 * Inputs up to `SYNC_LIMIT` bytes are handled synchronously (LZ4 runs at GB/s, so the event loop
 * is blocked for microseconds); larger ones run off the JavaScript thread.
 */
import { compressFrame, compressFrameSync, decompressFrame, decompressFrameSync } from 'lz4-napi'

const SYNC_LIMIT = 64 * 1024

export async function compress(data: Buffer): Promise<Buffer> {
  return data.length <= SYNC_LIMIT ? compressFrameSync(data) : compressFrame(data)
}

export async function decompress(data: Buffer): Promise<Buffer> {
  return data.length <= SYNC_LIMIT ? decompressFrameSync(data) : decompressFrame(data)
}
