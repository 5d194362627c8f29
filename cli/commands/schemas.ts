/**
 * `creek schemas register|list|get|check|delete`: a schema registry's subjects and schemas over
 * Confluent's REST API (`--registry`, see registry-options.ts), Creek's or any compatible one.
 *
 * Output is for scripts: `register` prints the id alone, `list` one subject per line, `get` the
 * version as JSON (`{subject, version, id, schemaType, schema}`, `references` when there are
 * some), `check` `compatible` or `incompatible` and one line per broken rule (exit code 1).
 * Errors the registry answers print as `creek: error <code>: <message>` with Confluent's code
 * (40401 subject not found, 40901 incompatible, 42201 invalid schema…) and exit code 1.
 */
import type { Command } from 'commander'
import type { RegisteredSchema, VersionSelector } from '../../serdes/index.ts'
import { CliError, collect, parseInteger } from '../cli-error.ts'
import { type RegistryOptions, withRegistry, withRegistryOption } from '../registry-options.ts'
import { schemaFromOptions } from '../schema-file.ts'

interface SchemaFileOptions extends RegistryOptions {
  readonly schema: string
  readonly type?: string
  readonly reference?: string[]
}

export function registerSchemas(program: Command): void {
  const schemas = program.command('schemas').description('register, list, get, check and delete schemas in a schema registry')

  withSchemaFileOptions(withRegistryOption(schemas.command('register <subject>').description('register a schema under a subject and print its id')))
    .action((subject: string, options: SchemaFileOptions) => withRegistry(options, async (registry) => {
      const id = await registry.register(subject, await schemaFromOptions(registry, options))
      process.stdout.write(`${id}\n`)
    }))

  withRegistryOption(schemas.command('list').description('list subjects'))
    .option('--deleted', 'include soft-deleted subjects')
    .option('--prefix <prefix>', 'only subjects starting with <prefix>')
    .action((options: RegistryOptions & { readonly deleted?: boolean; readonly prefix?: string }) => withRegistry(options, async (registry) => {
      const subjects = await registry.subjects({ deleted: options.deleted === true, subjectPrefix: options.prefix })
      if (subjects.length > 0) process.stdout.write(`${subjects.join('\n')}\n`)
      else process.stderr.write('No subjects.\n')
    }))

  withRegistryOption(schemas.command('get [subject]').description('print a schema version (or --id N) as JSON'))
    .option('-v, --version <version>', 'version number or latest', 'latest')
    .option('--id <id>', 'print the schema with this id instead (no subject)')
    .action((subject: string | undefined, options: RegistryOptions & { readonly version: string; readonly id?: string }) => {
      if ((subject === undefined) === (options.id === undefined)) throw new CliError('schemas get needs a subject or --id N (not both)')
      const id = options.id === undefined ? undefined : parseInteger('--id', options.id, 1)
      const version = subject === undefined ? undefined : parseVersion(options.version)
      return withRegistry(options, async (registry) => {
        if (id !== undefined) {
          const schema = await registry.getById(id)
          process.stdout.write(`${JSON.stringify(withReferences({ id, schemaType: schema.schemaType, schema: schema.schema }, schema.references), null, 2)}\n`)
          return
        }
        const found = version === 'latest' ? await registry.getLatest(subject!) : await registry.getVersion(subject!, version!)
        process.stdout.write(`${JSON.stringify(versionJson(found), null, 2)}\n`)
      })
    })

  withSchemaFileOptions(withRegistryOption(schemas.command('check <subject>').description('test whether a schema is compatible with a subject (exit code 1 when not)')))
    .option('-v, --version <version>', 'check against this version, latest, or all (every live version)', 'latest')
    .action((subject: string, options: SchemaFileOptions & { readonly version: string }) => {
      const version = options.version === 'all' ? 'all' : parseVersion(options.version, ' or all')
      return withRegistry(options, async (registry) => {
        const check = await registry.testCompatibility(subject, await schemaFromOptions(registry, options), version)
        if (check.isCompatible) {
          process.stdout.write('compatible\n')
          return
        }
        process.stdout.write(`incompatible\n${check.messages.map((m) => `${m}\n`).join('')}`)
        process.exitCode = 1
      })
    })

  withRegistryOption(schemas.command('delete <subject>').description('delete a subject, or one version of it'))
    .option('-v, --version <version>', 'delete only this version (a number or latest)')
    .option('--permanent', 'delete for good (what was soft-deleted before); ids are never reused')
    .action((subject: string, options: RegistryOptions & { readonly version?: string; readonly permanent?: boolean }) => {
      const version = options.version === undefined ? undefined : parseVersion(options.version)
      const permanent = options.permanent === true
      const how = permanent ? 'Permanently deleted' : 'Deleted'
      return withRegistry(options, async (registry) => {
        if (version !== undefined) {
          const deleted = await registry.deleteVersion(subject, version, { permanent })
          process.stdout.write(`${how} version ${deleted} of subject ${subject}.\n`)
          return
        }
        const versions = await registry.deleteSubject(subject, { permanent })
        process.stdout.write(`${how} subject ${subject} (version${versions.length === 1 ? '' : 's'} ${versions.join(', ')}).\n`)
      })
    })
}

function withSchemaFileOptions(command: Command): Command {
  return command
    .requiredOption('-s, --schema <file>', 'the schema file (.avsc, .proto, .json)')
    .option('-t, --type <type>', 'avro | protobuf | json (default: protobuf for .proto files, else avro)')
    .option('--reference <name=subject:version>', 'a schema it references, by the name it uses (repeatable; version may be latest)', collect)
}

/** `--version`: a number, `latest` (or Confluent's -1 for it); `also` names what else the command takes. */
function parseVersion(value: string, also = ''): VersionSelector {
  if (value === 'latest' || value === '-1') return 'latest'
  const version = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(version) || version < 1) throw new CliError(`--version must be a version number${also === '' ? ' or latest' : `, latest${also}`}, got '${value}'`)
  return version
}

function withReferences<T extends object>(body: T, references: RegisteredSchema['references']): T {
  return references !== undefined && references.length > 0 ? { ...body, references } : body
}

function versionJson(found: RegisteredSchema): Record<string, unknown> {
  return withReferences({ subject: found.subject, version: found.version, id: found.id, schemaType: found.schemaType, schema: found.schema }, found.references)
}
