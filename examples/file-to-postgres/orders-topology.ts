/**
 * The Streams step of the file-to-postgres pipeline:
 *
 *   orders-raw    lines of a CSV file, as the file source wrote them (string values, no key)
 *     → parse     `id,customer,amount,ordered_at` (a header line and blank lines are skipped;
 *                 a malformed line goes to `orders-rejected` as `<reason>: <line>`)
 *     → orders    key: the order id; value: Kafka Connect's JSON envelope `{schema, payload}`,
 *                 which the JDBC sink's JsonConverter (schemas.enable=true) turns into a Struct
 *
 * The value schema makes `ordered_at` a Connect Timestamp (a `timestamptz` column when the sink
 * creates the table) and `amount` a float64.
 */
import { serdes } from '../../serdes/index.ts'
import { Consumed, Produced, StreamsBuilder, type Topology } from '../../streams/index.ts'

export const RAW_TOPIC = 'orders-raw'
export const ORDERS_TOPIC = 'orders'
export const REJECTED_TOPIC = 'orders-rejected'
export const APPLICATION_ID = 'file-to-postgres'

export interface Order {
  readonly id: string
  readonly customer: string
  readonly amount: number
  /** ms since the epoch. */
  readonly orderedAt: number
}

/** The Connect schema of an order in Kafka's JsonConverter envelope form. */
export const ORDER_SCHEMA = Object.freeze({
  type: 'struct',
  name: 'orders.Order',
  optional: false,
  fields: [
    { field: 'id', type: 'string', optional: false },
    { field: 'customer', type: 'string', optional: false },
    { field: 'amount', type: 'double', optional: false },
    { field: 'ordered_at', type: 'int64', optional: false, name: 'org.apache.kafka.connect.data.Timestamp', version: 1 },
  ],
})

/** An order, or the reason the line is not one; null for lines that carry no order (header, blank). */
export function parseOrder(line: string): Order | { error: string } | null {
  const text = line.trim()
  if (text === '' || text.startsWith('#') || text.toLowerCase().startsWith('id,')) return null
  const fields = text.split(',').map((f) => f.trim())
  if (fields.length !== 4) return { error: `expected 4 fields (id,customer,amount,ordered_at), got ${fields.length}` }
  const [id, customer, amountText, orderedAtText] = fields
  if (id === '') return { error: 'the id is empty' }
  const amount = Number(amountText)
  if (amountText === '' || !Number.isFinite(amount)) return { error: `amount '${amountText}' is not a number` }
  const orderedAt = Date.parse(orderedAtText)
  if (Number.isNaN(orderedAt)) return { error: `ordered_at '${orderedAtText}' is not an ISO-8601 time` }
  return { id, customer, amount, orderedAt }
}

export function envelope(order: Order): { schema: typeof ORDER_SCHEMA; payload: Record<string, unknown> } {
  return {
    schema: ORDER_SCHEMA,
    payload: { id: order.id, customer: order.customer, amount: order.amount, ordered_at: order.orderedAt },
  }
}

export function ordersTopology(): Topology {
  const builder = new StreamsBuilder()
  const parsed = builder
    .stream(RAW_TOPIC, Consumed.with(serdes.string(), serdes.string()))
    .mapValues((line) => ({ line: line ?? '', result: parseOrder(line ?? '') }))
    .filter((_key, { result }) => result !== null)
  parsed
    .filter((_key, { result }) => !('error' in result!))
    .map((_key, { result }) => {
      const order = result as Order
      return { key: order.id, value: envelope(order) }
    })
    .to(ORDERS_TOPIC, Produced.with(serdes.string(), serdes.json<ReturnType<typeof envelope>>()))
  parsed
    .filter((_key, { result }) => 'error' in result!)
    .mapValues(({ line, result }) => `${(result as { error: string }).error}: ${line}`)
    .to(REJECTED_TOPIC, Produced.with(serdes.string(), serdes.string()))
  return builder.build()
}
