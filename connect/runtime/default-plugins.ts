/**
 * The connector classes every worker knows without configuration: the file connectors and the
 * JDBC-style connectors.
 */
import { FILE_STREAM_SINK_PLUGIN, FILE_STREAM_SOURCE_PLUGIN } from '../connectors/file-connectors.ts'
import { JDBC_SINK_PLUGIN, JDBC_SOURCE_PLUGIN } from '../connectors/jdbc/jdbc-connectors.ts'
import { PluginRegistry } from './plugins.ts'

export function defaultPlugins(): PluginRegistry {
  return new PluginRegistry([FILE_STREAM_SOURCE_PLUGIN, FILE_STREAM_SINK_PLUGIN, JDBC_SOURCE_PLUGIN, JDBC_SINK_PLUGIN])
}
