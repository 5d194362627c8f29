import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { compressSync as snappyRawCompress } from 'snappy'
import { describe, expect, it } from 'vitest'
import { CoreError } from '../../../core/errors.ts'
import {
  CompressionType,
  compress,
  compressionTypeName,
  decompress,
  parseCompressionType,
} from '../../../core/protocol/compression/codecs.ts'
import * as lz4 from '../../../core/protocol/compression/lz4.ts'
import * as snappy from '../../../core/protocol/compression/snappy.ts'
import * as zstd from '../../../core/protocol/compression/zstd.ts'

const CODECS = [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd] as const

function hasCli(name: string): boolean {
  return existsSync(`/usr/bin/${name}`) || existsSync(`/usr/local/bin/${name}`)
}

function cli(command: string, args: string[], input: Buffer): Buffer {
  return execFileSync(command, args, { input, maxBuffer: 256 * 1024 * 1024 })
}

/** Compressible but not trivial: repeated words with a counter. */
function text(bytes: number): Buffer {
  const parts: string[] = []
  let size = 0
  for (let i = 0; size < bytes; i++) {
    const part = `record-${i % 977} value ${i} lorem ipsum; `
    parts.push(part)
    size += part.length
  }
  return Buffer.from(parts.join('')).subarray(0, bytes)
}

/** A xerial frame (as Java's SnappyOutputStream writes) of `data` cut into `blockSize` blocks. */
function xerialFrame(data: Buffer, blockSize: number): Buffer {
  const header = Buffer.alloc(16)
  Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]).copy(header)
  header.writeInt32BE(1, 8)
  header.writeInt32BE(1, 12)
  const parts: Buffer[] = [header]
  for (let pos = 0; pos < data.length; pos += blockSize) {
    const block = snappyRawCompress(data.subarray(pos, pos + blockSize))
    const length = Buffer.alloc(4)
    length.writeInt32BE(block.length)
    parts.push(length, block)
  }
  return Buffer.concat(parts)
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError)
    return (error as CoreError).code
  }
  throw new Error('expected a rejection')
}

describe('compression type names', () => {
  it('maps ids to Kafka names and back', () => {
    const names = ['none', 'gzip', 'snappy', 'lz4', 'zstd']
    names.forEach((name, id) => {
      expect(compressionTypeName(id)).toBe(name)
      expect(parseCompressionType(name)).toBe(id)
    })
    expect(CompressionType).toEqual({ None: 0, Gzip: 1, Snappy: 2, Lz4: 3, Zstd: 4 })
  })

  it('rejects unknown names with CORE_INVALID_CONFIG listing the allowed ones', () => {
    for (const bad of ['GZIP', 'lz4 ', 'brotli', '', 'producer']) {
      expect(() => parseCompressionType(bad)).toThrow(CoreError)
      try {
        parseCompressionType(bad)
      } catch (error) {
        expect((error as CoreError).code).toBe('CORE_INVALID_CONFIG')
        expect((error as CoreError).message).toContain(JSON.stringify(bad))
        expect((error as CoreError).message).toContain("'none', 'gzip', 'snappy', 'lz4', 'zstd'")
      }
    }
  })

  it('rejects unknown ids with CORE_UNSUPPORTED_COMPRESSION', async () => {
    for (const id of [5, 6, 7, -1, 1.5]) {
      expect(() => compressionTypeName(id)).toThrow(/Unknown compression codec id/)
      expect(await codeOf(decompress(id, Buffer.from('x')))).toBe('CORE_UNSUPPORTED_COMPRESSION')
      expect(await codeOf(compress(id as CompressionType, Buffer.from('x')))).toBe('CORE_UNSUPPORTED_COMPRESSION')
    }
  })
})

describe('codecs', () => {
  it('None returns the input itself', async () => {
    const data = Buffer.from('abc')
    expect(await compress(CompressionType.None, data)).toBe(data)
    expect(await decompress(CompressionType.None, data)).toBe(data)
  })

  for (const type of CODECS) {
    const name = compressionTypeName(type)
    it(`${name} round-trips empty, small, compressible, random and large inputs`, async () => {
      const compressible = [text(10_000), text(3 * 1024 * 1024)]
      for (const input of [Buffer.alloc(0), Buffer.from('x'), randomBytes(100_000), ...compressible]) {
        const packed = await compress(type, input)
        if (compressible.includes(input)) expect(packed.length).toBeLessThan(input.length / 2)
        expect((await decompress(type, packed)).equals(input)).toBe(true)
      }
    })

    it(`${name} reports undecodable bytes as CORE_CORRUPT_RECORD with codec and cause`, async () => {
      const packed = await compress(type, text(5000))
      for (const bad of [Buffer.from('definitely not compressed'), packed.subarray(0, packed.length >> 1)]) {
        try {
          await decompress(type, bad)
          expect.unreachable(`${name} accepted garbage`)
        } catch (error) {
          expect(error).toBeInstanceOf(CoreError)
          expect((error as CoreError).code).toBe('CORE_CORRUPT_RECORD')
          expect((error as CoreError).message).toContain(name)
          expect((error as CoreError).cause).toBeInstanceOf(Error)
        }
      }
    })
  }
})

describe('snappy', () => {
  it('writes raw snappy (no xerial header)', async () => {
    const packed = await snappy.compress(text(1000))
    expect(snappy.isXerialFramed(packed)).toBe(false)
    expect(packed.equals(snappyRawCompress(text(1000)))).toBe(true)
  })

  it('reads xerial frames as Java clients write them', async () => {
    for (const data of [text(100), text(32 * 1024), text(200_000), randomBytes(70_000)]) {
      const frame = xerialFrame(data, 32 * 1024)
      expect(snappy.isXerialFramed(frame)).toBe(true)
      expect((await decompress(CompressionType.Snappy, frame)).equals(data)).toBe(true)
    }
    // A frame with only the header holds no bytes.
    expect((await decompress(CompressionType.Snappy, xerialFrame(Buffer.alloc(0), 10))).length).toBe(0)
  })

  it('rejects truncated or inconsistent xerial framing', async () => {
    const frame = xerialFrame(text(100_000), 32 * 1024)
    const bad = [
      frame.subarray(0, 12), // header cut
      frame.subarray(0, 18), // block length cut
      frame.subarray(0, frame.length - 1), // last block cut
      Buffer.concat([frame, Buffer.from([0, 0, 0, 9, 1])]), // block longer than the rest
      Buffer.concat([frame.subarray(0, 16), Buffer.from([0xff, 0xff, 0xff, 0xff])]), // negative length
    ]
    for (const b of bad) expect(await codeOf(decompress(CompressionType.Snappy, b))).toBe('CORE_CORRUPT_RECORD')
  })
})

describe.skipIf(!hasCli('lz4') && process.env.CI !== 'true')('lz4 frame compatibility with the lz4 CLI', () => {
  const inputs = [Buffer.from('hello lz4'), text(300_000), randomBytes(50_000)]

  it('decodes frames written by `lz4 -c` (default, content size, block checksums, 4 MiB blocks)', async () => {
    for (const input of inputs) {
      for (const args of [[], ['--content-size'], ['-BD', '-BX'], ['-B7'], ['--no-frame-crc']]) {
        const frame = cli('lz4', ['-c', '-q', ...args], input)
        expect(frame.readUInt32LE(0)).toBe(0x184d2204)
        expect((await decompress(CompressionType.Lz4, frame)).equals(input)).toBe(true)
      }
    }
  })

  it('writes frames that `lz4 -d -c` decodes', async () => {
    for (const input of [...inputs, Buffer.alloc(0)]) {
      const frame = await lz4.compress(input)
      expect(frame.readUInt32LE(0)).toBe(0x184d2204)
      expect(cli('lz4', ['-d', '-c', '-q'], frame).equals(input)).toBe(true)
    }
  })
})

describe.skipIf(!hasCli('zstd') && process.env.CI !== 'true')('zstd frame compatibility with the zstd CLI', () => {
  const inputs = [Buffer.from('hello zstd'), text(2 * 1024 * 1024), randomBytes(50_000), Buffer.alloc(0)]

  it('decodes frames without a content size (streaming frames, as zstd-jni writes)', async () => {
    for (const input of inputs) {
      for (const frame of [
        cli('zstd', ['-c', '-q', '--no-content-size'], input),
        cli('sh', ['-c', 'cat | zstd -c -q'], input), // stdin: size unknown to zstd
      ]) {
        expect(frame.readUInt32LE(0)).toBe(0xfd2fb528)
        if (input.length > 0) {
          // Frame_Content_Size_flag 0 and not single-segment: the header has no content size.
          // (For empty stdin, zstd 1.5 knows the size when it writes the header and records 0.)
          expect(frame[4] & 0xe0).toBe(0)
        }
        expect((await decompress(CompressionType.Zstd, frame)).equals(input)).toBe(true)
      }
    }
  })

  it('decodes frames with a content size and concatenated frames', async () => {
    const a = text(5000)
    const b = randomBytes(3000)
    const framed = Buffer.concat([cli('zstd', ['-c', '-q', '--content-size', '-19'], a), cli('zstd', ['-c', '-q'], b)])
    expect((await decompress(CompressionType.Zstd, framed)).equals(Buffer.concat([a, b]))).toBe(true)
  })

  it('writes frames that `zstd -d -c` decodes', async () => {
    for (const input of inputs) {
      const frame = await zstd.compress(input)
      expect(cli('zstd', ['-d', '-c', '-q'], frame).equals(input)).toBe(true)
    }
  })
})
