/**
 * Snappy (compression type 2) through `snappy`, the only module that touches it.
 *
 * Two encodings of a batch's records section exist in the wild, and both must be read:
 *
 * - **Raw snappy** (one snappy block: varint uncompressed length, then tagged elements), which
 *   librdkafka, kafkajs and Creek write. Java clients read it too: xerial's input stream falls
 *   back to raw decoding when the framing header is absent.
 * - **xerial framing**, which Java clients write (`SnappyOutputStream`):
 *
 *   | bytes | field                                               |
 *   |-------|-----------------------------------------------------|
 *   | 8     | magic `82 53 4E 41 50 50 59 00` ("\x82SNAPPY\0")     |
 *   | 4     | version (int32 BE, 1)                               |
 *   | 4     | compatible version (int32 BE, 1)                    |
 *   | 4 + n | repeated: block length n (int32 BE), raw snappy block |
 *
 *   The uncompressed blocks are concatenated. Version fields are not checked (librdkafka does
 *   not either). A raw stream cannot plausibly start with the magic: it would declare an
 *   uncompressed length of 10,626 bytes followed by an invalid tag sequence.
 *
 * Inputs up to `SYNC_LIMIT` bytes are handled synchronously (snappy runs at hundreds of MB/s);
 * larger ones run on the thread pool. Errors are plain `Error`s; `codecs.ts` turns them into
 * `CoreError`s.
 */
import { compress as snappyCompress, compressSync, uncompress, uncompressSync } from 'snappy'

const SYNC_LIMIT = 64 * 1024

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
const XERIAL_HEADER_SIZE = 16

/** Raw snappy, as librdkafka writes it. */
export async function compress(data: Buffer): Promise<Buffer> {
  return data.length <= SYNC_LIMIT ? compressSync(data) : snappyCompress(data)
}

/** Raw snappy or xerial-framed snappy, told apart by the xerial magic. */
export async function decompress(data: Buffer): Promise<Buffer> {
  return isXerialFramed(data) ? decompressXerial(data) : decompressRaw(data, data.length > SYNC_LIMIT)
}

export function isXerialFramed(data: Buffer): boolean {
  return data.length >= XERIAL_MAGIC.length && XERIAL_MAGIC.equals(data.subarray(0, XERIAL_MAGIC.length))
}

async function decompressRaw(block: Buffer, offThread: boolean): Promise<Buffer> {
  const out = offThread ? await uncompress(block) : uncompressSync(block)
  return out as Buffer // `asBuffer` defaults to true: a Buffer, never a string
}

/** Parses the whole framing first, so that no block is being decoded when the framing is bad. */
async function decompressXerial(data: Buffer): Promise<Buffer> {
  if (data.length < XERIAL_HEADER_SIZE) {
    throw new Error(`xerial snappy header truncated: ${data.length} bytes, need ${XERIAL_HEADER_SIZE}`)
  }
  const blocks: Buffer[] = []
  let pos = XERIAL_HEADER_SIZE
  while (pos < data.length) {
    if (data.length - pos < 4) throw new Error(`xerial snappy block length truncated at byte ${pos}`)
    const length = data.readInt32BE(pos)
    pos += 4
    if (length < 0 || length > data.length - pos) {
      throw new Error(`xerial snappy block at byte ${pos - 4} declares ${length} bytes, ${data.length - pos} remain`)
    }
    blocks.push(data.subarray(pos, pos + length))
    pos += length
  }
  const offThread = data.length > SYNC_LIMIT
  return Buffer.concat(await Promise.all(blocks.map((block) => decompressRaw(block, offThread))))
}
