/**
 * `KTableSuppress`: the processor of `KTable#suppress` (Kafka Streams' `KTableSuppressProcessor`).
 *
 * For each change: stream time (observed by this processor) moves to the record's timestamp;
 * the change is buffered under its key (buffer time: the window end for
 * `untilWindowCloses`, the record's timestamp for `untilTimeLimit`); then every entry whose
 * buffer time is `<= streamTime − suppressDuration` is emitted (suppressDuration: the grace
 * period of the windows — plus the inactivity gap for sessions — or the time limit). If the
 * buffer is then over its bound, it emits its oldest entries (`emitEarlyWhenFull`) or throws
 * `SuppressionBufferFullError` (`shutDownWhenFull`).
 *
 * Emitted records: `Change(latest new value, value before the first buffered update)`, with the
 * latest update's timestamp. Final results (`untilWindowCloses`) never emit tombstones.
 */
import type { Serde } from '../../../serdes/index.ts'
import type { Processor, ProcessorContext, StreamRecord } from '../../processor/api.ts'
import { type Change, change } from '../../processor/change.ts'
import { createRecord } from '../../processor/records.ts'
import { StreamsError } from '../../errors.ts'
import type { Windowed } from '../../state/window-api.ts'
import type { TableNodeControl } from '../internal-streams-builder.ts'
import type { BufferConfigType } from '../suppress/suppressed.ts'
import type { BufferedEntry, SuppressionBuffer } from '../suppress/suppression-buffer.ts'
import { SuppressionBufferFullError } from '../suppress/suppression-buffer-full-error.ts'

/** A serde whose inner default is supplied at processor init (windowed and store serdes). */
interface Defaultable {
  resolveDefault?(serde: Serde<unknown>): void
}

export class KTableSuppress<K, V> implements TableNodeControl {
  readonly name: string
  readonly storeName: string
  readonly finalResults: boolean
  /** Grace (+ gap) for final results, the time limit otherwise. */
  readonly suppressDurationMs: number
  readonly config: BufferConfigType
  readonly keySerde: Serde<K> | null
  readonly valueSerde: Serde<V> | null
  readonly #parent: TableNodeControl

  constructor(
    name: string, storeName: string, finalResults: boolean, suppressDurationMs: number, config: BufferConfigType, keySerde: Serde<K> | null,
    valueSerde: Serde<V> | null, parent: TableNodeControl,
  ) {
    this.name = name
    this.storeName = storeName
    this.finalResults = finalResults
    this.suppressDurationMs = suppressDurationMs
    this.config = config
    this.keySerde = keySerde
    this.valueSerde = valueSerde
    this.#parent = parent
  }

  enableSendingOldValues(): void {
    this.#parent.enableSendingOldValues()
  }

  readonly supplier = (): Processor<K, Change<V>, K, Change<V>> => new KTableSuppressProcessor(this)
}

function encode(prior: Buffer | null, next: Buffer | null): Buffer {
  const out = Buffer.allocUnsafe(5 + (prior?.length ?? 0) + (next?.length ?? 0))
  out[0] = (prior === null ? 0 : 1) | (next === null ? 0 : 2)
  out.writeUInt32BE(prior?.length ?? 0, 1)
  prior?.copy(out, 5)
  next?.copy(out, 5 + (prior?.length ?? 0))
  return out
}

function decodeParts(data: Buffer): { prior: Buffer | null; next: Buffer | null } {
  const flags = data[0]!
  const priorLength = data.readUInt32BE(1)
  return {
    prior: (flags & 1) === 0 ? null : data.subarray(5, 5 + priorLength),
    next: (flags & 2) === 0 ? null : data.subarray(5 + priorLength),
  }
}

class KTableSuppressProcessor<K, V> implements Processor<K, Change<V>, K, Change<V>> {
  readonly #def: KTableSuppress<K, V>
  #context!: ProcessorContext<K, Change<V>>
  #buffer!: SuppressionBuffer
  #keySerde!: Serde<K>
  #valueSerde!: Serde<V>
  #topic = ''
  #observedStreamTime = -1

  constructor(def: KTableSuppress<K, V>) {
    this.#def = def
  }

  init(context: ProcessorContext<K, Change<V>>): void {
    this.#context = context
    this.#buffer = context.getStateStore(this.#def.storeName)
    const keySerde = (this.#def.keySerde ?? context.keySerde()) as Serde<K> & Defaultable
    keySerde.resolveDefault?.(context.keySerde())
    const valueSerde = (this.#def.valueSerde ?? context.valueSerde()) as Serde<V> & Defaultable
    valueSerde.resolveDefault?.(context.valueSerde())
    this.#keySerde = keySerde
    this.#valueSerde = valueSerde
    this.#topic = `${context.applicationId}-${this.#def.storeName}-changelog`
  }

  process(record: StreamRecord<K, Change<V>>): void {
    if (record.timestamp > this.#observedStreamTime) this.#observedStreamTime = record.timestamp
    const def = this.#def
    const keyBytes = this.#sync(this.#keySerde.serialize(this.#topic, record.key))
    if (keyBytes === null) throw new StreamsError('STREAMS_PROCESSING', `${def.name} got a key that serializes to null`)
    const bufferTime = def.finalResults ? (record.key as unknown as Windowed<unknown>).window.endMs : record.timestamp
    const existing = this.#buffer.get(keyBytes)
    const prior = existing === undefined ? this.#valueBytes(record.value.oldValue) : decodeParts(existing.value).prior
    this.#buffer.put(keyBytes, bufferTime, record.timestamp, encode(prior, this.#valueBytes(record.value.newValue)))
    this.#enforceConstraints()
  }

  #enforceConstraints(): void {
    const def = this.#def
    const buffer = this.#buffer
    const expiryTime = this.#observedStreamTime - def.suppressDurationMs
    buffer.evictWhile(() => buffer.minTimestamp <= expiryTime, (entry) => this.#emit(entry))
    const { maxRecords, maxBytes, bufferFullStrategy } = def.config
    const overCapacity = (): boolean => buffer.numRecords > maxRecords || buffer.bufferSize > maxBytes
    if (!overCapacity()) return
    if (bufferFullStrategy === 'EMIT') {
      buffer.evictWhile(overCapacity, (entry) => this.#emit(entry))
      return
    }
    throw new SuppressionBufferFullError(def.name, buffer.numRecords, maxRecords, buffer.bufferSize, maxBytes)
  }

  #emit(entry: BufferedEntry): void {
    const { prior, next } = decodeParts(entry.value)
    if (next === null && this.#def.finalResults) return
    const key = this.#sync(this.#keySerde.deserialize(this.#topic, entry.key)) as K
    const newValue = next === null ? null : (this.#sync(this.#valueSerde.deserialize(this.#topic, next)) as V)
    const oldValue = prior === null ? null : (this.#sync(this.#valueSerde.deserialize(this.#topic, prior)) as V)
    this.#context.forward(createRecord(key, change(newValue, oldValue), entry.timestamp))
  }

  #valueBytes(value: V | null): Buffer | null {
    return value === null || value === undefined ? null : this.#sync(this.#valueSerde.serialize(this.#topic, value))
  }

  #sync<T>(result: T | Promise<T>): T {
    if (result instanceof Promise) {
      result.catch(() => undefined)
      throw new StreamsError('STREAMS_INVALID_CONFIG', `The serdes of ${this.#def.name} must answer synchronously (its buffer is a state store)`)
    }
    return result
  }
}
