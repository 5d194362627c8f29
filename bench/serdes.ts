/**
 * Serdes benchmark: serialize + deserialize round trips of one 10-field record with the Avro,
 * Protobuf and JSON Schema serdes (Confluent wire format, schema ids cached after the first
 * record, as in a running producer and consumer), beside plain JSON.stringify / JSON.parse of
 * the same record in the same run (the ceiling a schema-less app pays).
 */
import { InMemorySchemaRegistry, type Serde, serdes } from '../serdes/index.ts'
import { fmt, report } from './_report.ts'

interface Trade {
  id: string
  account: string
  symbol: string
  side: string
  quantity: number
  price: number
  fee: number
  timestamp: number
  venue: string
  settled: boolean
}

const trade: Trade = {
  id: 't-000123456', account: 'acct-42', symbol: 'ACME', side: 'BUY', quantity: 1500, price: 123.45,
  fee: 1.25, timestamp: 1_700_000_000_123, venue: 'XNAS', settled: false,
}

const avroSchema = {
  type: 'record', name: 'Trade', namespace: 'bench',
  fields: [
    { name: 'id', type: 'string' }, { name: 'account', type: 'string' }, { name: 'symbol', type: 'string' },
    { name: 'side', type: 'string' }, { name: 'quantity', type: 'int' }, { name: 'price', type: 'double' },
    { name: 'fee', type: 'double' }, { name: 'timestamp', type: 'long' }, { name: 'venue', type: 'string' },
    { name: 'settled', type: 'boolean' },
  ],
}

const proto = `
syntax = "proto3";
package bench;
message Trade {
  string id = 1; string account = 2; string symbol = 3; string side = 4; int32 quantity = 5;
  double price = 6; double fee = 7; int64 timestamp = 8; string venue = 9; bool settled = 10;
}
`

const jsonSchema = {
  type: 'object', title: 'Trade',
  properties: {
    id: { type: 'string' }, account: { type: 'string' }, symbol: { type: 'string' }, side: { type: 'string', enum: ['BUY', 'SELL'] },
    quantity: { type: 'integer' }, price: { type: 'number' }, fee: { type: 'number' }, timestamp: { type: 'integer' },
    venue: { type: 'string' }, settled: { type: 'boolean' },
  },
  required: ['id', 'account', 'symbol', 'side', 'quantity', 'price', 'fee', 'timestamp', 'venue', 'settled'],
}

/** Runs `fn` repeatedly for about `ms` milliseconds after a warm-up; returns operations per second. */
function opsPerSecond(fn: () => unknown, ms = 1500): number {
  for (let i = 0; i < 20_000; i++) fn()
  let ops = 0
  const start = performance.now()
  let now = start
  while (now - start < ms) {
    for (let i = 0; i < 1000; i++) fn()
    ops += 1000
    now = performance.now()
  }
  return (ops * 1000) / (now - start)
}

/** A synchronous round trip once the serde has its schema id cached (checked: no promise). */
async function roundTrip<T>(serde: Serde<T>, value: T): Promise<{ run: () => unknown; size: number }> {
  const first = await serde.serialize('trades', value)
  await serde.deserialize('trades', first)
  const run = (): unknown => {
    const bytes = serde.serialize('trades', value)
    if (!(bytes instanceof Buffer)) throw new Error('serialize did not answer synchronously')
    return serde.deserialize('trades', bytes)
  }
  return { run, size: first?.length ?? 0 }
}

const registry = new InMemorySchemaRegistry()
const avro = await roundTrip(serdes.avro<Trade>({ registry, schema: avroSchema }), trade)
const protobuf = await roundTrip(serdes.protobuf<Trade>({ registry, schema: proto, messageName: 'Trade' }), trade)
const jsonSchemaRt = await roundTrip(serdes.jsonSchema<Trade>({ registry, schema: jsonSchema }), trade)
const native = (): unknown => JSON.parse(Buffer.from(JSON.stringify(trade), 'utf8').toString('utf8'))


const results = {
  avro_roundtrip_rps: opsPerSecond(avro.run),
  protobuf_roundtrip_rps: opsPerSecond(protobuf.run),
  json_schema_roundtrip_rps: opsPerSecond(jsonSchemaRt.run),
  json_native_rps: opsPerSecond(native),
}

console.log(`record: 10 fields; framed bytes: Avro ${avro.size}, Protobuf ${protobuf.size}, JSON Schema ${jsonSchemaRt.size}; plain JSON ${Buffer.byteLength(JSON.stringify(trade))}`)
for (const [name, rps] of Object.entries(results)) {
  console.log(`${name.padEnd(26)} ${fmt(rps).padStart(12)} round trips/s  (${fmt(rps / results.json_native_rps, 2)}x JSON)`)
}
report('serdes', results)
