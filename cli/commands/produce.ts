/**
 * `creek produce <topic>`: one record per line of stdin, as Kafka's console producer and kcat
 * `-P` do. `--key-separator` splits a key off each line (a line without it is an error, as in
 * Kafka's tool), `--headers` adds the same headers to every record, `--partition` pins the
 * partition. A summary goes to stderr, so stdout stays clean for pipes.
 *
 * With `--value-format` (and `--key-format`) each line (or key) is a JSON value written with a
 * serde: `avro`, `protobuf` or `json-schema` with `--schema FILE` through a schema registry
 * (`--registry`), as Confluent's console producers do, or plain `json` (see serde-format.ts).
 * A line that is not JSON, or does not match the schema, stops the command with an error naming
 * the line; the lines before it are produced.
 *
 * Lines are sent as they are read, in chunks, without waiting for acknowledgements in between;
 * the producer keeps their order per partition.
 */
import { createInterface } from 'node:readline'
import type { Command } from 'commander'
import type { ProducerMessage, RecordMetadata } from '../../core/index.ts'
import { CliError, parseInteger, parseKeyValues } from '../cli-error.ts'
import { type RegistryOptions, type RegistryTarget, registryClient, registryFailure, resolveRegistry, withRegistryOption } from '../registry-options.ts'
import { type Codec, type FormatSpec, makeCodec, parseFormat, parseStrategy, usesRegistry } from '../serde-format.ts'
import { type ConnectionOptions, withConnectionOptions, withCreek } from '../with-creek.ts'

interface ProduceOptions extends ConnectionOptions, RegistryOptions {
  readonly keySeparator?: string
  readonly headers?: string
  readonly partition?: string
  readonly valueFormat?: string
  readonly schema?: string
  readonly message?: string
  readonly keyFormat?: string
  readonly keySchema?: string
  readonly keyMessage?: string
  readonly subjectStrategy?: string
}

/** Lines handed to the producer per `send` call. */
const CHUNK = 500

export function registerProduce(program: Command): void {
  const command = withConnectionOptions(program.command('produce <topic>').description('write stdin lines to a topic, one record per line'))
    .option('-K, --key-separator <sep>', 'split each line into key and value at the first <sep>')
    .option('-H, --headers <k=v,...>', 'headers added to every record')
    .option('-p, --partition <n>', 'write every record to this partition')
    .option('--value-format <format>', 'string (default) | json | avro | protobuf | json-schema: lines are JSON values written with that serde')
    .option('--schema <file>', 'the value schema (.avsc, .proto, JSON Schema) for avro, protobuf, json-schema')
    .option('--message <name>', 'the Protobuf message to write (default: the first in the file)')
    .option('--key-format <format>', 'the same for keys (with --key-separator)')
    .option('--key-schema <file>', 'the key schema')
    .option('--key-message <name>', 'the Protobuf message of keys')
    .option('--subject-strategy <strategy>', 'subject name strategy: topic (default), record, topic-record')
  withRegistryOption(command).action(async (topic: string, options: ProduceOptions) => {
    const separator = options.keySeparator
    if (separator === '') throw new CliError('--key-separator cannot be empty')
    const headers = Object.entries(parseKeyValues('--headers', options.headers ? options.headers.split(',') : []))
      .map(([key, value]) => ({ key, value }))
    const partition = options.partition === undefined ? undefined : parseInteger('--partition', options.partition, 0)
    const valueSpec = parseFormat('value', { format: options.valueFormat, schema: options.schema, message: options.message }, true)
    const keySpec = parseFormat('key', { format: options.keyFormat, schema: options.keySchema, message: options.keyMessage }, true)
    if (keySpec !== undefined && separator === undefined) throw new CliError('--key-format needs --key-separator (the key is the text before it on each line)')
    const registryTarget = usesRegistry(valueSpec) || usesRegistry(keySpec) ? resolveRegistry(options) : undefined
    const subjectNameStrategy = parseStrategy(options.subjectStrategy)
    if (subjectNameStrategy !== undefined && registryTarget === undefined) {
      throw new CliError('--subject-strategy is only used with the avro, protobuf and json-schema formats')
    }
    const codecs = await makeCodecs(valueSpec, keySpec, registryTarget, subjectNameStrategy)
    try {
      return await withCreek(options, { create: true }, async (creek) => {
        const started = performance.now()
        const producer = creek.producer({ clientId: 'creek-cli-producer', lingerMs: 5 })
        const sends: Promise<RecordMetadata[]>[] = []
        let chunk: ProducerMessage[] = []
        let lineNumber = 0
        let queued = 0
        const flushChunk = (): void => {
          if (chunk.length === 0) return
          const pending = producer.send({ topic, messages: chunk })
          pending.catch(() => {}) // Awaited below; kept from being reported as unhandled meanwhile.
          sends.push(pending)
          chunk = []
        }
        /** Sends the lines before the current one, then fails naming it. */
        const failAt = async (problem: string): Promise<never> => {
          flushChunk()
          await Promise.all(sends)
          const before = queued === 0 ? '' : queued === 1 ? ' (the line before it was produced)' : ` (the ${queued} lines before it were produced)`
          throw new CliError(`${problem}${before}`)
        }
        /** The bytes of `text` in the format of `codec`, or a failure naming the line. */
        const encode = async (codec: Codec, text: string, what: string): Promise<Buffer | string | null> => {
          let value: unknown
          try {
            value = codec.parse(text)
          } catch (error) {
            return failAt(`${what} is not valid JSON: ${(error as Error).message}`)
          }
          try {
            const bytes = codec.serialize(topic, value)
            return bytes instanceof Promise ? await bytes : bytes
          } catch (error) {
            const code = (error as { code?: unknown }).code
            if (code === 'SERDES_SERIALIZATION' || code === 'SERDES_VALIDATION') {
              return failAt(`${what} cannot be written as ${codec.spec.format}: ${(error as { detail?: string }).detail ?? (error as Error).message}`)
            }
            // A registry that refused the schema, or cannot be reached: not the line's fault.
            flushChunk()
            await Promise.all(sends)
            throw error
          }
        }
        for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
          lineNumber++
          if (codecs.value?.json && line.trim() === '') continue
          let key: Buffer | string | null = null
          let value: Buffer | string | null = line
          if (separator !== undefined) {
            const at = line.indexOf(separator)
            if (at < 0) await failAt(`line ${lineNumber} has no key separator '${separator}'`)
            key = line.slice(0, at)
            value = line.slice(at + separator.length)
          }
          if (codecs.value !== undefined) value = await encode(codecs.value, value, `line ${lineNumber}`)
          if (codecs.key !== undefined) key = await encode(codecs.key, key!, `the key on line ${lineNumber}`)
          chunk.push({ key, value, headers, partition })
          queued++
          if (chunk.length >= CHUNK) flushChunk()
        }
        flushChunk()
        const results = (await Promise.all(sends)).flat()
        await producer.close()
        process.stderr.write(summary(topic, results, performance.now() - started))
      })
    } catch (error) {
      throw registryTarget === undefined ? error : registryFailure(error, registryTarget)
    }
  })
}

async function makeCodecs(
  valueSpec: FormatSpec | undefined, keySpec: FormatSpec | undefined, target: RegistryTarget | undefined, subjectNameStrategy: ReturnType<typeof parseStrategy>,
): Promise<{ readonly value: Codec | undefined; readonly key: Codec | undefined }> {
  // One client for keys and values: it caches ids and schemas.
  let client: ReturnType<typeof registryClient> | undefined
  const context = { registry: () => (client ??= registryClient(target!)), subjectNameStrategy }
  return {
    value: valueSpec === undefined ? undefined : await makeCodec(valueSpec, context),
    key: keySpec === undefined ? undefined : await makeCodec(keySpec, context),
  }
}

function summary(topic: string, results: readonly RecordMetadata[], ms: number): string {
  const perPartition = new Map<number, number>()
  for (const r of results) perPartition.set(r.partition, (perPartition.get(r.partition) ?? 0) + 1)
  const partitions = [...perPartition].sort(([a], [b]) => a - b).map(([p, n]) => `${p}: ${n}`).join(', ')
  const records = `${results.length} record${results.length === 1 ? '' : 's'}`
  return `Produced ${records} to ${topic} in ${Math.round(ms)} ms${partitions ? ` (by partition ${partitions})` : ''}.\n`
}
