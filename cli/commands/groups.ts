/**
 * `creek groups list|describe|delete|reset-offsets`: consumer groups, their members, committed
 * offsets and lag, and offset resets in the manner of Kafka's `kafka-consumer-groups` (a dry run
 * unless `--execute`, and only while the group has no members).
 */
import type { Command } from 'commander'
import type { Admin, GroupDescription, ResetTarget } from '../../core/index.ts'
import { CliError, parseInteger } from '../cli-error.ts'
import { fields, table } from '../table.ts'
import { type ConnectionOptions, withConnectionOptions, withCreek } from '../with-creek.ts'

interface ResetOptions extends ConnectionOptions {
  readonly topic: string
  readonly toEarliest?: boolean
  readonly toLatest?: boolean
  readonly toOffset?: string
  readonly toDatetime?: string
  readonly shiftBy?: string
  readonly execute?: boolean
}

export function registerGroups(program: Command): void {
  const groups = program.command('groups').description('list, describe, delete consumer groups and reset their offsets')

  withConnectionOptions(groups.command('list').description('list groups with their state'))
    .action((options: ConnectionOptions) => withCreek(options, {}, async (creek) => {
      const listed = await creek.admin().listGroups()
      if (listed.length === 0) {
        process.stderr.write('No groups.\n')
        return
      }
      process.stdout.write(table(['GROUP', 'STATE', 'PROTOCOL-TYPE'], listed.map((g) => [g.groupId, g.state || undefined, g.protocolType || undefined])))
    }))

  withConnectionOptions(groups.command('describe <group>').description('members, assignments, committed offsets and lag of a group'))
    .action((groupId: string, options: ConnectionOptions) => withCreek(options, {}, async (creek) => {
      process.stdout.write(await describeGroup(creek.admin(), groupId))
    }))

  withConnectionOptions(groups.command('delete <group>').description('delete an empty group and its committed offsets'))
    .action((groupId: string, options: ConnectionOptions) => withCreek(options, {}, async (creek) => {
      await creek.admin().deleteGroups([groupId])
      process.stdout.write(`Deleted group ${groupId}.\n`)
    }))

  withConnectionOptions(groups.command('reset-offsets <group>').description('move a group\'s committed offsets (dry run unless --execute)'))
    .requiredOption('-t, --topic <topic>', 'topic whose offsets to reset; topic:0,1 for some partitions')
    .option('--to-earliest', 'to the log start offset')
    .option('--to-latest', 'to the log end offset')
    .option('--to-offset <offset>', 'to this offset (clamped into the log)')
    .option('--to-datetime <iso>', 'to the first record at or after this time (ISO 8601, e.g. 2024-05-01T12:00:00Z)')
    .option('--shift-by <n>', 'by n from the committed offset (negative moves back)')
    .option('--execute', 'commit the new offsets (without it nothing changes)')
    .action((groupId: string, options: ResetOptions) => {
      const to = resetTarget(options)
      const { topic, partitions } = parseTopicPartitions(options.topic)
      return withCreek(options, {}, async (creek) => {
        const resets = await creek.admin().resetGroupOffsets(groupId, topic, { to, partitions, dryRun: !options.execute })
        process.stdout.write(table(
          ['GROUP', 'TOPIC', 'PARTITION', 'PREVIOUS-OFFSET', 'NEW-OFFSET'],
          resets.map((r) => [groupId, r.topic, r.partition, r.previousOffset < 0 ? undefined : r.previousOffset, r.newOffset]),
        ))
        process.stderr.write(options.execute ? 'Offsets committed.\n' : 'Dry run: nothing was committed. Add --execute to apply these offsets.\n')
      })
    })
}

async function describeGroup(admin: Admin, groupId: string): Promise<string> {
  const [group] = await admin.describeGroups([groupId])
  const assignedTopics = new Set(group.members.flatMap((m) => m.assignment?.map((a) => a.topic) ?? []))
  const offsets = await admin.listGroupOffsets(groupId, { topics: [...assignedTopics] })
  if (group.state === 'Dead' && offsets.length === 0) throw new CliError(`consumer group '${groupId}' does not exist`)

  const owner = ownerOf(group)
  const header = fields([
    ['Group', group.groupId],
    ['State', group.state],
    ['Protocol', group.protocolType ? `${group.protocolType}${group.protocol ? `/${group.protocol}` : ''}` : undefined],
    ['Members', group.members.length],
  ])
  const members = group.members.length === 0 ? '' : '\n' + table(
    ['MEMBER-ID', 'CLIENT-ID', 'HOST', 'ASSIGNMENT'],
    group.members.map((m) => [
      m.memberId,
      m.clientId,
      m.clientHost,
      m.assignment === undefined ? undefined : m.assignment.map((a) => `${a.topic}:${a.partitions.join(',')}`).join(' ') || '(none)',
    ]),
  )
  const partitions = offsets.length === 0 ? '\nNo committed offsets.\n' : '\n' + table(
    ['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'MEMBER-ID'],
    offsets.map((o) => [
      o.topic,
      o.partition,
      o.committedOffset < 0 ? undefined : o.committedOffset,
      o.logEndOffset < 0 ? undefined : o.logEndOffset,
      o.lag,
      owner.get(`${o.topic}:${o.partition}`),
    ]),
  )
  return header + members + partitions
}

/** Which member owns each `topic:partition`, from the decoded assignments. */
function ownerOf(group: GroupDescription): Map<string, string> {
  const owners = new Map<string, string>()
  for (const member of group.members) {
    for (const a of member.assignment ?? []) for (const p of a.partitions) owners.set(`${a.topic}:${p}`, member.memberId)
  }
  return owners
}

function resetTarget(options: ResetOptions): ResetTarget {
  const targets: ResetTarget[] = []
  if (options.toEarliest) targets.push('earliest')
  if (options.toLatest) targets.push('latest')
  if (options.toOffset !== undefined) targets.push({ offset: parseInteger('--to-offset', options.toOffset, 0) })
  if (options.shiftBy !== undefined) targets.push({ shiftBy: parseInteger('--shift-by', options.shiftBy) })
  if (options.toDatetime !== undefined) {
    const timestamp = Date.parse(options.toDatetime)
    if (Number.isNaN(timestamp)) throw new CliError(`--to-datetime expects an ISO 8601 time such as 2024-05-01T12:00:00Z, got '${options.toDatetime}'`)
    targets.push({ timestamp })
  }
  if (targets.length !== 1) {
    throw new CliError('reset-offsets needs exactly one of --to-earliest, --to-latest, --to-offset, --to-datetime, --shift-by')
  }
  return targets[0]
}

/** `orders` or `orders:0,2`. */
function parseTopicPartitions(value: string): { topic: string; partitions: number[] | undefined } {
  const colon = value.lastIndexOf(':')
  if (colon < 0) return { topic: value, partitions: undefined }
  const partitions = value.slice(colon + 1).split(',').map((p) => parseInteger('--topic partition', p, 0))
  return { topic: value.slice(0, colon), partitions }
}
