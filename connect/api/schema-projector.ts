/**
 * `projectValue`: reads a value written with one schema as a value of a newer (or older)
 * compatible schema (Kafka's `SchemaProjector`, used by sinks on schema evolution).
 *
 * Rules: same type (or a numeric widening INT8 → INT16 → INT32 → INT64 → FLOAT32 → FLOAT64), same
 * name and parameters; struct fields are matched by name, a target field missing from the source
 * takes its default (or null when optional), source fields the target lacks are dropped; a null
 * for a required target takes the target's default. Anything else throws CONNECT_DATA naming the
 * path.
 */
import { ConnectError } from '../errors.ts'
import type { Schema, SchemaType } from './schema.ts'
import { Struct } from './struct.ts'
import { describeSchema, fieldOf, isStruct, parametersEqual } from './values.ts'

const NUMERIC_ORDER: readonly SchemaType[] = ['INT8', 'INT16', 'INT32', 'INT64', 'FLOAT32', 'FLOAT64']

function cannot(path: string, source: Schema, target: Schema, why: string): ConnectError {
  return new ConnectError('CONNECT_DATA', `Cannot project ${path} from ${describeSchema(source)} to ${describeSchema(target)}: ${why}`)
}

export function projectValue(source: Schema, target: Schema, value: unknown, path = 'value'): unknown {
  if (value === null || value === undefined) {
    if (target.defaultValue !== undefined) return target.defaultValue
    if (target.optional) return null
    throw cannot(path, source, target, 'the value is null and the target is required without a default')
  }
  if (source.name !== target.name) throw cannot(path, source, target, 'the schema names differ')
  if (!parametersEqual(source.parameters, target.parameters)) throw cannot(path, source, target, 'the schema parameters differ')
  if (source.type !== target.type) {
    const from = NUMERIC_ORDER.indexOf(source.type)
    const to = NUMERIC_ORDER.indexOf(target.type)
    if (from < 0 || to < from || source.name !== undefined) throw cannot(path, source, target, 'the types are not compatible')
    return target.type === 'INT64' || typeof value !== 'bigint' ? value : Number(value)
  }
  switch (target.type) {
    case 'STRUCT': {
      if (!isStruct(value)) throw cannot(path, source, target, 'the value is not a Struct')
      const out = new Struct(target)
      for (const field of target.fields ?? []) {
        const from = fieldOf(source, field.name)
        if (from === undefined) {
          if (field.schema.defaultValue !== undefined) out.put(field.name, field.schema.defaultValue)
          else if (!field.schema.optional) throw cannot(`${path}.${field.name}`, source, target, 'the required field is missing from the source and has no default')
          continue
        }
        out.put(field.name, projectValue(from.schema, field.schema, value.getWithoutDefault(field.name), `${path}.${field.name}`))
      }
      return out
    }
    case 'ARRAY':
      return (value as unknown[]).map((v, i) => projectValue(source.valueSchema!, target.valueSchema!, v, `${path}[${i}]`))
    case 'MAP': {
      const out = new Map<unknown, unknown>()
      for (const [k, v] of value as Map<unknown, unknown>) {
        out.set(projectValue(source.keySchema!, target.keySchema!, k, `${path}.<key>`), projectValue(source.valueSchema!, target.valueSchema!, v, `${path}[${String(k)}]`))
      }
      return out
    }
    default:
      return value
  }
}
