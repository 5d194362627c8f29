/**
 * How CLI commands reach a schema registry: `--registry <url>`, else `$CREEK_REGISTRY`, else
 * `http://localhost:8081` (where `creek start` serves it), through Creek's REST client, so any
 * Confluent-compatible registry will do.
 *
 * Failures keep the registry's own error (`creek: error 40401: Subject 'x' not found.`, see
 * main.ts), except a registry that cannot be reached at all: that is one line naming the URL,
 * where it came from, and what to do, as with a broker that does not answer.
 */
import type { Command } from 'commander'
import type { RestSchemaRegistry } from '../serdes/index.ts'
import { CliError } from './cli-error.ts'

type Serdes = typeof import('../serdes/index.ts')

/**
 * The serdes layer, loaded when a command first needs it: it brings Avro, Protobuf, JSON Schema
 * and HTTP libraries, a few hundred milliseconds of start-up that `topics list` need not pay.
 */
export function loadSerdes(): Promise<Serdes> {
  return import('../serdes/index.ts')
}

export const DEFAULT_REGISTRY = 'http://localhost:8081'
/** Overrides DEFAULT_REGISTRY when --registry is not given. */
export const REGISTRY_ENV = 'CREEK_REGISTRY'

/** Per-request timeout of CLI registry calls: a registry that hangs is reported, not waited for. */
const REQUEST_TIMEOUT_MS = 15_000

export interface RegistryOptions {
  readonly registry?: string
}

/** Where the registry is, as resolved from the options and the environment. */
export interface RegistryTarget {
  readonly url: string
  readonly source: 'option' | 'env' | 'default'
}

/** Adds `--registry <url>` to a command. */
export function withRegistryOption(command: Command): Command {
  return command.option('--registry <url>', `schema registry URL (default: $${REGISTRY_ENV}, else ${DEFAULT_REGISTRY})`)
}

export function resolveRegistry(options: RegistryOptions, env: NodeJS.ProcessEnv = process.env): RegistryTarget {
  if (options.registry !== undefined) {
    if (options.registry.trim() === '') throw new CliError('--registry cannot be empty; give a URL such as http://localhost:8081')
    return { url: options.registry.trim(), source: 'option' }
  }
  const fromEnv = env[REGISTRY_ENV]?.trim()
  if (fromEnv) return { url: fromEnv, source: 'env' }
  return { url: DEFAULT_REGISTRY, source: 'default' }
}

/** The REST client of `target`; a malformed URL is a CliError naming where it came from. */
export async function registryClient(target: RegistryTarget): Promise<RestSchemaRegistry> {
  const { RestSchemaRegistry, SerdesError } = await loadSerdes()
  try {
    return new RestSchemaRegistry({ url: target.url, timeoutMs: REQUEST_TIMEOUT_MS })
  } catch (error) {
    if (error instanceof SerdesError) throw new CliError(`${error.message} (${describeSource(target)})`)
    throw error
  }
}

/**
 * `error`, or a CliError naming the registry when it could not be reached (a network failure,
 * not an error the registry answered with).
 */
export function registryFailure(error: unknown, target: RegistryTarget): unknown {
  const failure = error as { code?: unknown; registryErrorCode?: unknown }
  // Duck-typed (a SerdesError's fields), so that this module does not load serdes for it.
  if (!(error instanceof Error) || failure.code !== 'SERDES_REGISTRY_UNAVAILABLE' || failure.registryErrorCode !== undefined) return error
  const hint = `is 'creek start' running with its registry? use --registry URL or $${REGISTRY_ENV}`
  return new CliError(`cannot reach the schema registry at ${target.url} (${target.source === 'option' ? 'given with --registry' : describeSource(target)}; ${hint})`)
}

/** Runs `action` with a client of the registry the options name, reporting an unreachable one as such. */
export async function withRegistry<T>(options: RegistryOptions, action: (registry: RestSchemaRegistry) => Promise<T>): Promise<T> {
  const target = resolveRegistry(options)
  const registry = await registryClient(target)
  try {
    return await action(registry)
  } catch (error) {
    throw registryFailure(error, target)
  }
}

function describeSource(target: RegistryTarget): string {
  return target.source === 'option' ? 'given with --registry' : target.source === 'env' ? `from $${REGISTRY_ENV}` : 'the default'
}
