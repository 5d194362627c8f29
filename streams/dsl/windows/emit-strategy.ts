/**
 * `EmitStrategy` (Kafka Streams' KIP-825): when a windowed aggregation emits.
 * `onWindowUpdate()` (default): as a KTable, every update (collapsed by the cache between
 * commits). `onWindowClose()`: once per window, its final result, when stream time passes the
 * window's end plus grace, without a suppression buffer (the window store is the buffer).
 */
export class EmitStrategy {
  readonly type: 'ON_WINDOW_UPDATE' | 'ON_WINDOW_CLOSE'

  private constructor(type: 'ON_WINDOW_UPDATE' | 'ON_WINDOW_CLOSE') {
    this.type = type
  }

  static onWindowClose(): EmitStrategy {
    return new EmitStrategy('ON_WINDOW_CLOSE')
  }

  static onWindowUpdate(): EmitStrategy {
    return new EmitStrategy('ON_WINDOW_UPDATE')
  }
}
