/**
 * `creek produce <topic>`: one record per line of stdin, as Kafka's console producer and kcat
 * `-P` do. `--key-separator` splits a key off each line (a line without it is an error, as in
 * Kafka's tool), `--headers` adds the same headers to every record, `--partition` pins the
 * partition. A summary goes to stderr, so stdout stays clean for pipes.
 *
 * Lines are sent as they are read, in chunks, without waiting for acknowledgements in between;
 * the producer keeps their order per partition.
 */
import { createInterface } from 'node:readline'
import type { Command } from 'commander'
import type { ProducerMessage, RecordMetadata } from '../../core/index.ts'
import { CliError, parseInteger, parseKeyValues } from '../cli-error.ts'
import { type ConnectionOptions, withConnectionOptions, withCreek } from '../with-creek.ts'

interface ProduceOptions extends ConnectionOptions {
  readonly keySeparator?: string
  readonly headers?: string
  readonly partition?: string
}

/** Lines handed to the producer per `send` call. */
const CHUNK = 500

export function registerProduce(program: Command): void {
  withConnectionOptions(program.command('produce <topic>').description('write stdin lines to a topic, one record per line'))
    .option('-K, --key-separator <sep>', 'split each line into key and value at the first <sep>')
    .option('-H, --headers <k=v,...>', 'headers added to every record')
    .option('-p, --partition <n>', 'write every record to this partition')
    .action((topic: string, options: ProduceOptions) => {
      const separator = options.keySeparator
      if (separator === '') throw new CliError('--key-separator cannot be empty')
      const headers = Object.entries(parseKeyValues('--headers', options.headers ? options.headers.split(',') : []))
        .map(([key, value]) => ({ key, value }))
      const partition = options.partition === undefined ? undefined : parseInteger('--partition', options.partition, 0)
      return withCreek(options, { create: true }, async (creek) => {
        const started = performance.now()
        const producer = creek.producer({ clientId: 'creek-cli-producer', lingerMs: 5 })
        const sends: Promise<RecordMetadata[]>[] = []
        let chunk: ProducerMessage[] = []
        let lineNumber = 0
        const flushChunk = (): void => {
          if (chunk.length === 0) return
          const pending = producer.send({ topic, messages: chunk })
          pending.catch(() => {}) // Awaited below; kept from being reported as unhandled meanwhile.
          sends.push(pending)
          chunk = []
        }
        for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
          lineNumber++
          let key: string | null = null
          let value = line
          if (separator !== undefined) {
            const at = line.indexOf(separator)
            if (at < 0) {
              flushChunk()
              await Promise.all(sends)
              const before = lineNumber === 1 ? '' : lineNumber === 2 ? ' (the line before it was produced)' : ` (the ${lineNumber - 1} lines before it were produced)`
              throw new CliError(`line ${lineNumber} has no key separator '${separator}'${before}`)
            }
            key = line.slice(0, at)
            value = line.slice(at + separator.length)
          }
          chunk.push({ key, value, headers, partition })
          if (chunk.length >= CHUNK) flushChunk()
        }
        flushChunk()
        const results = (await Promise.all(sends)).flat()
        await producer.close()
        process.stderr.write(summary(topic, results, performance.now() - started))
      })
    })
}

function summary(topic: string, results: readonly RecordMetadata[], ms: number): string {
  const perPartition = new Map<number, number>()
  for (const r of results) perPartition.set(r.partition, (perPartition.get(r.partition) ?? 0) + 1)
  const partitions = [...perPartition].sort(([a], [b]) => a - b).map(([p, n]) => `${p}: ${n}`).join(', ')
  const records = `${results.length} record${results.length === 1 ? '' : 's'}`
  return `Produced ${records} to ${topic} in ${Math.round(ms)} ms${partitions ? ` (by partition ${partitions})` : ''}.\n`
}
