/**
 * `Suppressed` and `BufferConfig` (Kafka Streams' `Suppressed`, `Suppressed.BufferConfig`,
 * `StrictBufferConfig`, `EagerBufferConfig`): how `KTable#suppress` holds updates back.
 *
 * ```ts
 * counts.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))         // final results
 * table.suppress(Suppressed.untilTimeLimit(60_000, BufferConfig.maxRecords(1000).emitEarlyWhenFull()))
 * ```
 *
 * - `untilWindowCloses(strictConfig)`: windowed tables only; one result per window, emitted
 *   when stream time reaches the window's end plus the grace period. The buffer config must
 *   be strict (never emit early): `unbounded()`, or a bound with `shutDownWhenFull()`.
 * - `untilTimeLimit(ms, config)`: a key's latest update is emitted once stream time is `ms`
 *   past the key's first buffered update (or earlier, when the buffer is full and emits early).
 * - When a bounded buffer is full: `emitEarlyWhenFull()` (the default of `maxRecords` /
 *   `maxBytes`) emits the oldest entries; `shutDownWhenFull()` fails the task with a
 *   `SuppressionBufferFullError`.
 * - The buffer is changelogged (`withLoggingDisabled()` to turn that off) and restored.
 * Immutable.
 */
import { StreamsError } from '../../errors.ts'
import { checkDuration } from '../windows/duration.ts'
import { validateName } from '../named.ts'

interface BufferFields {
  readonly maxRecords: number
  readonly maxBytes: number
  readonly loggingEnabled: boolean
  readonly logConfig: Readonly<Record<string, string>>
}

function positiveCount(what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new StreamsError('STREAMS_INVALID_CONFIG', `BufferConfig.${what} needs an integer >= 1, got ${String(value)}`)
  }
  return value
}

abstract class BufferConfigBase implements BufferFields {
  readonly maxRecords: number
  readonly maxBytes: number
  readonly loggingEnabled: boolean
  readonly logConfig: Readonly<Record<string, string>>
  abstract readonly bufferFullStrategy: 'EMIT' | 'SHUT_DOWN'

  protected constructor(fields: BufferFields) {
    this.maxRecords = fields.maxRecords
    this.maxBytes = fields.maxBytes
    this.loggingEnabled = fields.loggingEnabled
    this.logConfig = fields.logConfig
  }

  protected fields(): BufferFields {
    return { maxRecords: this.maxRecords, maxBytes: this.maxBytes, loggingEnabled: this.loggingEnabled, logConfig: this.logConfig }
  }
}

/** A buffer that never emits early: unbounded, or failing the task when full. */
export class StrictBufferConfig extends BufferConfigBase {
  readonly bufferFullStrategy = 'SHUT_DOWN' as const

  /** @internal use `BufferConfig.unbounded()` or `….shutDownWhenFull()`. */
  constructor(fields: BufferFields) {
    super(fields)
  }

  withMaxRecords(maxRecords: number): StrictBufferConfig {
    return new StrictBufferConfig({ ...this.fields(), maxRecords: positiveCount('withMaxRecords', maxRecords) })
  }

  withMaxBytes(maxBytes: number): StrictBufferConfig {
    return new StrictBufferConfig({ ...this.fields(), maxBytes: positiveCount('withMaxBytes', maxBytes) })
  }

  withLoggingDisabled(): StrictBufferConfig {
    return new StrictBufferConfig({ ...this.fields(), loggingEnabled: false, logConfig: {} })
  }

  withLoggingEnabled(config: Record<string, string> = {}): StrictBufferConfig {
    return new StrictBufferConfig({ ...this.fields(), loggingEnabled: true, logConfig: Object.freeze({ ...config }) })
  }
}

/** A bounded buffer that emits its oldest entries early when full. */
export class EagerBufferConfig extends BufferConfigBase {
  readonly bufferFullStrategy = 'EMIT' as const

  /** @internal use `BufferConfig.maxRecords()` or `BufferConfig.maxBytes()`. */
  constructor(fields: BufferFields) {
    super(fields)
  }

  withMaxRecords(maxRecords: number): EagerBufferConfig {
    return new EagerBufferConfig({ ...this.fields(), maxRecords: positiveCount('withMaxRecords', maxRecords) })
  }

  withMaxBytes(maxBytes: number): EagerBufferConfig {
    return new EagerBufferConfig({ ...this.fields(), maxBytes: positiveCount('withMaxBytes', maxBytes) })
  }

  emitEarlyWhenFull(): EagerBufferConfig {
    return this
  }

  shutDownWhenFull(): StrictBufferConfig {
    return new StrictBufferConfig(this.fields())
  }

  withLoggingDisabled(): EagerBufferConfig {
    return new EagerBufferConfig({ ...this.fields(), loggingEnabled: false, logConfig: {} })
  }

  withLoggingEnabled(config: Record<string, string> = {}): EagerBufferConfig {
    return new EagerBufferConfig({ ...this.fields(), loggingEnabled: true, logConfig: Object.freeze({ ...config }) })
  }
}

export type BufferConfigType = StrictBufferConfig | EagerBufferConfig

const UNBOUNDED: BufferFields = { maxRecords: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER, loggingEnabled: true, logConfig: Object.freeze({}) }

export const BufferConfig = Object.freeze({
  /** No bound: memory grows with the keys (or windows) held back. */
  unbounded(): StrictBufferConfig {
    return new StrictBufferConfig(UNBOUNDED)
  },
  /** At most `n` entries; when more: emit early (`emitEarlyWhenFull`, default) or shut down. */
  maxRecords(n: number): EagerBufferConfig {
    return new EagerBufferConfig({ ...UNBOUNDED, maxRecords: positiveCount('maxRecords', n) })
  },
  /** At most `n` bytes of serialized keys and values (plus per-entry overhead). */
  maxBytes(n: number): EagerBufferConfig {
    return new EagerBufferConfig({ ...UNBOUNDED, maxBytes: positiveCount('maxBytes', n) })
  },
})

export class Suppressed<K = any> {
  readonly kind: 'UNTIL_WINDOW_CLOSES' | 'UNTIL_TIME_LIMIT'
  /** untilTimeLimit: the time to wait for more updates of a key (ms). */
  readonly timeLimitMs: number
  readonly bufferConfig: BufferConfigType
  readonly name: string | null
  /** Type marker (no run-time value). */
  declare readonly __key?: K

  private constructor(kind: Suppressed['kind'], timeLimitMs: number, bufferConfig: BufferConfigType, name: string | null) {
    this.kind = kind
    this.timeLimitMs = timeLimitMs
    this.bufferConfig = bufferConfig
    this.name = name
  }

  /** Final results of a windowed table: one per window, when it closes (end + grace <= stream time). */
  static untilWindowCloses<K>(bufferConfig: StrictBufferConfig): Suppressed<K> {
    if (!(bufferConfig instanceof StrictBufferConfig)) {
      throw new StreamsError('STREAMS_INVALID_CONFIG', 'Suppressed.untilWindowCloses needs a strict buffer config: BufferConfig.unbounded() or a bound with .shutDownWhenFull()')
    }
    return new Suppressed<K>('UNTIL_WINDOW_CLOSES', 0, bufferConfig, null)
  }

  /** Emits a key's latest update once stream time is `timeToWaitForMoreEventsMs` past its first buffered update. */
  static untilTimeLimit<K>(timeToWaitForMoreEventsMs: number, bufferConfig: BufferConfigType): Suppressed<K> {
    const limit = checkDuration('Suppressed.untilTimeLimit', 'the time to wait for more events', timeToWaitForMoreEventsMs)
    if (!(bufferConfig instanceof StrictBufferConfig) && !(bufferConfig instanceof EagerBufferConfig)) {
      throw new StreamsError('STREAMS_INVALID_CONFIG', 'Suppressed.untilTimeLimit needs a BufferConfig (BufferConfig.unbounded(), maxRecords(n) or maxBytes(n))')
    }
    return new Suppressed<K>('UNTIL_TIME_LIMIT', limit, bufferConfig, null)
  }

  /** Names the processor (`<name>-suppress`) and its buffer store (`<name>-store`, changelog `<name>-store-changelog`). */
  withName(name: string): Suppressed<K> {
    return new Suppressed<K>(this.kind, this.timeLimitMs, this.bufferConfig, validateName(name, 'suppression'))
  }
}
