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
 */
import type { Command } from 'commander'
import { consoleLogger, type LogLevel } from '../../core/index.ts'
import { readConfigFile, Worker } from '../../connect/index.ts'
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
