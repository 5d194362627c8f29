/**
 * The `creek` command line. Subcommands are added as the layers they drive land.
 */
import { Command } from 'commander'

const program = new Command()
program.name('creek').description('Creek: event streaming for TypeScript on Node.js')

await program.parseAsync(process.argv)
