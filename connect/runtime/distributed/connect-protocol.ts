/**
 * The bytes Connect workers exchange through the group protocol (Kafka's `ConnectProtocol`,
 * version 0, the eager protocol named "default"), byte-compatible with Kafka's:
 *
 * ```
 * metadata   := version:int16  url:string  config_offset:int64
 * assignment := version:int16  error:int16  leader:string  leader_url:string  config_offset:int64
 *               assignment:[ connector:string  tasks:[int32] ]      (task -1 = the connector itself)
 * ```
 * (strings int16-length prefixed, arrays int32-count prefixed.) A version above 0 is read as 0,
 * extra bytes ignored, as Kafka reads newer versions.
 */
import { Reader, Writer } from '../../../core/index.ts'
import { ConnectError } from '../../errors.ts'

export const CONNECT_PROTOCOL_TYPE = 'connect'
export const EAGER_PROTOCOL_NAME = 'default'
export const CONNECT_PROTOCOL_V0 = 0
/** The task id that stands for the connector itself in an assignment. */
export const CONNECTOR_TASK = -1

/** Assignment errors (Kafka's `ConnectProtocol.Assignment`). */
export const ASSIGNMENT_ERROR = { NONE: 0, CONFIG_MISMATCH: 1 } as const

export interface WorkerMetadata {
  readonly url: string
  readonly configOffset: number
}

export interface WorkerAssignment {
  readonly error: number
  readonly leader: string
  readonly leaderUrl: string
  readonly configOffset: number
  readonly connectors: readonly string[]
  readonly tasks: readonly { readonly connector: string; readonly task: number }[]
}

export function encodeMetadata(metadata: WorkerMetadata): Buffer {
  return new Writer(64).int16(CONNECT_PROTOCOL_V0).string(metadata.url).int64(metadata.configOffset).finish()
}

function reading<T>(what: string, bytes: Buffer, read: (reader: Reader) => T): T {
  try {
    const reader = new Reader(bytes)
    const version = reader.int16()
    if (version < 0) throw new Error(`version ${version}`)
    return read(reader)
  } catch (error) {
    throw new ConnectError('CONNECT_DATA', `A Connect group ${what} could not be read (${(error as Error).message}); is another kind of member in the group?`, { cause: error })
  }
}

export function decodeMetadata(bytes: Buffer): WorkerMetadata {
  return reading('member metadata', bytes, (r) => ({ url: r.string(), configOffset: r.int64() }))
}

export function encodeAssignment(assignment: WorkerAssignment): Buffer {
  const byConnector = new Map<string, number[]>()
  for (const name of assignment.connectors) byConnector.set(name, [CONNECTOR_TASK])
  for (const { connector, task } of assignment.tasks) byConnector.set(connector, [...(byConnector.get(connector) ?? []), task])
  const writer = new Writer(256)
    .int16(CONNECT_PROTOCOL_V0).int16(assignment.error).string(assignment.leader).string(assignment.leaderUrl).int64(assignment.configOffset)
    .int32(byConnector.size)
  for (const [connector, tasks] of byConnector) {
    writer.string(connector).int32(tasks.length)
    for (const task of tasks) writer.int32(task)
  }
  return writer.finish()
}

export function decodeAssignment(bytes: Buffer): WorkerAssignment {
  if (bytes.length === 0) return { error: ASSIGNMENT_ERROR.NONE, leader: '', leaderUrl: '', configOffset: -1, connectors: [], tasks: [] }
  return reading('assignment', bytes, (r) => {
    const error = r.int16()
    const leader = r.string()
    const leaderUrl = r.string()
    const configOffset = r.int64()
    const connectors: string[] = []
    const tasks: { connector: string; task: number }[] = []
    const count = r.int32()
    for (let i = 0; i < count; i++) {
      const connector = r.string()
      const n = r.int32()
      for (let j = 0; j < n; j++) {
        const task = r.int32()
        if (task === CONNECTOR_TASK) connectors.push(connector)
        else tasks.push({ connector, task })
      }
    }
    return { error, leader, leaderUrl, configOffset, connectors, tasks }
  })
}

/**
 * Kafka's eager assignment: members sorted by id; every connector, then every task (sorted by
 * connector name and task id), handed out round-robin, continuing from member to member.
 */
export function assignRoundRobin(memberIds: readonly string[], connectors: readonly string[], tasks: readonly { connector: string; task: number }[]): Map<string, { connectors: string[]; tasks: { connector: string; task: number }[] }> {
  const members = [...memberIds].sort()
  const out = new Map(members.map((m) => [m, { connectors: [] as string[], tasks: [] as { connector: string; task: number }[] }]))
  if (members.length === 0) return out
  let next = 0
  for (const connector of [...connectors].sort()) out.get(members[next++ % members.length])!.connectors.push(connector)
  const sorted = [...tasks].sort((a, b) => (a.connector === b.connector ? a.task - b.task : a.connector < b.connector ? -1 : 1))
  for (const task of sorted) out.get(members[next++ % members.length])!.tasks.push(task)
  return out
}
