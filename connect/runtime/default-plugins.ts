/**
 * The connector classes every worker knows without configuration: the file connectors.
 */
import { FILE_STREAM_SINK_PLUGIN, FILE_STREAM_SOURCE_PLUGIN } from '../connectors/file-connectors.ts'
import { PluginRegistry } from './plugins.ts'

export function defaultPlugins(): PluginRegistry {
  return new PluginRegistry([FILE_STREAM_SOURCE_PLUGIN, FILE_STREAM_SINK_PLUGIN])
}
