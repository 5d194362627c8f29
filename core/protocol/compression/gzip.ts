/**
 * gzip (compression type 1) through `node:zlib`, the only module that touches it for batches.
 *
 * Kafka writes a gzip stream (RFC 1952) of the records section, default level 6 like Java's
 * `GZIPOutputStream`. Decoding accepts concatenated gzip members, as zlib does.
 *
 * Small inputs are handled synchronously: below `SYNC_LIMIT` the thread-pool round trip costs
 * more than the work and the event loop is blocked for well under a millisecond. Larger inputs
 * run on libuv's thread pool so that a big batch never stalls other connections.
 */
import { promisify } from 'node:util'
import { gunzip, gunzipSync, gzip, gzipSync } from 'node:zlib'

const SYNC_LIMIT = 16 * 1024

const gzipAsync = promisify(gzip)
const gunzipAsync = promisify(gunzip)

export async function compress(data: Buffer): Promise<Buffer> {
  return data.length <= SYNC_LIMIT ? gzipSync(data) : gzipAsync(data)
}

export async function decompress(data: Buffer): Promise<Buffer> {
  return data.length <= SYNC_LIMIT ? gunzipSync(data) : gunzipAsync(data)
}
