/**
 * The `creek` command line. Subcommands are added as the layers they drive land.
 *
 * Errors: a Creek error or a usage mistake prints `creek: <message>` on stderr and exits 1; a
 * Kafka error code is named after the message; an error a schema registry answered prints as
 * `creek: error <code>: <message>` with Confluent's code. Anything else is a bug: its stack follows.
 */
import { Command } from 'commander'
import { CreekError, KafkaApiError } from '../core/index.ts'
import { CliError } from './cli-error.ts'
import { registerConnect } from './commands/connect.ts'
import { registerConsume } from './commands/consume.ts'
import { registerDemo } from './commands/demo.ts'
import { registerGroups } from './commands/groups.ts'
import { registerProduce } from './commands/produce.ts'
import { registerSchemas } from './commands/schemas.ts'
import { registerStart } from './commands/start.ts'
import { registerTopics } from './commands/topics.ts'

const program = new Command()
program.name('creek').description('Creek: event streaming for TypeScript on Node.js')
registerStart(program)
registerTopics(program)
registerGroups(program)
registerProduce(program)
registerConsume(program)
registerSchemas(program)
registerConnect(program)
registerDemo(program)

try {
  await program.parseAsync(process.argv)
} catch (error) {
  process.stderr.write(`creek: ${describeError(error)}\n`)
  if (!(error instanceof CreekError) && !(error instanceof CliError) && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`)
  }
  process.exitCode = 1
}

function describeError(error: unknown): string {
  if (error instanceof KafkaApiError) {
    // "TOPIC_ALREADY_EXISTS (36): Cannot create…" reads better with the name last.
    const prefix = `${error.errorName} (${error.errorCode}): `
    const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message
    return `${message} [${error.errorName}]`
  }
  const registryCode = registryErrorCode(error)
  // Confluent's `error <code>: <message>`; the message without the context Creek appends.
  if (registryCode !== undefined) return `error ${registryCode}: ${(error as { detail?: string }).detail ?? (error as Error).message}`
  return error instanceof Error ? error.message : String(error)
}

/**
 * The schema registry's error code of a SerdesError (a registry answered with an error), read
 * from its fields rather than by `instanceof`, so that commands that never touch a registry do
 * not load the serdes layer at start-up.
 */
function registryErrorCode(error: unknown): number | undefined {
  if (!(error instanceof CreekError)) return undefined
  const code = (error as { registryErrorCode?: unknown }).registryErrorCode
  return typeof code === 'number' ? code : undefined
}
