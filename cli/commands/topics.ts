/**
 * `creek topics create|list|describe|delete|alter`: topic administration through the Admin
 * client, on a running broker (--bootstrap) or the embedded broker of a data directory (--data-dir).
 */
import type { Command } from 'commander'
import type { Admin, AlterConfigOp } from '../../core/index.ts'
import { CliError, collect, parseInteger, parseKeyValues } from '../cli-error.ts'
import { fields, table } from '../table.ts'
import { type ConnectionOptions, withConnectionOptions, withCreek } from '../with-creek.ts'

interface CreateOptions extends ConnectionOptions {
  readonly partitions?: string
  readonly replicationFactor?: string
  readonly config?: string[]
  readonly ifNotExists?: boolean
}

interface AlterOptions extends ConnectionOptions {
  readonly config?: string[]
  readonly deleteConfig?: string[]
  readonly partitions?: string
}

export function registerTopics(program: Command): void {
  const topics = program.command('topics').description('create, list, describe, alter and delete topics')

  withConnectionOptions(topics.command('create <topic>').description('create a topic'))
    .option('-p, --partitions <n>', 'number of partitions (default: the broker\'s num.partitions)')
    .option('-r, --replication-factor <n>', 'replication factor (default: the broker\'s default.replication.factor)')
    .option('-c, --config <key=value>', 'topic config override (repeatable)', collect)
    .option('--if-not-exists', 'succeed when the topic already exists')
    .action((topic: string, options: CreateOptions) => {
      // Option mistakes are reported before anything is contacted.
      const newTopic = {
        topic,
        numPartitions: options.partitions === undefined ? undefined : parseInteger('--partitions', options.partitions, 1),
        replicationFactor: options.replicationFactor === undefined ? undefined : parseInteger('--replication-factor', options.replicationFactor, 1),
        configs: parseKeyValues('--config', options.config ?? []),
      }
      return withCreek(options, { create: true }, async (creek) => {
        const admin = creek.admin()
        if (options.ifNotExists && (await admin.listTopics({ includeInternal: true })).includes(topic)) {
          process.stdout.write(`Topic ${topic} already exists.\n`)
          return
        }
        const [created] = await admin.createTopics([newTopic])
        const details = [created.numPartitions > 0 && plural(created.numPartitions, 'partition'), created.topicId && `id ${created.topicId}`].filter(Boolean)
        process.stdout.write(`Created topic ${topic}${details.length > 0 ? ` (${details.join(', ')})` : ''}.\n`)
      })
    })

  withConnectionOptions(topics.command('list').description('list topic names'))
    .option('--internal', 'include internal topics (__consumer_offsets)')
    .action((options: ConnectionOptions & { readonly internal?: boolean }) => withCreek(options, {}, async (creek) => {
      const names = await creek.admin().listTopics({ includeInternal: options.internal === true })
      if (names.length > 0) process.stdout.write(`${names.join('\n')}\n`)
      else process.stderr.write('No topics.\n')
    }))

  withConnectionOptions(topics.command('describe <topic>').description('partitions, offsets and config overrides of a topic'))
    .action((topic: string, options: ConnectionOptions) => withCreek(options, {}, async (creek) => {
      process.stdout.write(await describeTopic(creek.admin(), topic))
    }))

  withConnectionOptions(topics.command('delete <topic>').description('delete a topic and its data'))
    .action((topic: string, options: ConnectionOptions) => withCreek(options, {}, async (creek) => {
      await creek.admin().deleteTopics([topic])
      process.stdout.write(`Deleted topic ${topic}.\n`)
    }))

  withConnectionOptions(topics.command('alter <topic>').description('change config overrides or add partitions'))
    .option('-c, --config <key=value>', 'set a config override (repeatable)', collect)
    .option('--delete-config <key>', 'remove a config override, back to the default (repeatable)', collect)
    .option('-p, --partitions <n>', 'raise the partition count to n')
    .action((topic: string, options: AlterOptions) => {
      const sets = parseKeyValues('--config', options.config ?? [])
      const deletes = options.deleteConfig ?? []
      const partitions = options.partitions === undefined ? undefined : parseInteger('--partitions', options.partitions, 1)
      if (Object.keys(sets).length === 0 && deletes.length === 0 && partitions === undefined) {
        throw new CliError('topics alter needs --config, --delete-config or --partitions')
      }
      const operations: AlterConfigOp[] = [
        ...Object.entries(sets).map(([name, value]) => ({ op: 'set' as const, name, value })),
        ...deletes.map((name) => ({ op: 'delete' as const, name })),
      ]
      return withCreek(options, {}, async (creek) => {
        const admin = creek.admin()
        if (operations.length > 0) {
          await admin.incrementalAlterConfigs({ type: 'topic', name: topic }, operations)
          for (const [name, value] of Object.entries(sets)) process.stdout.write(`Set ${name}=${value} on topic ${topic}.\n`)
          for (const name of deletes) process.stdout.write(`Removed ${name} from topic ${topic} (back to its default).\n`)
        }
        if (partitions !== undefined) {
          await admin.createPartitions(topic, partitions)
          process.stdout.write(`Topic ${topic} now has ${plural(partitions, 'partition')}.\n`)
        }
      })
    })
}

async function describeTopic(admin: Admin, topic: string): Promise<string> {
  const [[description], configs] = await Promise.all([
    admin.describeTopics([topic]),
    admin.describeConfigs({ type: 'topic', name: topic }),
  ])
  const overrides = configs.filter((c) => !c.isDefault).map((c) => `${c.name}=${c.sensitive ? '(sensitive)' : c.value ?? ''}`)
  const replication = Math.max(0, ...description.partitions.map((p) => p.replicas.length))
  const header = fields([
    ['Topic', description.topic],
    ['TopicId', description.topicId],
    ['Partitions', description.partitions.length],
    ['ReplicationFactor', replication],
    ['Configs', overrides.length > 0 ? overrides.join(', ') : undefined],
  ])
  const rows = description.partitions.map((p) => [
    p.partition, p.leader, p.replicas.join(','), p.isr.join(','), p.earliest, p.latest,
  ])
  return `${header}\n${table(['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'EARLIEST-OFFSET', 'LOG-END-OFFSET'], rows)}`
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
