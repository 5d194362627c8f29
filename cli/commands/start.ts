/**
 * `creek start`: runs a Creek broker in the foreground on a data directory and serves Kafka's
 * wire protocol (default 127.0.0.1:9092) and, beside it, the schema registry's REST API
 * (Confluent's, default port 8081 on the same host; `--no-registry` turns it off), until Ctrl-C
 * or SIGTERM, then shuts down cleanly: in-flight requests finish, logs are flushed and marked
 * cleanly closed.
 *
 * The registry is a node of Creek's own registry on the embedded broker: its schemas live in the
 * compacted topic `_schemas` of the data directory, so they survive restarts. The start-up line
 * names every address, once all of them accept connections.
 *
 * A distributed Kafka Connect worker runs beside them (group `connect-cluster`, its configs,
 * offsets and statuses in the topics `connect-configs`, `connect-offsets`, `connect-status` of
 * the data directory) with Kafka Connect's REST API on port 8083 of the same host
 * (`--connect-port`, `--connect-host`; `--no-connect` turns it off). It joins its group in the
 * background, so start-up does not wait for the first rebalance.
 */
import type { Command } from 'commander'
import { consoleLogger, Creek, type Logger, type LogLevel } from '../../core/index.ts'
import type { SchemaRegistryServer } from '../../serdes/index.ts'
import { CliError } from '../cli-error.ts'
import { loadSerdes } from '../registry-options.ts'
import { type ConnectWorker, startConnectWorker } from './connect.ts'

/** The worker config of the Connect worker `creek start` runs (Kafka's connect-distributed.properties defaults). */
export const START_CONNECT_WORKER_CONFIG = Object.freeze({ 'group.id': 'connect-cluster' })

interface StartOptions {
  dataDir: string
  host: string
  port: string
  advertisedHost?: string
  advertisedPort?: string
  config: string[]
  logLevel: string
  registry: boolean
  registryPort: string
  registryHost?: string
  connect: boolean
  connectPort: string
  connectHost?: string
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run a Creek broker in the foreground, serving the Kafka protocol and the schema registry')
    .option('-d, --data-dir <dir>', 'data directory', './data')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('-p, --port <port>', 'port to listen on (0: any free port)', '9092')
    .option('--advertised-host <host>', 'host clients are told to connect to (default: the listening host)')
    .option('--advertised-port <port>', 'port clients are told to connect to (default: the listening port)')
    .option('-c, --config <key=value>', 'broker property with Kafka\'s name, e.g. num.partitions=3 (repeatable)', collect, [])
    .option('--registry-port <port>', 'schema registry port (0: any free port)', '8081')
    .option('--registry-host <host>', 'interface the schema registry listens on (default: --host)')
    .option('--no-registry', 'do not serve the schema registry')
    .option('--connect-port <port>', 'Kafka Connect REST API port (0: any free port)', '8083')
    .option('--connect-host <host>', 'interface the Connect REST API listens on (default: --host)')
    .option('--no-connect', 'do not run a Kafka Connect worker')
    .option('--log-level <level>', 'debug | info | warn | error', 'info')
    .action(async (options: StartOptions) => {
      await start(options)
    })
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value]
}

function port(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliError(`${flag} must be a port number from 0 to 65535, got '${value}'`)
  return n
}

function parseConfig(entries: string[]): Record<string, string> {
  const config: Record<string, string> = {}
  for (const entry of entries) {
    const eq = entry.indexOf('=')
    if (eq <= 0) throw new CliError(`--config expects key=value, got '${entry}'`)
    config[entry.slice(0, eq).trim()] = entry.slice(eq + 1).trim()
  }
  return config
}

async function start(options: StartOptions): Promise<void> {
  const level = options.logLevel as LogLevel
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new CliError(`--log-level must be debug, info, warn or error, got '${options.logLevel}'`)
  const logger = consoleLogger(level)
  const brokerPort = port(options.port, '--port')
  const advertisedPort = port(options.advertisedPort, '--advertised-port')
  const registryPort = options.registry ? port(options.registryPort, '--registry-port') : undefined
  const connectPort = options.connect ? port(options.connectPort, '--connect-port') : undefined
  const config = parseConfig(options.config)
  const creek = await Creek.open({ dataDir: options.dataDir, config, logger })
  let address
  let registry: SchemaRegistryServer | undefined
  let connect: ConnectWorker | undefined
  try {
    address = await creek.listen({ host: options.host, port: brokerPort, advertisedHost: options.advertisedHost, advertisedPort })
    if (registryPort !== undefined) registry = await startRegistry(creek, options.registryHost ?? options.host, registryPort, logger)
    if (connectPort !== undefined) {
      connect = await startConnectWorker(creek, START_CONNECT_WORKER_CONFIG, {
        host: options.connectHost ?? options.host, port: connectPort, logger, waitForAssignment: false,
        portHint: 'choose another with --connect-port <port> (0: any free port), or run without it with --no-connect',
      })
    }
  } catch (error) {
    await registry?.close().catch(() => undefined)
    await creek.close()
    throw error
  }
  const broker = creek.broker
  process.stdout.write(
    `Creek broker ${broker.nodeId} (cluster ${broker.clusterId}) listening on ${address.host}:${address.port}, ` +
      `${registry === undefined ? '' : `schema registry on ${registry.url}, `}` +
      `${connect === undefined ? '' : `Connect REST API on ${connect.server.url}, `}data in ${options.dataDir}. Press Ctrl-C to stop.\n`,
  )
  await new Promise<void>((resolve) => {
    let stopping = false
    const stop = (signal: string) => {
      if (stopping) return
      stopping = true
      process.stdout.write(`Received ${signal}: shutting down…\n`)
      // Connect and the registry first: they read and write through the broker.
      const connectClosed = connect === undefined ? Promise.resolve() : connect.close().catch((error: unknown) => {
        logger.warn('The Connect worker did not stop cleanly', { cause: String(error) })
      })
      const registryClosed = connectClosed.then(() => registry === undefined ? undefined : registry.close()).catch((error: unknown) => {
        logger.warn('The schema registry did not close cleanly', { cause: String(error) })
      })
      registryClosed
        .then(() => creek.close())
        .then(() => process.stdout.write('Creek broker stopped cleanly.\n'))
        .catch((error) => {
          process.stderr.write(`creek: shutdown failed: ${(error as Error).message}\n`)
          process.exitCode = 1
        })
        .finally(resolve)
    }
    process.once('SIGINT', () => stop('SIGINT'))
    process.once('SIGTERM', () => stop('SIGTERM'))
  })
}

/**
 * The registry's REST server on `creek`; a port that is taken (as 8081 often is, by another
 * registry) is a CliError naming the port and the options that avoid it.
 */
async function startRegistry(creek: Creek, host: string, registryPort: number, logger: Logger): Promise<SchemaRegistryServer> {
  const { SchemaRegistryServer } = await loadSerdes()
  try {
    return await SchemaRegistryServer.start({ creek, host, port: registryPort, logger })
  } catch (error) {
    const code = systemErrorCode(error)
    const options = 'choose another with --registry-port <port> (0: any free port), or run without it with --no-registry'
    if (code === 'EADDRINUSE') throw new CliError(`port ${registryPort} on ${host} is already in use, so the schema registry cannot listen there; ${options}`)
    if (code === 'EACCES') throw new CliError(`the schema registry may not listen on port ${registryPort} of ${host} (permission denied); ${options}`)
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new CliError(`the schema registry cannot listen on ${host}: no such local address; use --registry-host <host>`)
    throw error
  }
}

/** The `code` of the first system error (EADDRINUSE…) in `error`'s chain of causes. */
function systemErrorCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code
  }
  return undefined
}
