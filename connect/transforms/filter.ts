/**
 * `Filter` (Kafka's `org.apache.kafka.connect.transforms.Filter`): drops every record it is
 * applied to; meant to be used with a predicate (`transforms.f.predicate=…`, `negate`). No configs.
 */
import type { ConnectRecord } from '../api/records.ts'
import { BaseTransform, transformConfig } from './transform-support.ts'

export class Filter<R extends ConnectRecord = ConnectRecord> extends BaseTransform<R> {
  protected definition() {
    return transformConfig()
  }

  protected configured(): void {}

  apply(_record: R): null {
    return null
  }
}
