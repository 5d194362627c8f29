import { describe, expect, it } from 'vitest'
import { FrameReader } from '../../../core/protocol/frame-reader.ts'

function frame(payload: Buffer): Buffer {
  const out = Buffer.alloc(4 + payload.length)
  out.writeInt32BE(payload.length, 0)
  payload.copy(out, 4)
  return out
}

function collect(max = 1 << 20) {
  const frames: Buffer[] = []
  const oversize: number[] = []
  const reader = new FrameReader({ maxFrameBytes: max, onFrame: (f) => frames.push(Buffer.from(f)), onOversize: (s) => oversize.push(s) })
  return { reader, frames, oversize }
}

describe('FrameReader', () => {
  it('cuts frames out of any chunking of the stream', () => {
    const payloads = [Buffer.from('a'), Buffer.alloc(0), Buffer.alloc(70_000, 7), Buffer.from('hello world')]
    const stream = Buffer.concat(payloads.map(frame))
    for (const step of [1, 2, 3, 5, 4096, stream.length]) {
      const { reader, frames } = collect()
      for (let i = 0; i < stream.length; i += step) reader.push(stream.subarray(i, i + step))
      expect(frames).toEqual(payloads)
      expect(reader.buffered).toBe(0)
    }
  })

  it('reports an oversized or negative frame once and stops', () => {
    const { reader, frames, oversize } = collect(10)
    reader.push(frame(Buffer.from('ok')))
    const bad = Buffer.alloc(4)
    bad.writeInt32BE(11, 0)
    reader.push(Buffer.concat([bad, frame(Buffer.from('later'))]))
    expect(frames.map(String)).toEqual(['ok'])
    expect(oversize).toEqual([11])
    const negative = collect()
    negative.reader.push(Buffer.from([0xff, 0xff, 0xff, 0xfe]))
    expect(negative.oversize).toEqual([-2])
  })
})
