/**
 * A producer of typed keys and values: each message's key and value go through the
 * serializers (given the topic and the record's headers, which they may extend), then through
 * the wrapped `Producer`.
 *
 * ```ts
 * const producer = new TypedProducer(new Producer(transport), { key: stringSerializer, value: jsonSerializer })
 * await producer.send({ topic: 'orders', messages: [{ key: 'o-1', value: { total: 42 } }] })
 * ```
 *
 * Contracts: a missing key (`undefined`) is a null key and skips the key serializer; a
 * serializer that throws or rejects fails that send only; sends are handed to the producer in
 * call order even when a serializer is asynchronous (a send waits for the earlier ones'
 * serialization), so per-partition order is the call order. `close()` closes the wrapped producer.
 */
import type { RecordHeader } from '../protocol/record-batch.ts'
import type { Producer } from './producer.ts'
import type { RecordMetadata } from './producer-batch.ts'
import {
  NO_HEADERS, type MessageHeaders, type ProducerMessage, type ProducerSend, type ProducerSendBatch, toRecordHeaders,
} from './producer-message.ts'
import type { Serializer } from './serialization.ts'

export interface TypedProducerMessage<K, V> {
  readonly key?: K
  readonly value: V
  readonly headers?: MessageHeaders
  readonly timestamp?: number
  readonly partition?: number
}

export interface Serializers<K, V> {
  readonly key: Serializer<K>
  readonly value: Serializer<V>
}

type Bytes = Buffer | null

function noop(): void {}

export class TypedProducer<K, V> {
  readonly producer: Producer
  readonly #key: Serializer<K>
  readonly #value: Serializer<V>
  /** Set while an asynchronous serialization runs; later sends wait for it. */
  #tail: Promise<void> | null = null

  constructor(producer: Producer, serializers: Serializers<K, V>) {
    this.producer = producer
    this.#key = serializers.key
    this.#value = serializers.value
  }

  /** As `Producer.send` (`results: 'none'` resolves with nothing). */
  send(request: ProducerSend<TypedProducerMessage<K, V>> & { readonly results: 'none' }): Promise<void>
  send(request: ProducerSend<TypedProducerMessage<K, V>> & { readonly results?: 'records' }): Promise<RecordMetadata[]>
  send(request: ProducerSend<TypedProducerMessage<K, V>>): Promise<RecordMetadata[] | void>
  send(request: ProducerSend<TypedProducerMessage<K, V>>): Promise<RecordMetadata[] | void> {
    return this.sendBatch({ topicMessages: [request], acks: request.acks, compression: request.compression, results: request.results })
  }

  /** As `Producer.sendBatch` (`results: 'none'` resolves with nothing). */
  sendBatch(request: ProducerSendBatch<TypedProducerMessage<K, V>> & { readonly results: 'none' }): Promise<void>
  sendBatch(request: ProducerSendBatch<TypedProducerMessage<K, V>> & { readonly results?: 'records' }): Promise<RecordMetadata[]>
  sendBatch(request: ProducerSendBatch<TypedProducerMessage<K, V>>): Promise<RecordMetadata[] | void>
  sendBatch(request: ProducerSendBatch<TypedProducerMessage<K, V>>): Promise<RecordMetadata[] | void> {
    if (this.#tail === null) {
      let serialized: ProducerSendBatch | Promise<ProducerSendBatch>
      try {
        serialized = this.#serialize(request)
      } catch (error) {
        return Promise.reject(error)
      }
      if (!(serialized instanceof Promise)) return this.producer.sendBatch(serialized)
      return this.#after(serialized)
    }
    return this.#after(this.#tail.then(() => this.#serialize(request)))
  }

  /** Hands a send to the producer once it and every earlier asynchronous one are serialized. */
  #after(serialized: Promise<ProducerSendBatch>): Promise<RecordMetadata[] | void> {
    // Wrapped so that `handed` settles when the producer has taken the send, not when acknowledged.
    const handed = serialized.then((batch) => ({ sent: this.producer.sendBatch(batch) }))
    const tail = handed.then(noop, noop)
    this.#tail = tail
    void tail.then(() => {
      if (this.#tail === tail) this.#tail = null
    })
    return handed.then(({ sent }) => sent)
  }

  #serialize(request: ProducerSendBatch<TypedProducerMessage<K, V>>): ProducerSendBatch | Promise<ProducerSendBatch> {
    const pending: Promise<unknown>[] = []
    const topicMessages = request.topicMessages.map(({ topic, messages }) => ({
      topic,
      messages: messages.map((message) => this.#serializeMessage(topic, message, pending)),
    }))
    const result: ProducerSendBatch = { topicMessages, acks: request.acks, compression: request.compression, results: request.results }
    if (pending.length === 0) return result
    return Promise.all(pending).then(() => result)
  }

  /** The bytes message; asynchronous serializer results are filled in when `pending` settles. */
  #serializeMessage(topic: string, message: TypedProducerMessage<K, V>, pending: Promise<unknown>[]): ProducerMessage {
    const given = toRecordHeaders(message.headers)
    const headers: RecordHeader[] = given === NO_HEADERS ? [] : (given as RecordHeader[])
    const out: { key: Bytes; value: Bytes; headers: RecordHeader[]; timestamp?: number; partition?: number } = {
      key: null,
      value: null,
      headers,
      timestamp: message.timestamp,
      partition: message.partition,
    }
    if (message.key !== undefined) {
      const key = this.#key.serialize(topic, message.key, headers)
      if (key instanceof Promise) pending.push(key.then((bytes) => (out.key = bytes)))
      else out.key = key
    }
    const value = this.#value.serialize(topic, message.value, headers)
    if (value instanceof Promise) pending.push(value.then((bytes) => (out.value = bytes)))
    else out.value = value
    return out
  }

  /** Flushes the wrapped producer. */
  flush(): Promise<void> {
    return (this.#tail ?? Promise.resolve()).then(() => this.producer.flush())
  }

  /** Closes the wrapped producer. */
  async close(): Promise<void> {
    await this.#tail
    await this.producer.close()
  }
}
