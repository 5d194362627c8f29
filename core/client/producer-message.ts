/**
 * What callers hand to `Producer.send`, and its normalisation to bytes: strings become UTF-8
 * buffers, headers become the ordered list a record batch stores. Buffers are never copied.
 */
import { CoreError } from '../errors.ts'
import type { RecordHeader } from '../protocol/record-batch.ts'
import type { Acks, CompressionName } from './producer-config.ts'

export type HeaderValue = Buffer | string

/**
 * Record headers: an object (an array value repeats the key, in order) or the ordered list of
 * `{ key, value }` pairs a record stores.
 */
export type MessageHeaders =
  | Readonly<Record<string, HeaderValue | readonly HeaderValue[] | null | undefined>>
  | readonly { readonly key: string; readonly value: HeaderValue | null }[]

export interface ProducerMessage {
  readonly key?: Buffer | string | null
  readonly value: Buffer | string | null
  readonly headers?: MessageHeaders
  /** Create time in ms since the epoch (default: when `send` is called). */
  readonly timestamp?: number
  /** Where to write it; by default the partitioner chooses. */
  readonly partition?: number
}

export interface TopicMessages<M = ProducerMessage> {
  readonly topic: string
  readonly messages: readonly M[]
}

/**
 * What a send's promise resolves with: 'records' (the default), one `RecordMetadata` per message,
 * in order; 'none', nothing (`Promise<void>`), for callers that only need to know that the
 * messages were acknowledged (or why not): no object per record is made at acknowledgement.
 */
export type SendResults = 'records' | 'none'

/** Per-send overrides of the producer's options. */
export interface SendOverrides {
  readonly acks?: Acks
  readonly compression?: CompressionName
  /** What the send resolves with (default 'records'); see `SendResults`. */
  readonly results?: SendResults
}

export interface ProducerSend<M = ProducerMessage> extends TopicMessages<M>, SendOverrides {}

export interface ProducerSendBatch<M = ProducerMessage> extends SendOverrides {
  readonly topicMessages: readonly TopicMessages<M>[]
}

export const NO_HEADERS: readonly RecordHeader[] = Object.freeze([])

function invalid(message: string): CoreError {
  return new CoreError('CORE_INVALID_ARGUMENT', message)
}

/** A key or value as bytes: strings as UTF-8, buffers as they are, null and undefined as null. */
export function toBytes(value: unknown, what: string): Buffer | null {
  if (value == null) return null
  if (typeof value === 'string') return Buffer.from(value, 'utf8')
  if (Buffer.isBuffer(value)) return value
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  throw invalid(`${what} must be a Buffer, a string or null, got ${typeof value}`)
}

function headerValue(value: unknown, key: string): Buffer | null {
  return toBytes(value, `Header '${key}'`)
}

/** Headers in record order. */
export function toRecordHeaders(headers: MessageHeaders | undefined): RecordHeader[] | readonly RecordHeader[] {
  if (headers === undefined || headers === null) return NO_HEADERS
  const result: RecordHeader[] = []
  if (Array.isArray(headers)) {
    for (const header of headers as readonly { key: unknown; value: unknown }[]) {
      if (header === null || typeof header !== 'object' || typeof header.key !== 'string') {
        throw invalid('Each header in a header list must be an object { key: string, value }')
      }
      result.push({ key: header.key, value: headerValue(header.value, header.key) })
    }
    return result
  }
  if (typeof headers !== 'object') throw invalid(`Headers must be an object or a list, got ${typeof headers}`)
  for (const key of Object.keys(headers)) {
    const value = (headers as Record<string, unknown>)[key]
    if (value === undefined) continue
    if (Array.isArray(value)) {
      for (const v of value) result.push({ key, value: headerValue(v, key) })
    } else {
      result.push({ key, value: headerValue(value, key) })
    }
  }
  return result
}
