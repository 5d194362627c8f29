/**
 * `SuppressionBufferFullError`: a suppression buffer configured with `shutDownWhenFull()`
 * passed its bound (Kafka Streams fails the application with a `StreamsException` then).
 * Code STREAMS_STATE_STORE (the buffer is a state store), not retriable: raise the bound, or
 * let the buffer emit early.
 */
import { StreamsError } from '../../errors.ts'

export class SuppressionBufferFullError extends StreamsError {
  readonly processorName: string
  readonly numRecords: number
  readonly bufferBytes: number

  constructor(processorName: string, numRecords: number, maxRecords: number, bufferBytes: number, maxBytes: number) {
    super(
      'STREAMS_STATE_STORE',
      `${processorName} buffer exceeded its max capacity. Currently [${numRecords}/${maxRecords}] records and [${bufferBytes}/${maxBytes}] bytes; ` +
        'raise BufferConfig.maxRecords/maxBytes, use BufferConfig.unbounded(), or emitEarlyWhenFull()',
    )
    this.processorName = processorName
    this.numRecords = numRecords
    this.bufferBytes = bufferBytes
  }
}
