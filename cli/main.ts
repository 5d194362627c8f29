/**
 * The `creek` command line. Subcommands are added as the layers they drive land.
 */
import { Command } from 'commander'
import { registerStart } from './commands/start.ts'

const program = new Command()
program.name('creek').description('Creek: event streaming for TypeScript on Node.js')
registerStart(program)

try {
  await program.parseAsync(process.argv)
} catch (error) {
  const err = error as Error & { code?: string }
  console.error(`creek: ${err.message}${err.code ? ` [${err.code}]` : ''}`)
  process.exitCode = 1
}
