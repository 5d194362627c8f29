/**
 * `creek start`: runs a Creek broker in the foreground on a data directory and serves Kafka's
 * wire protocol (default 127.0.0.1:9092), until Ctrl-C or SIGTERM, then shuts down cleanly:
 * in-flight requests finish, logs are flushed and marked cleanly closed.
 */
import type { Command } from 'commander'
import { consoleLogger, Creek, type LogLevel } from '../../core/index.ts'
import { CliError } from '../cli-error.ts'

interface StartOptions {
  dataDir: string
  host: string
  port: string
  advertisedHost?: string
  advertisedPort?: string
  config: string[]
  logLevel: string
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run a Creek broker in the foreground, serving the Kafka protocol')
    .option('-d, --data-dir <dir>', 'data directory', './data')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('-p, --port <port>', 'port to listen on (0: any free port)', '9092')
    .option('--advertised-host <host>', 'host clients are told to connect to (default: the listening host)')
    .option('--advertised-port <port>', 'port clients are told to connect to (default: the listening port)')
    .option('-c, --config <key=value>', 'broker property with Kafka\'s name, e.g. num.partitions=3 (repeatable)', collect, [])
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
  const creek = await Creek.open({ dataDir: options.dataDir, config: parseConfig(options.config), logger })
  let address
  try {
    address = await creek.listen({
      host: options.host,
      port: port(options.port, '--port'),
      advertisedHost: options.advertisedHost,
      advertisedPort: port(options.advertisedPort, '--advertised-port'),
    })
  } catch (error) {
    await creek.close()
    throw error
  }
  const broker = creek.broker
  process.stdout.write(
    `Creek broker ${broker.nodeId} (cluster ${broker.clusterId}) listening on ${address.host}:${address.port}, ` +
      `data in ${options.dataDir}. Press Ctrl-C to stop.\n`,
  )
  await new Promise<void>((resolve) => {
    let stopping = false
    const stop = (signal: string) => {
      if (stopping) return
      stopping = true
      process.stdout.write(`Received ${signal}: shutting down…\n`)
      creek
        .close()
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
