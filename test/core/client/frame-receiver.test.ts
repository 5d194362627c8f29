import { describe, expect, it } from 'vitest'
import { FrameReceiver } from '../../../core/client/frame-receiver.ts'

function frame(payload: Buffer): Buffer {
  const size = Buffer.alloc(4)
  size.writeInt32BE(payload.length)
  return Buffer.concat([size, payload])
}

/** Feeds `stream` to a receiver the way a socket with `onread` does, in reads of at most `readSize`. */
function feed(stream: Buffer, readSize: number, scratchBytes = 16): { frames: Buffer[]; oversize: number[] } {
  const frames: Buffer[] = []
  const oversize: number[] = []
  const receiver = new FrameReceiver({ maxFrameBytes: 1000, scratchBytes, onFrame: (f) => frames.push(Buffer.from(f)), onOversize: (s) => oversize.push(s) })
  let pos = 0
  while (pos < stream.length) {
    const target = receiver.nextBuffer()
    const n = Math.min(readSize, target.length, stream.length - pos)
    stream.copy(target, 0, pos, pos + n)
    receiver.received(n, target)
    pos += n
  }
  return { frames, oversize }
}

describe('FrameReceiver', () => {
  const payloads = [Buffer.from('a'), Buffer.alloc(0), Buffer.alloc(300, 7), Buffer.from('hello world'), Buffer.alloc(33, 9)]
  const stream = Buffer.concat(payloads.map(frame))

  it.each([1, 2, 3, 5, 16, 64, 1000])('delivers every frame whole and in order, whatever the read size (%i)', (readSize) => {
    const { frames, oversize } = feed(stream, readSize)
    expect(frames).toEqual(payloads)
    expect(oversize).toEqual([])
  })

  it('reads the rest of a large frame straight into its own buffer', () => {
    const receiver = new FrameReceiver({ maxFrameBytes: 1000, scratchBytes: 16, onFrame: () => {}, onOversize: () => {} })
    const first = receiver.nextBuffer()
    frame(Buffer.alloc(300, 1)).copy(first, 0, 0, 16)
    receiver.received(16, first)
    expect(receiver.nextBuffer().length).toBe(300 - 12)
    expect(receiver.nextBuffer()).not.toBe(first)
  })

  it('reports an oversized frame once and stops', () => {
    const big = Buffer.alloc(8)
    big.writeInt32BE(5000)
    const { frames, oversize } = feed(Buffer.concat([frame(Buffer.from('ok')), big, frame(Buffer.from('never'))]), 7)
    expect(frames.map(String)).toEqual(['ok'])
    expect(oversize).toEqual([5000])
  })
})
