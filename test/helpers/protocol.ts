import { expect } from 'vitest'
import { type Fields, type MessageSchema, type SchemaType, fieldDefault } from '../../core/protocol/schema.ts'
import { decodeMessage, encodeMessage } from '../../core/protocol/schema-codec.ts'
import { inVersionRange, parseVersionRange } from '../../core/protocol/version-range.ts'

export const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex')

/**
 * What a value should decode to at `version`: fields the version lacks replaced by defaults.
 * Written independently of the codec (a plain walk over the schema) to check it.
 */
export function projectToVersion(type: SchemaType, version: number, value: any): any {
  if (value === null) return null
  if (type.kind === 'array') return value.map((item: unknown) => projectToVersion(type.items, version, item))
  if (type.kind !== 'struct') return value
  const out: Record<string, unknown> = {}
  for (const [key, field] of Object.entries(type.fields as Fields)) {
    out[key] = inVersionRange(field.versions, version) ? projectToVersion(field.type, version, value[key]) : fieldDefault(field)
  }
  return out
}

/** Every valid version: decode(encode(value)) equals the projection, and re-encoding is stable. */
export function expectRoundTripAllVersions(schema: MessageSchema, value: (version: number) => any): number {
  const { min, max } = parseVersionRange(schema.validVersions)
  let checked = 0
  for (let version = min; version <= max; version++) {
    const input = value(version)
    const encoded = encodeMessage(schema, version, input)
    const decoded = decodeMessage(schema, version, encoded)
    expect(decoded, `${schema.name} v${version}`).toEqual(projectToVersion(schema, version, input))
    expect(encodeMessage(schema, version, decoded).equals(encoded), `${schema.name} v${version} re-encoding`).toBe(true)
    checked++
  }
  return checked
}
