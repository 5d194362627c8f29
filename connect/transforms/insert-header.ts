/**
 * `InsertHeader` (Kafka's `org.apache.kafka.connect.transforms.InsertHeader`): adds a header
 * `header` whose value is `value.literal` read as SimpleHeaderConverter reads a string (so `42`
 * is an INT8 42, `true` a BOOLEAN, other text a STRING).
 */
import type { ConnectRecord } from '../api/records.ts'
import { parseHeaderString } from '../converters/simple-header-converter.ts'
import { BaseTransform, transformConfig, withChanges } from './transform-support.ts'

export class InsertHeader<R extends ConnectRecord = ConnectRecord> extends BaseTransform<R> {
  #header = ''
  #literal: ReturnType<typeof parseHeaderString> = { schema: null, value: null }

  protected definition() {
    return transformConfig()
      .define('header', 'STRING', undefined, 'HIGH', 'The name of the header.')
      .define('value.literal', 'STRING', undefined, 'HIGH', 'The literal value that is to be set as the header value on all records.')
  }

  protected configured(config: Record<string, unknown>): void {
    this.#header = config.header as string
    this.#literal = parseHeaderString(config['value.literal'] as string)
  }

  apply(record: R): R {
    return withChanges(record, { headers: [...record.headers, { key: this.#header, schema: this.#literal.schema, value: this.#literal.value }] })
  }
}
