/**
 * JdbcSinkConnector (Confluent's `io.confluent.connect.jdbc.JdbcSinkConnector`): records of
 * `topics` written to tables of SQLite, PostgreSQL or MySQL/MariaDB with inserts, upserts or
 * updates, and deletes on tombstones (jdbc-sink-task.ts; keys in jdbc-sink-config.ts).
 *
 * `start` checks the config (cross-key rules included); `taskConfigs(maxTasks)` gives every task
 * the same config (tasks share the topics' partitions through the consumer group).
 */
import type { ConfigDef } from '../../../api/config-def-impl.ts'
import type { SinkConnector, SinkTask } from '../../../api/connector.ts'
import { jdbcSinkConfigDef, parseJdbcSinkConfig } from './jdbc-sink-config.ts'
import { JDBC_SINK_VERSION, JdbcSinkTask } from './jdbc-sink-task.ts'

export const JDBC_SINK_CLASS = 'io.confluent.connect.jdbc.JdbcSinkConnector'

export class JdbcSinkConnector implements SinkConnector {
  readonly kind = 'sink'
  readonly version = JDBC_SINK_VERSION
  #props: Record<string, string> = {}

  config(): ConfigDef {
    return jdbcSinkConfigDef()
  }

  start(props: Readonly<Record<string, string>>): void {
    parseJdbcSinkConfig(props)
    this.#props = { ...props }
  }

  taskConfigs(maxTasks: number): Record<string, string>[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.#props }))
  }

  taskClass(): () => SinkTask {
    return () => new JdbcSinkTask()
  }

  stop(): void {}
}
