/**
 * `creek consume <topic>`: prints records, one per line by default (the value), with kcat-style
 * `--format` placeholders. Without `--group` it reads partitions directly (all, or
 * `--partition`), from `--offset`, the beginning (`--from-beginning`) or the end; with
 * `--group` it joins the group, starts at the committed offsets (else the beginning or the end),
 * and commits what it printed when it stops.
 *
 * When it stops: after `--max-messages`, after `--timeout-ms` without a record, on Ctrl-C, or
 * once every partition it reads is at the log end offset read (ListOffsets) when it started.
 * That last rule always holds on a data directory (`--data-dir`), which the command owns, so
 * nothing else can append while it runs. Against a running broker it holds, as kcat's `-e`, when
 * reading partitions directly from the beginning or an offset; a group member, or a reader that
 * starts at the end, is waiting for records that others produce.
 * A summary goes to stderr so that stdout holds only records.
 *
 * With `--value-format` (and `--key-format`) values (keys) are decoded with a serde and printed
 * as one JSON line each, `%v` (`%k`) in a format; `avro`, `protobuf` and `json-schema` read the
 * Confluent wire format with the writer's schema from the registry (`--registry`), see
 * serde-format.ts and json-text.ts for how bytes, 64-bit integers and dates print. A record
 * that cannot be decoded stops the command with an error naming its partition and offset; it is
 * not committed (the records printed before it are).
 */
import { once } from 'node:events'
import type { Command } from 'commander'
import type { Consumer, ConsumerMessage, Creek, Deserializer, TopicPartition } from '../../core/index.ts'
import { CliError, parseInteger } from '../cli-error.ts'
import { type FormattableRecord, compileRecordFormat, defaultRecordFormat } from '../record-format.ts'
import { type RegistryOptions, type RegistryTarget, registryClient, registryFailure, resolveRegistry, withRegistryOption } from '../registry-options.ts'
import { type Codec, type FormatSpec, makeCodec, parseFormat, usesRegistry } from '../serde-format.ts'
import { type ConnectionOptions, type CreekTarget, withConnectionOptions, withCreek } from '../with-creek.ts'

interface ConsumeOptions extends ConnectionOptions, RegistryOptions {
  readonly fromBeginning?: boolean
  readonly group?: string
  readonly partition?: string
  readonly offset?: string
  readonly maxMessages?: string
  readonly timeoutMs: string
  readonly format?: string
  readonly printKey?: boolean
  readonly printOffset?: boolean
  readonly valueFormat?: string
  readonly schema?: string
  readonly message?: string
  readonly keyFormat?: string
  readonly keySchema?: string
  readonly keyMessage?: string
}

/** How often the command checks whether it has read up to the log end. */
const END_CHECK_MS = 50

export function registerConsume(program: Command): void {
  const command = withConnectionOptions(program.command('consume <topic>').description('print records of a topic'))
    .option('--from-beginning', 'start at the earliest offset when there is no committed one')
    .option('-g, --group <group>', 'consume as a member of this group and commit what was printed')
    .option('-p, --partition <n>', 'read only this partition (not with --group)')
    .option('-o, --offset <offset>', 'start at this offset, or earliest / latest (not with --group)')
    .option('-n, --max-messages <n>', 'stop after n records')
    .option('-t, --timeout-ms <ms>', 'stop after this long without a record (0: never)', '5000')
    .option('-f, --format <format>', 'output format: %k key, %v value, %p partition, %o offset, %T timestamp, %h headers, %t topic')
    .option('--print-key', 'print the key and a tab before the value')
    .option('--print-offset', 'print partition:offset and a tab first')
    .option('--value-format <format>', 'string (default) | json | avro | protobuf | json-schema: print each value decoded, as one JSON line')
    .option('--schema <file>', 'the reader\'s value schema (optional: the writer\'s comes from the registry)')
    .option('--message <name>', 'the Protobuf message to read values as (with --schema)')
    .option('--key-format <format>', 'the same for keys (%k, --print-key)')
    .option('--key-schema <file>', 'the reader\'s key schema')
    .option('--key-message <name>', 'the Protobuf message to read keys as')
  withRegistryOption(command).action(async (topic: string, options: ConsumeOptions) => {
    const settings = parseSettings(options)
    const valueSpec = plainAsNone(parseFormat('value', { format: options.valueFormat, schema: options.schema, message: options.message }, false))
    const keySpec = plainAsNone(parseFormat('key', { format: options.keyFormat, schema: options.keySchema, message: options.keyMessage }, false))
    const registryTarget = usesRegistry(valueSpec) || usesRegistry(keySpec) ? resolveRegistry(options) : undefined
    const decoders = await makeDecoders(valueSpec, keySpec, registryTarget)
    try {
      return await withCreek(options, {}, (creek, target) => consume(creek, topic, settings, stopsAtEnd(settings, target), decoders))
    } catch (error) {
      throw registryTarget === undefined ? error : registryFailure(error, registryTarget)
    }
  })
}

/** `string` prints what no format prints: the command's plain path, without a deserializer. */
function plainAsNone(spec: FormatSpec | undefined): FormatSpec | undefined {
  return spec?.format === 'string' ? undefined : spec
}

/** A record's bytes with the text to print for them. */
interface Printed {
  readonly bytes: Buffer | null
  readonly text: string
}

interface Decoders {
  readonly key?: Decoder
  readonly value?: Decoder
}

interface Decoder {
  readonly format: string
  readonly deserializer: Deserializer<Printed>
}

function printer(codec: Codec): Decoder {
  return {
    format: codec.spec.format,
    deserializer: {
      deserialize(topic, data, headers) {
        const text = codec.print(topic, data, headers)
        return text instanceof Promise ? text.then((t) => ({ bytes: data, text: t })) : { bytes: data, text }
      },
    },
  }
}

async function makeDecoders(valueSpec: FormatSpec | undefined, keySpec: FormatSpec | undefined, target: RegistryTarget | undefined): Promise<Decoders> {
  // One client for keys and values: it caches schemas by id.
  let client: ReturnType<typeof registryClient> | undefined
  const context = { registry: () => (client ??= registryClient(target!)) }
  return {
    value: valueSpec === undefined ? undefined : printer(await makeCodec(valueSpec, context)),
    key: keySpec === undefined ? undefined : printer(await makeCodec(keySpec, context)),
  }
}

interface Settings {
  readonly group: string | undefined
  readonly partition: number | undefined
  readonly offset: number | 'earliest' | 'latest' | undefined
  readonly fromBeginning: boolean
  readonly maxMessages: number
  readonly timeoutMs: number
  readonly format: (record: FormattableRecord) => string
}

function parseSettings(options: ConsumeOptions): Settings {
  if (options.group !== undefined && (options.partition !== undefined || options.offset !== undefined)) {
    throw new CliError('--partition and --offset read partitions directly; they cannot be used with --group')
  }
  if (options.format !== undefined && (options.printKey || options.printOffset)) {
    throw new CliError('--print-key and --print-offset cannot be combined with --format; use %k and %p:%o in the format')
  }
  const offset = options.offset === undefined || options.offset === 'earliest' || options.offset === 'latest'
    ? options.offset
    : parseInteger('--offset', options.offset, 0)
  let format: Settings['format']
  try {
    format = compileRecordFormat(options.format ?? defaultRecordFormat(options))
  } catch (error) {
    throw new CliError((error as Error).message)
  }
  return {
    group: options.group,
    partition: options.partition === undefined ? undefined : parseInteger('--partition', options.partition, 0),
    offset,
    fromBeginning: options.fromBeginning === true,
    maxMessages: options.maxMessages === undefined ? Infinity : parseInteger('--max-messages', options.maxMessages, 1),
    timeoutMs: parseInteger('--timeout-ms', options.timeoutMs, 0),
    format,
  }
}

/** Whether the command stops at the log end offsets read when it started (see the file comment). */
function stopsAtEnd(settings: Settings, target: CreekTarget): boolean {
  if (target.kind === 'embedded') return true
  const startsAtEnd = !settings.fromBeginning && (settings.offset === undefined || settings.offset === 'latest')
  return settings.group === undefined && !startsAtEnd
}

async function consume(creek: Creek, topic: string, settings: Settings, stopAtEnd: boolean, decoders: Decoders): Promise<void> {
  // Also fails fast, naming the topic, when it does not exist.
  const ends = new Map((await creek.admin().fetchTopicOffsets(topic)).map((p) => [p.partition, p.latest]))
  if (settings.partition !== undefined && !ends.has(settings.partition)) {
    throw new CliError(`topic ${topic} has no partition ${settings.partition} (it has ${ends.size})`)
  }
  // Deserializers only with a format: without, records are handed out as they are.
  const consumer = creek.consumer<unknown, unknown>({
    clientId: 'creek-cli-consumer',
    groupId: settings.group,
    autoOffsetReset: settings.fromBeginning || settings.offset === 'earliest' ? 'earliest' : 'latest',
    ...(decoders.key === undefined ? {} : { key: decoders.key.deserializer }),
    ...(decoders.value === undefined ? {} : { value: decoders.value.deserializer }),
  })
  if (settings.group !== undefined) {
    await consumer.subscribe({ topics: [topic] })
  } else {
    const partitions = settings.partition === undefined ? [...ends.keys()] : [settings.partition]
    consumer.assign(partitions.map((partition) => ({ topic, partition })))
    if (typeof settings.offset === 'number') for (const partition of partitions) consumer.seek({ topic, partition, offset: settings.offset })
  }

  let count = 0
  const next = new Map<number, number>()
  let idleTimer: NodeJS.Timeout | undefined
  const stopOnce = (() => {
    let stopping: Promise<void> | undefined
    return () => (stopping ??= consumer.stop())
  })()
  const armIdle = (): void => {
    clearTimeout(idleTimer)
    if (settings.timeoutMs > 0) idleTimer = setTimeout(() => void stopOnce(), settings.timeoutMs)
  }
  let checking = false
  const endCheck = !stopAtEnd ? undefined : setInterval(() => {
    // position() may ask the broker: one check at a time.
    if (checking) return
    checking = true
    void atEnd(consumer, ends, next).then((done) => {
      if (done) void stopOnce()
    }, () => undefined).finally(() => (checking = false))
  }, END_CHECK_MS)
  // Ctrl-C ends the command cleanly: the group is left and what was printed is committed.
  const onSigint = (): void => void stopOnce()
  process.once('SIGINT', onSigint)
  armIdle()
  try {
    for await (const message of consumer) {
      const out = settings.format(formattable(message, decoders))
      if (!process.stdout.write(out)) await once(process.stdout, 'drain')
      next.set(message.partition, message.offset + 1)
      if (++count >= settings.maxMessages) break
      armIdle()
    }
  } catch (error) {
    throw undecodable(error, topic, decoders, count)
  } finally {
    clearTimeout(idleTimer)
    clearInterval(endCheck)
    process.off('SIGINT', onSigint)
    await stopOnce()
  }
  process.stderr.write(`Processed a total of ${count} message${count === 1 ? '' : 's'}.\n`)
}

/** What a format prints of a message: raw bytes, or with a format the bytes and their decoded text. */
function formattable(message: ConsumerMessage<unknown, unknown>, decoders: Decoders): FormattableRecord {
  const key = decoders.key === undefined ? { bytes: message.key as Buffer | null, text: undefined } : message.key as Printed
  const value = decoders.value === undefined ? { bytes: message.value as Buffer | null, text: undefined } : message.value as Printed
  return { ...message, headers: message.headerList, key: key.bytes, keyText: key.text, value: value.bytes, valueText: value.text }
}

/**
 * A record that its key or value format cannot decode, as a CliError naming it; other errors
 * (and a registry that cannot be reached, reported by the caller) as they are.
 */
function undecodable(error: unknown, topic: string, decoders: Decoders, printed: number): unknown {
  const failure = error as { code?: unknown; partition?: unknown; offset?: unknown; isKey?: unknown; detail?: unknown; registryErrorCode?: unknown }
  if (!(error instanceof Error) || typeof failure.partition !== 'number' || typeof failure.offset !== 'number') return error
  // Only the deserializers' failures: SerdesErrors, or core's wrapper of anything else they throw.
  if (typeof failure.code !== 'string' || !(failure.code.startsWith('SERDES_') || failure.code === 'CORE_DESERIALIZATION')) return error
  if (failure.code === 'SERDES_REGISTRY_UNAVAILABLE' && failure.registryErrorCode === undefined) return error
  const part = failure.isKey === true ? 'key' : 'value'
  const format = (failure.isKey === true ? decoders.key : decoders.value)?.format
  const code = typeof failure.registryErrorCode === 'number' ? `error ${failure.registryErrorCode}: ` : ''
  const detail = typeof failure.detail === 'string' ? failure.detail : error.message
  const before = printed === 0 ? '' : ` (the ${printed} record${printed === 1 ? '' : 's'} before it ${printed === 1 ? 'was' : 'were'} printed)`
  return new CliError(`cannot read the ${part} at offset ${failure.offset} of ${topic} partition ${failure.partition}${format ? ` as ${format}` : ''}: ${code}${detail}${before}`)
}

/** True once every assigned partition's next offset reached the log end seen at the start. */
async function atEnd<K, V>(consumer: Consumer<K, V>, ends: ReadonlyMap<number, number>, next: ReadonlyMap<number, number>): Promise<boolean> {
  const assigned: TopicPartition[] = consumer.assignment()
  if (assigned.length === 0) return false
  for (const tp of assigned) {
    const position = next.get(tp.partition) ?? (await consumer.position(tp))
    if (position < (ends.get(tp.partition) ?? 0)) return false
  }
  return true
}
