/**
 * `serdes`: the factories, one namespace to import.
 *
 * ```ts
 * import { serdes } from './serdes/index.ts'
 * const producer = creek.producer({ key: serdes.string(), value: serdes.avro<Payment>({ registry, schema }) })
 * ```
 */
import { avroSerde } from './avro-serde.ts'
import { jsonSchemaSerde } from './json-schema-serde.ts'
import { jsonSerde } from './json-serde.ts'
import {
  bytesSerde, float64Serde, int32Serde, int64Serde, stringSerde, uuidSerde, voidSerde,
} from './primitive-serdes.ts'
import { protobufSerde } from './protobuf-serde.ts'

export const serdes = Object.freeze({
  string: stringSerde,
  int32: int32Serde,
  int64: int64Serde,
  float64: float64Serde,
  bytes: bytesSerde,
  uuid: uuidSerde,
  void: voidSerde,
  json: jsonSerde,
  jsonSchema: jsonSchemaSerde,
  avro: avroSerde,
  protobuf: protobufSerde,
})
