/**
 * `creek connect standalone worker.properties|worker.json connector.properties|connector.json…`:
 * Kafka's `connect-standalone`. Runs a standalone worker (source offsets in
 * `offset.storage.file.filename`) with the given connectors against a running broker
 * (`--bootstrap`) or a data directory (`--data-dir`), until Ctrl-C or SIGTERM; then every task
 * stops, sink offsets are committed after a flush and source offsets are written, and the
 * command exits 0.
 *
 * Connector files: `.properties`, or JSON (flat, or a `POST /connectors` body). A config that
 * does not validate stops the command before anything runs (exit 1). A connector that fails
 * later is reported on stderr with its trace, and the worker keeps running the others.
 *
 * `creek connect distributed worker.properties|worker.json`: Kafka's `connect-distributed`. Runs a
 * distributed worker of the Connect cluster `group.id` (configs, offsets and statuses in the
 * topics `config.storage.topic`, `offset.storage.topic`, `status.storage.topic`) with its REST API
 * (`listeners`, or `rest.host.name` / `rest.port`; default 127.0.0.1:8083; `--rest-port` and
 * `--rest-host` override), until Ctrl-C or SIGTERM; then its tasks stop (offsets flushed), it
 * leaves the group and exits 0. The broker: `--bootstrap`, `--data-dir`, else the worker file's
 * `bootstrap.servers`. Connectors are managed through the REST API.
 */
import type { Command } from 'commander'
import { type Creek, consoleLogger, type Logger, type LogLevel } from '../../core/index.ts'
import { ConnectRestServer, DistributedHerder, readConfigFile, Worker } from '../../connect/index.ts'
import { CliError } from '../cli-error.ts'
import { withConnectionOptions, withCreek } from '../with-creek.ts'

interface StandaloneOptions {
  bootstrap?: string
  dataDir?: string
  logLevel: string
}

export function registerConnect(program: Command): void {
  const connect = program.command('connect').description('run Kafka Connect-style connectors')
  withConnectionOptions(
    connect
      .command('standalone')
      .description('run a standalone worker with connectors from .properties or .json files, until Ctrl-C')
      .argument('<worker-config>', 'worker properties (offset.storage.file.filename, converters…)')
      .argument('<connector-configs...>', 'one file per connector')
      .option('--log-level <level>', 'debug | info | warn | error', 'info'),
  ).action(async (workerFile: string, connectorFiles: string[], options: StandaloneOptions) => {
    await standalone(workerFile, connectorFiles, options)
  })
  withConnectionOptions(
    connect
      .command('distributed')
      .description('run a distributed worker (connectors managed through its REST API), until Ctrl-C')
      .argument('<worker-config>', 'worker properties or JSON (group.id, *.storage.topic, converters, listeners…)')
      .option('--rest-port <port>', 'REST API port, overriding listeners / rest.port (0: any free port)')
      .option('--rest-host <host>', 'interface the REST API listens on, overriding listeners / rest.host.name')
      .option('--log-level <level>', 'debug | info | warn | error', 'info'),
  ).action(async (workerFile: string, options: DistributedOptions) => {
    await distributed(workerFile, options)
  })
}

interface DistributedOptions extends StandaloneOptions {
  restPort?: string
  restHost?: string
}

/** A distributed worker with its REST API; `close` stops both (the REST API first). */
export interface ConnectWorker {
  readonly herder: DistributedHerder
  readonly server: ConnectRestServer
  close(): Promise<void>
}

/**
 * Starts a distributed worker on `creek` and its REST API on `host:port` (from the worker config
 * when not given). A port that is taken is a CliError naming it and `portHint`, the options that
 * avoid it. With `waitForAssignment: false` it resolves as soon as the REST API listens.
 */
export async function startConnectWorker(creek: Creek, workerConfig: Readonly<Record<string, unknown>>, options: {
  readonly host?: string
  readonly port?: number
  readonly logger: Logger
  readonly portHint: string
  readonly waitForAssignment?: boolean
}): Promise<ConnectWorker> {
  const herder = new DistributedHerder({ creek, config: workerConfig, logger: options.logger })
  const host = options.host ?? herder.config.restHost
  const port = options.port ?? herder.config.restPort
  let server: ConnectRestServer
  try {
    server = await ConnectRestServer.start({ herder, host, port, logger: options.logger })
  } catch (error) {
    const code = (error as Error).cause instanceof Error ? ((error as Error).cause as NodeJS.ErrnoException).code : undefined
    if (code === 'EADDRINUSE') throw new CliError(`port ${port} on ${host} is already in use, so the Connect REST API cannot listen there; ${options.portHint}`)
    if (code === 'EACCES') throw new CliError(`the Connect REST API may not listen on port ${port} of ${host} (permission denied); ${options.portHint}`)
    throw error
  }
  try {
    await herder.start({ url: server.url, waitForAssignment: options.waitForAssignment })
  } catch (error) {
    await server.close().catch(() => undefined)
    await herder.stop().catch(() => undefined)
    throw error
  }
  return {
    herder,
    server,
    close: async () => {
      await server.close()
      await herder.stop()
    },
  }
}

function optionalPort(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new CliError(`${flag} must be a port number from 0 to 65535, got '${value}'`)
  return n
}

async function distributed(workerFile: string, options: DistributedOptions): Promise<void> {
  const level = options.logLevel as LogLevel
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new CliError(`--log-level must be debug, info, warn or error, got '${options.logLevel}'`)
  const logger = consoleLogger(level)
  const workerConfig = readConfigFile(workerFile)
  const port = optionalPort(options.restPort, '--rest-port')
  const fromFile = typeof workerConfig['bootstrap.servers'] === 'string' ? workerConfig['bootstrap.servers'].trim() : ''
  const connection = options.bootstrap === undefined && options.dataDir === undefined && fromFile !== '' ? { bootstrap: fromFile } : options
  await withCreek(connection, { create: true }, async (creek) => {
    const worker = await startConnectWorker(creek, workerConfig, {
      host: options.restHost, port, logger, portHint: 'choose another with --rest-port <port> (0: any free port) or listeners in the worker config',
    })
    const { herder, server } = worker
    process.stdout.write(`Connect distributed worker ${herder.workerId} of cluster '${herder.config.groupId}' with REST API on ${server.url}, ${(await herder.connectors()).length} connectors. Press Ctrl-C to stop.\n`)
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        process.stdout.write(`Received ${signal}: stopping the worker…\n`)
        resolve()
      }
      process.once('SIGINT', () => stop('SIGINT'))
      process.once('SIGTERM', () => stop('SIGTERM'))
    })
    await worker.close()
    process.stdout.write('Connect worker stopped cleanly; offsets flushed, left the group.\n')
  })
}

async function standalone(workerFile: string, connectorFiles: string[], options: StandaloneOptions): Promise<void> {
  const level = options.logLevel as LogLevel
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new CliError(`--log-level must be debug, info, warn or error, got '${options.logLevel}'`)
  const logger = consoleLogger(level)
  const workerConfig = readConfigFile(workerFile)
  const connectorConfigs = connectorFiles.map((file) => ({ file, config: readConfigFile(file) }))
  await withCreek(options, { create: true }, async (creek) => {
    const worker = new Worker({ creek, config: workerConfig, logger })
    await worker.start()
    try {
      for (const { file, config } of connectorConfigs) {
        try {
          await worker.createConnector(config)
        } catch (error) {
          throw new CliError(`connector file ${file}: ${(error as Error).message}`)
        }
      }
    } catch (error) {
      await worker.stop()
      throw error
    }
    const names = worker.connectors()
    process.stdout.write(`Connect standalone worker ${worker.workerId} running ${names.map((n) => `${n} (${worker.status(n).connector.state})`).join(', ')}; offsets in ${worker.config.offsetFile}. Press Ctrl-C to stop.\n`)
    const reported = new Set<string>()
    const watch = setInterval(() => {
      for (const name of names) {
        const status = worker.status(name)
        const failures = [
          ...(status.connector.state === 'FAILED' ? [{ what: `connector ${name}`, trace: status.connector.trace }] : []),
          ...status.tasks.filter((t) => t.state === 'FAILED').map((t) => ({ what: `task ${name}-${t.id}`, trace: t.trace })),
        ]
        for (const { what, trace } of failures) {
          if (reported.has(what)) continue
          reported.add(what)
          process.stderr.write(`creek: ${what} FAILED:\n${trace ?? ''}\n`)
        }
      }
    }, 1000)
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        process.stdout.write(`Received ${signal}: stopping connectors…\n`)
        resolve()
      }
      process.once('SIGINT', () => stop('SIGINT'))
      process.once('SIGTERM', () => stop('SIGTERM'))
    })
    clearInterval(watch)
    await worker.stop()
    process.stdout.write('Connect worker stopped cleanly; offsets written.\n')
  })
}
