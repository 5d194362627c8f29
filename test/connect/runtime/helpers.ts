/**
 * Test helpers of the connect runtime: an embedded Creek, stand-in data plugins (a string
 * converter, a header converter and a transform chain that may fail or drop on request), and
 * waits.
 */
import { Creek } from '../../../core/index.ts'
import type { Converter, HeaderConverter } from '../../../connect/api/converter.ts'
import type { ConnectRecord } from '../../../connect/api/records.ts'
import { Schemas } from '../../../connect/api/schema-builder.ts'
import { ConnectError } from '../../../connect/errors.ts'
import type { DataPlugins, TransformChain } from '../../../connect/runtime/plugins.ts'

export function openCreek(dataDir: string): Promise<Creek> {
  return Creek.open({ dataDir, background: false, config: { 'group.initial.rebalance.delay.ms': 0, 'group.min.session.timeout.ms': 500 } })
}

/** Strings as UTF-8; `fail.on=<text>` in the converter config makes values containing it fail. */
class StandInStringConverter implements Converter {
  #failOn: string | null = null
  configure(configs: Readonly<Record<string, string>>): void {
    this.#failOn = configs['fail.on'] ?? null
  }
  fromConnectData(_topic: string, _headers: unknown, _schema: unknown, value: unknown): Buffer | null {
    return value === null || value === undefined ? null : Buffer.from(String(value), 'utf8')
  }
  toConnectData(_topic: string, _headers: unknown, bytes: Buffer | null) {
    const text = bytes?.toString('utf8') ?? null
    if (text !== null && this.#failOn !== null && text.includes(this.#failOn)) {
      throw new ConnectError('CONNECT_CONVERSION', `stand-in converter refuses '${text}'`)
    }
    return { schema: text === null ? null : Schemas.OPTIONAL_STRING, value: text }
  }
}

class StandInHeaderConverter implements HeaderConverter {
  configure(): void {}
  fromConnectHeader(_topic: string, _key: string, _schema: unknown, value: unknown): Buffer | null {
    return value === null || value === undefined ? null : Buffer.from(String(value), 'utf8')
  }
  toConnectHeader(_topic: string, _key: string, bytes: Buffer | null) {
    return { schema: null, value: bytes?.toString('utf8') ?? null }
  }
}

/** `transforms.fail.on=<text>`: values containing it fail; `transforms.drop.on=<text>`: dropped. */
function standInChain(props: Readonly<Record<string, string>>): TransformChain {
  const failOn = props['transforms.fail.on']
  const dropOn = props['transforms.drop.on']
  return {
    apply<R extends ConnectRecord>(record: R): R | null {
      const text = String(record.value)
      if (failOn && text.includes(failOn)) throw new ConnectError('CONNECT_TRANSFORM', `stand-in transform refuses '${text}'`)
      if (dropOn && text.includes(dropOn)) return null
      return record
    },
  }
}

export const standInData: DataPlugins = {
  converter: () => new StandInStringConverter(),
  headerConverter: () => new StandInHeaderConverter(),
  transformChain: standInChain,
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** Values of a topic's partition 0 from the beginning (as many as there are now, waiting for `atLeast`). */
export async function readTopic(creek: Creek, topic: string, atLeast: number, timeoutMs = 10_000): Promise<{ values: string[]; headers: Record<string, string>[] }> {
  const values: string[] = []
  const headers: Record<string, string>[] = []
  const admin = creek.admin()
  const deadline = Date.now() + timeoutMs
  let end = 0
  for (;;) {
    const offsets = await admin.fetchTopicOffsets(topic).catch(() => [])
    end = offsets.find((p) => p.partition === 0)?.latest ?? 0
    if (end >= atLeast) break
    if (Date.now() > deadline) throw new Error(`Topic ${topic} has ${end} records, expected at least ${atLeast}`)
    await new Promise((r) => setTimeout(r, 25))
  }
  await admin.close()
  if (end === 0) return { values, headers }
  const consumer = creek.consumer({ autoOffsetReset: 'earliest' })
  consumer.assign([{ topic, partition: 0 }])
  consumer.seek({ topic, partition: 0, offset: 0 })
  for await (const message of consumer) {
    values.push(message.value?.toString('utf8') ?? 'null')
    headers.push(Object.fromEntries(message.headerList.map((h) => [h.key, h.value?.toString('utf8') ?? ''])))
    if (message.offset + 1 >= end) break
  }
  await consumer.close()
  return { values, headers }
}
