/**
 * The plugin entries of the JDBC connectors: Confluent's class names, with Creek's short names
 * (`JdbcSource`, `JdbcSink`, derived by the registry from the class names) selecting them too.
 */
import type { ConnectorPlugin } from '../../runtime/plugins.ts'
import { JDBC_SINK_CLASS, JdbcSinkConnector } from './sink/jdbc-sink-connector.ts'
import { JDBC_SOURCE_CLASS, JdbcSourceConnector } from './source/jdbc-source-connector.ts'

export const JDBC_SOURCE_PLUGIN: ConnectorPlugin = {
  className: JDBC_SOURCE_CLASS,
  kind: 'source',
  version: '1.0.0',
  create: () => new JdbcSourceConnector(),
}

export const JDBC_SINK_PLUGIN: ConnectorPlugin = {
  className: JDBC_SINK_CLASS,
  kind: 'sink',
  version: '1.0.0',
  create: () => new JdbcSinkConnector(),
}
