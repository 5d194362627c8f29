/**
 * How CLI commands reach Creek until the network transport exists: each command opens the data
 * directory with an embedded broker for its own short lifetime (no background timers) and closes
 * it before exiting. A directory held by a running broker is refused up front with a message
 * naming its process, since two brokers must never share a log.
 */
import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { CoreError, Creek, DataDirLock, consoleLogger } from '../core/index.ts'
import { CliError } from './cli-error.ts'

export const DEFAULT_DATA_DIR = './data'

/**
 * Broker settings for a CLI command: it is the only client of the broker it opens, so a group
 * has nobody to wait for before its first rebalance.
 */
const CLI_BROKER_CONFIG = { 'group.initial.rebalance.delay.ms': 0 }

export interface DataDirOptions {
  readonly dataDir: string
}

/** Adds `-d, --data-dir` to a command. */
export function withDataDir(command: Command): Command {
  return command.option('-d, --data-dir <dir>', 'data directory of the embedded broker', DEFAULT_DATA_DIR)
}

export interface OpenOptions {
  /** Create the data directory when missing (commands that write); otherwise a missing one is an error. */
  readonly create?: boolean
}

/** Opens the data directory, runs `action`, and closes everything, also when `action` fails. */
export async function withCreek<T>(dataDir: string, options: OpenOptions, action: (creek: Creek) => Promise<T>): Promise<T> {
  const holder = DataDirLock.inspect(dataDir)
  if (holder !== undefined) {
    const where = holder.hostname ? ` on ${holder.hostname}` : ''
    throw new CliError(
      `data directory ${dataDir} is in use by a running Creek broker (pid ${holder.pid}${where}); ` +
        'stop it first, or use another --data-dir (the CLI cannot reach a running broker over the network yet)',
    )
  }
  if (!options.create && !existsSync(dataDir)) {
    throw new CliError(`no data directory at ${dataDir}; create a topic first, or pass --data-dir`)
  }
  let creek: Creek
  try {
    creek = await Creek.open({ dataDir, config: CLI_BROKER_CONFIG, logger: consoleLogger('warn'), background: false })
  } catch (error) {
    // Another process may have taken the directory between the check and the open.
    if (error instanceof CoreError && error.code === 'CORE_DATA_DIR_LOCKED') throw new CliError(error.message)
    throw error
  }
  try {
    return await action(creek)
  } finally {
    await creek.close()
  }
}
