/**
 * How CLI commands reach Creek. Two modes, chosen per command:
 *
 * - Network (the default): the clients talk Kafka's wire protocol to a running broker,
 *   `--bootstrap host:port[,host:port]`, else `$CREEK_BOOTSTRAP`, else `localhost:9092` (where
 *   `creek start` listens by default). One cheap request goes first, on a connection of its own
 *   with short timeouts and one retry, so that a broker that is not there is reported within
 *   seconds as one line, not after the clients' usual minute of retries; the command's clients
 *   then keep the usual timeouts and retries.
 * - Embedded (`--data-dir DIR`): the command opens the directory with an embedded broker for its
 *   own short lifetime (no background timers) and closes it before exiting. A directory held by
 *   a running broker is refused up front with a message naming its process, since two brokers
 *   must never share a log; the message points to --bootstrap instead.
 *
 * Giving both options is a usage error: they name two different ways of reaching the data.
 */
import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { CoreError, Creek, DataDirLock, consoleLogger } from '../core/index.ts'
import { CliError } from './cli-error.ts'

export const DEFAULT_BOOTSTRAP = 'localhost:9092'
/** Overrides DEFAULT_BOOTSTRAP when neither --bootstrap nor --data-dir is given. */
export const BOOTSTRAP_ENV = 'CREEK_BOOTSTRAP'

/** Connection setup timeout of CLI clients: fail fast when nothing listens. */
const CONNECTION_TIMEOUT_MS = 3000
/**
 * Request timeout of the first request only, which has its own transport: a server that
 * accepts connections but does not speak Kafka keeps it waiting no longer than this.
 */
const PROBE_REQUEST_TIMEOUT_MS = 5000

/**
 * Broker settings for an embedded CLI command: it is the only client of the broker it opens, so
 * a group has nobody to wait for before its first rebalance.
 */
const CLI_BROKER_CONFIG = { 'group.initial.rebalance.delay.ms': 0 }

export interface ConnectionOptions {
  readonly bootstrap?: string
  readonly dataDir?: string
}

/** Where a command's clients go, as resolved from its options and the environment. */
export type CreekTarget =
  | { readonly kind: 'network'; readonly bootstrap: string; readonly source: 'option' | 'env' | 'default' }
  | { readonly kind: 'embedded'; readonly dataDir: string }

/** Adds `-b, --bootstrap` and `-d, --data-dir` to a client command. */
export function withConnectionOptions(command: Command): Command {
  return command
    .option('-b, --bootstrap <host:port[,host:port]>', `broker to talk to (default: $${BOOTSTRAP_ENV}, else ${DEFAULT_BOOTSTRAP})`)
    .option('-d, --data-dir <dir>', 'use this data directory directly, with an embedded broker, instead of a running one')
}

/** The target of a command; throws a CliError when both --bootstrap and --data-dir are given. */
export function resolveTarget(options: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): CreekTarget {
  if (options.bootstrap !== undefined && options.dataDir !== undefined) {
    throw new CliError('use either --bootstrap (a running broker) or --data-dir (a data directory opened directly), not both')
  }
  if (options.dataDir !== undefined) {
    if (options.dataDir === '') throw new CliError('--data-dir cannot be empty')
    return { kind: 'embedded', dataDir: options.dataDir }
  }
  if (options.bootstrap !== undefined) {
    if (options.bootstrap.trim() === '') throw new CliError('--bootstrap cannot be empty; give host:port')
    return { kind: 'network', bootstrap: options.bootstrap, source: 'option' }
  }
  const fromEnv = env[BOOTSTRAP_ENV]?.trim()
  if (fromEnv) return { kind: 'network', bootstrap: fromEnv, source: 'env' }
  return { kind: 'network', bootstrap: DEFAULT_BOOTSTRAP, source: 'default' }
}

export interface OpenOptions {
  /**
   * Embedded mode: create the data directory when missing (commands that write); otherwise a
   * missing one is an error. The network mode ignores it.
   */
  readonly create?: boolean
}

/**
 * Reaches Creek as `options` say, runs `action`, and closes every client (and an embedded
 * broker), also when `action` fails.
 */
export async function withCreek<T>(
  options: ConnectionOptions,
  open: OpenOptions,
  action: (creek: Creek, target: CreekTarget) => Promise<T>,
): Promise<T> {
  const target = resolveTarget(options)
  const creek = target.kind === 'embedded' ? await openDataDir(target.dataDir, open) : await connect(target)
  try {
    return await action(creek, target)
  } finally {
    await creek.close()
  }
}

async function openDataDir(dataDir: string, options: OpenOptions): Promise<Creek> {
  const holder = DataDirLock.inspect(dataDir)
  if (holder !== undefined) throw lockedError(dataDir, holder)
  if (!options.create && !existsSync(dataDir)) {
    throw new CliError(`no data directory at ${dataDir}; create a topic in it first, or check --data-dir`)
  }
  try {
    return await Creek.open({ dataDir, config: CLI_BROKER_CONFIG, logger: consoleLogger('warn'), background: false })
  } catch (error) {
    // Another process may have taken the directory between the check and the open.
    if (error instanceof CoreError && error.code === 'CORE_DATA_DIR_LOCKED') {
      throw new CliError(`${error.message}; to use a running broker, pass --bootstrap host:port instead of --data-dir`)
    }
    throw error
  }
}

function lockedError(dataDir: string, holder: { readonly pid: number; readonly hostname?: string }): CliError {
  const where = holder.hostname ? ` on ${holder.hostname}` : ''
  return new CliError(
    `data directory ${dataDir} is in use by a running Creek broker (pid ${holder.pid}${where}); ` +
      "talk to it with --bootstrap host:port (the address 'creek start' printed) instead of --data-dir, or stop it first",
  )
}

type NetworkTarget = Extract<CreekTarget, { kind: 'network' }>

/** Clients of the broker at `target.bootstrap`, after one request has shown that it answers. */
async function connect(target: NetworkTarget): Promise<Creek> {
  const settings = { bootstrap: target.bootstrap, connectionTimeoutMs: CONNECTION_TIMEOUT_MS, logger: consoleLogger('warn') }
  let probe: Creek
  try {
    probe = Creek.connect({ ...settings, requestTimeoutMs: PROBE_REQUEST_TIMEOUT_MS })
  } catch (error) {
    // A malformed address is a usage mistake.
    if (error instanceof CoreError) throw new CliError(`${error.message} (${describeSource(target)})`)
    throw error
  }
  try {
    // A Metadata request (the topic list) with one quick retry, within the connection timeout.
    await probe.admin({ clientId: 'creek-cli-probe', retry: { retries: 1, timeoutMs: CONNECTION_TIMEOUT_MS } }).listTopics()
  } catch (error) {
    if (error instanceof CoreError && error.code === 'CORE_INVALID_CONFIG') throw new CliError(`${error.message} (${describeSource(target)})`)
    // Anything else (a broker that answered with an error) is reported as it is.
    if (error instanceof CoreError && (error.code === 'CORE_NETWORK' || error.code === 'CORE_PROTOCOL')) throw unreachableError(target, error)
    throw error
  } finally {
    await probe.close().catch(() => undefined)
  }
  return Creek.connect(settings)
}

function unreachableError(target: NetworkTarget, error: unknown): CliError {
  const protocolError = findCause(error, (e) => e instanceof CoreError && e.code === 'CORE_PROTOCOL')
  if (protocolError !== undefined) {
    return new CliError(`the server at ${target.bootstrap} (${describeSource(target)}) does not answer as a Kafka broker: ${protocolError.message}`)
  }
  const at = `cannot reach a broker at ${target.bootstrap}`
  const hint = "is 'creek start' running? use --bootstrap host:port or --data-dir DIR"
  switch (target.source) {
    case 'default':
      return new CliError(`${at} (${hint})`)
    case 'env':
      return new CliError(`${at}, from $${BOOTSTRAP_ENV} (${hint})`)
    case 'option':
      return new CliError(`${at}: ${reason(error)}`)
  }
}

function describeSource(target: NetworkTarget): string {
  return target.source === 'option' ? 'given with --bootstrap' : target.source === 'env' ? `from $${BOOTSTRAP_ENV}` : 'the default'
}

/** The first error in the chain of causes (and of AggregateError members) that `test` accepts. */
function findCause(error: unknown, test: (error: Error) => boolean, depth = 0): Error | undefined {
  if (!(error instanceof Error) || depth > 8) return undefined
  if (test(error)) return error
  for (const inner of error instanceof AggregateError ? error.errors : []) {
    const found = findCause(inner, test, depth + 1)
    if (found) return found
  }
  return findCause(error.cause, test, depth + 1)
}

const SYSTEM_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
}

/**
 * Why a connection failed, in a few words: the system error of a cause (ECONNREFUSED,
 * ENOTFOUND…) when there is one, else the innermost message (a timeout, a closed connection).
 */
function reason(error: unknown): string {
  const system = findCause(error, (e) => typeof (e as NodeJS.ErrnoException).code === 'string' && /^E[A-Z_]+$/.test((e as NodeJS.ErrnoException).code!))
  if (system !== undefined) {
    const code = (system as NodeJS.ErrnoException).code!
    return SYSTEM_ERRORS[code] ?? code
  }
  let innermost = error
  for (let depth = 0; innermost instanceof Error && innermost.cause instanceof Error && depth < 8; depth++) innermost = innermost.cause
  return innermost instanceof Error ? innermost.message : String(innermost)
}
