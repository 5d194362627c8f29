/**
 * `RegexRouter` (Kafka's `org.apache.kafka.connect.transforms.RegexRouter`): when the whole topic
 * matches `regex`, the topic becomes `replacement` with `$1`-style group references (Java's
 * `replaceFirst`; `${name}` named groups work too). Other records pass unchanged.
 */
import type { ConnectRecord } from '../api/records.ts'
import { BaseTransform, transformConfig, withChanges } from './transform-support.ts'

export class RegexRouter<R extends ConnectRecord = ConnectRecord> extends BaseTransform<R> {
  #regex = /^$/
  #replacement = ''

  protected definition() {
    return transformConfig()
      .define('regex', 'STRING', undefined, 'HIGH', 'Regular expression to use for matching.', (_name, value) => {
        try {
          new RegExp(String(value))
        } catch (error) {
          throw new Error(`Invalid regex: ${(error as Error).message}`)
        }
      })
      .define('replacement', 'STRING', undefined, 'HIGH', 'Replacement string.')
  }

  protected configured(config: Record<string, unknown>): void {
    this.#regex = new RegExp(`^(?:${config.regex as string})$`)
    this.#replacement = (config.replacement as string).replace(/\$\{(\w+)\}/g, '$$<$1>')
  }

  apply(record: R): R {
    if (!this.#regex.test(record.topic)) return record
    return withChanges(record, { topic: record.topic.replace(this.#regex, this.#replacement) })
  }
}
