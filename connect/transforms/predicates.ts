/**
 * The built-in predicates (Kafka's `org.apache.kafka.connect.transforms.predicates.*`):
 * `TopicNameMatches` (`pattern`: the whole topic matches the regex), `HasHeaderKey` (`name`: a
 * header with that key exists), `RecordIsTombstone` (the value is null).
 */
import type { ConfigDefinition } from '../api/config-def.ts'
import type { ConnectRecord } from '../api/records.ts'
import type { Predicate } from '../api/transformation.ts'
import { ConfigDef } from '../api/config-def-impl.ts'
import { nonEmptyString } from '../api/config-validators.ts'

abstract class BasePredicate<R extends ConnectRecord = ConnectRecord> implements Predicate<R> {
  protected abstract definition(): ConfigDef
  protected abstract configured(config: Record<string, unknown>): void
  abstract test(record: R): boolean

  config(): ConfigDefinition {
    return this.definition()
  }

  configure(configs: Readonly<Record<string, string>>): void {
    this.configured(this.definition().parse(configs, this.constructor.name))
  }

  close(): void {}
}

export class TopicNameMatches<R extends ConnectRecord = ConnectRecord> extends BasePredicate<R> {
  #pattern = /^$/

  protected definition() {
    return new ConfigDef().define('pattern', 'STRING', ConfigDef.NO_DEFAULT, 'MEDIUM', 'A Java regular expression for matching against the name of a record\'s topic.', (_name, value) => {
      nonEmptyString()(_name, value)
      try {
        new RegExp(String(value))
      } catch (error) {
        throw new Error(`Invalid regex: ${(error as Error).message}`)
      }
    })
  }

  protected configured(config: Record<string, unknown>): void {
    this.#pattern = new RegExp(`^(?:${config.pattern as string})$`)
  }

  test(record: R): boolean {
    return this.#pattern.test(record.topic)
  }
}

export class HasHeaderKey<R extends ConnectRecord = ConnectRecord> extends BasePredicate<R> {
  #name = ''

  protected definition() {
    return new ConfigDef().define('name', 'STRING', ConfigDef.NO_DEFAULT, 'MEDIUM', 'The header name.', nonEmptyString())
  }

  protected configured(config: Record<string, unknown>): void {
    this.#name = config.name as string
  }

  test(record: R): boolean {
    return record.headers.some((h) => h.key === this.#name)
  }
}

export class RecordIsTombstone<R extends ConnectRecord = ConnectRecord> extends BasePredicate<R> {
  protected definition() {
    return new ConfigDef()
  }

  protected configured(): void {}

  test(record: R): boolean {
    return record.value === null || record.value === undefined
  }
}
