/**
 * The plugin entries of the file connectors: Kafka's class names, their `FileStreamSource` /
 * `FileStreamSink` aliases (derived by the registry) and nothing else.
 */
import type { ConnectorPlugin } from '../runtime/plugins.ts'
import { FILE_STREAM_SINK_CLASS, FileStreamSinkConnector } from './file-stream-sink.ts'
import { FILE_STREAM_SOURCE_CLASS, FileStreamSourceConnector } from './file-stream-source.ts'

export const FILE_STREAM_SOURCE_PLUGIN: ConnectorPlugin = {
  className: FILE_STREAM_SOURCE_CLASS,
  kind: 'source',
  version: '1.0.0',
  create: () => new FileStreamSourceConnector(),
}

export const FILE_STREAM_SINK_PLUGIN: ConnectorPlugin = {
  className: FILE_STREAM_SINK_CLASS,
  kind: 'sink',
  version: '1.0.0',
  create: () => new FileStreamSinkConnector(),
}
