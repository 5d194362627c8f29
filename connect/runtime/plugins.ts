/**
 * Where the worker finds its classes: connectors by class name or alias (Kafka's `plugin.path`
 * lookups, here a registry filled in code), and the data plugins (converters, header converters,
 * the transform chain) the data layer provides.
 *
 * `connector.class` may be a full class name (`org.apache.kafka.connect.file.FileStreamSourceConnector`),
 * its simple name (`FileStreamSourceConnector`) or its alias without the `Connector` suffix
 * (`FileStreamSource`), as Kafka resolves them.
 */
import type { SinkConnector, SourceConnector } from '../api/connector.ts'
import type { Converter, HeaderConverter } from '../api/converter.ts'
import type { ConnectRecord } from '../api/records.ts'
import { ConnectError } from '../errors.ts'

export interface ConnectorPlugin {
  /** The full class name reported by the REST API (`/connector-plugins`). */
  readonly className: string
  readonly kind: 'source' | 'sink'
  readonly version: string
  /** Other names that select it (Creek's short names, the classes of other vendors). */
  readonly aliases?: readonly string[]
  create(): SourceConnector | SinkConnector
}

/** The transforms of a connector config (`transforms`, `predicates`), applied in order. */
export interface TransformChain {
  /** A new record, or null when a transform dropped it; throws when a transform fails. */
  apply<R extends ConnectRecord>(record: R): R | null | Promise<R | null>
  close?(): void
}

/** What the data layer provides: new converter instances by class name, and the transform chain. */
export interface DataPlugins {
  converter(className: string): Converter
  headerConverter(className: string): HeaderConverter
  transformChain(connectorProps: Readonly<Record<string, string>>): TransformChain
}

export class PluginRegistry {
  readonly #plugins: ConnectorPlugin[] = []
  readonly #byName = new Map<string, ConnectorPlugin>()

  constructor(plugins: readonly ConnectorPlugin[] = []) {
    for (const plugin of plugins) this.register(plugin)
  }

  /** Adds a connector class; its names must not be taken. */
  register(plugin: ConnectorPlugin): this {
    const names = namesOf(plugin)
    for (const name of names) {
      const other = this.#byName.get(name)
      if (other !== undefined && other !== plugin) throw new ConnectError('CONNECT_INVALID_CONFIG', `Connector name '${name}' of ${plugin.className} is taken by ${other.className}`)
    }
    this.#plugins.push(plugin)
    for (const name of names) this.#byName.set(name, plugin)
    return this
  }

  /** The plugin `connector.class` names; CONNECT_NOT_FOUND listing the known ones otherwise. */
  connector(name: string): ConnectorPlugin {
    const plugin = this.#byName.get(name.trim())
    if (plugin === undefined) {
      throw new ConnectError('CONNECT_NOT_FOUND', `No connector class '${name}'; known: ${this.#plugins.map((p) => p.className).join(', ') || 'none'}`)
    }
    return plugin
  }

  list(): readonly ConnectorPlugin[] {
    return this.#plugins
  }
}

function namesOf(plugin: ConnectorPlugin): string[] {
  const simple = plugin.className.slice(plugin.className.lastIndexOf('.') + 1)
  const alias = simple.endsWith('Connector') ? simple.slice(0, -'Connector'.length) : simple
  return [...new Set([plugin.className, simple, alias, ...(plugin.aliases ?? [])])]
}
