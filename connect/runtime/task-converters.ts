/**
 * The converters of a connector's tasks (standalone and distributed workers alike): the
 * connector's `key.converter` / `value.converter` / `header.converter` (with their prefixed
 * options) when it sets them, else the worker's, as Kafka Connect chooses them.
 */
import type { ConnectorConfig } from './connector-config.ts'
import type { DataPlugins } from './plugins.ts'
import type { WorkerConfig } from './worker-config.ts'
import type { TaskConverters } from './worker-source-task.ts'

export function taskConverters(data: DataPlugins, worker: WorkerConfig, config: ConnectorConfig): TaskConverters {
  const pick = (kind: 'key' | 'value' | 'header') => {
    const key = `${kind}.converter`
    const source = config.props[key] !== undefined ? config.props : worker.props
    const className = source[key].trim()
    const prefix = `${key}.`
    const configs = Object.fromEntries(Object.entries(source).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]))
    return { className, configs }
  }
  const key = pick('key')
  const value = pick('value')
  const header = pick('header')
  const keyConverter = data.converter(key.className)
  keyConverter.configure(key.configs, true)
  const valueConverter = data.converter(value.className)
  valueConverter.configure(value.configs, false)
  const headerConverter = data.headerConverter(header.className)
  headerConverter.configure(header.configs)
  return { key: keyConverter, value: valueConverter, header: headerConverter, names: { key: key.className, value: value.className, header: header.className } }
}
