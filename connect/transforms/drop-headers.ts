/**
 * `DropHeaders` (Kafka's `org.apache.kafka.connect.transforms.DropHeaders`): removes every header
 * whose key is in `headers`.
 */
import type { ConnectRecord } from '../api/records.ts'
import { BaseTransform, transformConfig, withChanges } from './transform-support.ts'

export class DropHeaders<R extends ConnectRecord = ConnectRecord> extends BaseTransform<R> {
  #headers = new Set<string>()

  protected definition() {
    return transformConfig()
      .define('headers', 'LIST', undefined, 'HIGH', 'The name of the headers to be removed.', (_name, value) => {
        if ((value as string[]).length === 0) throw new Error('Empty list')
      })
  }

  protected configured(config: Record<string, unknown>): void {
    this.#headers = new Set(config.headers as string[])
  }

  apply(record: R): R {
    return withChanges(record, { headers: record.headers.filter((h) => !this.#headers.has(h.key)) })
  }
}
