/**
 * Reading the REST API's inputs as Confluent Schema Registry does: path versions, boolean query
 * parameters, and the JSON bodies of register, lookup, compatibility, config and mode requests.
 * A body of the wrong shape is a 422 (`error_code` 422, Jackson's mapping error in Confluent); a
 * missing schema is 42201; a bad version 42202. Fields Creek does not use (`metadata`,
 * `ruleSet`, `normalize`…) are accepted and ignored.
 */
import type { SchemaReference, SchemaType } from '../schema-registry-client.ts'
import { registryErrors } from './registry-errors.ts'
import type { SchemaRequest } from './prepared-schema.ts'
import type { VersionSelector } from './schema-registry-admin.ts'

const INT32_MAX = 2 ** 31 - 1

/** A path version: `latest`, `-1` (latest) or 1..2^31-1; anything else is 42202. */
export function parseVersion(text: string): VersionSelector {
  if (text === 'latest' || text === '-1') return 'latest'
  if (/^\d{1,10}$/.test(text)) {
    const version = Number(text)
    if (version >= 1 && version <= INT32_MAX) return version
  }
  throw registryErrors.invalidVersion(text)
}

/** A path schema id, or undefined when it is not one (the caller answers 40403). */
export function parseId(text: string): number | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined
  const id = Number(text)
  return id >= 1 && id <= INT32_MAX ? id : undefined
}

/** A boolean query parameter (`true`, any case); absent is false. */
export function flag(query: unknown, name: string): boolean {
  const value = (query as Record<string, unknown> | undefined)?.[name]
  return typeof value === 'string' && value.toLowerCase() === 'true'
}

/** A string query parameter, or undefined. */
export function stringParam(query: unknown, name: string): string | undefined {
  const value = (query as Record<string, unknown> | undefined)?.[name]
  return typeof value === 'string' ? value : undefined
}

function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) throw registryErrors.unprocessable('The request needs a JSON body')
  if (typeof body !== 'object' || Array.isArray(body)) throw registryErrors.unprocessable('The request body must be a JSON object')
  return body as Record<string, unknown>
}

function optionalInt(body: Record<string, unknown>, name: string): number | undefined {
  const value = body[name]
  if (value === undefined || value === null) return undefined
  if (!Number.isSafeInteger(value)) throw registryErrors.unprocessable(`Field "${name}" must be an integer, got ${JSON.stringify(value)}`)
  return value as number
}

function references(value: unknown): SchemaReference[] | undefined {
  if (value === undefined || value === null) return undefined
  if (!Array.isArray(value)) throw registryErrors.unprocessable('Field "references" must be an array of {name, subject, version}')
  return value.map((r: unknown, i) => {
    const ref = r as Record<string, unknown> | null
    if (typeof ref !== 'object' || ref === null || typeof ref.name !== 'string' || typeof ref.subject !== 'string' || !Number.isSafeInteger(ref.version)) {
      throw registryErrors.unprocessable(`references[${i}] must be {name: string, subject: string, version: integer}, got ${JSON.stringify(r)}`)
    }
    return { name: ref.name, subject: ref.subject, version: ref.version as number }
  })
}

/** The body of register, lookup and compatibility requests. */
export function schemaRequest(body: unknown): SchemaRequest {
  const b = objectBody(body)
  const { schema, schemaType } = b
  if (schema === undefined || schema === null || schema === '') throw registryErrors.invalidSchema('Empty schema')
  if (typeof schema !== 'string') throw registryErrors.unprocessable(`Field "schema" must be a string holding the schema text, got ${typeof schema}`)
  if (schemaType !== undefined && schemaType !== null && typeof schemaType !== 'string') {
    throw registryErrors.unprocessable(`Field "schemaType" must be a string, got ${JSON.stringify(schemaType)}`)
  }
  return {
    schema,
    schemaType: (typeof schemaType === 'string' ? schemaType.toUpperCase() : undefined) as SchemaType | undefined,
    references: references(b.references),
    id: optionalInt(b, 'id'),
    version: optionalInt(b, 'version'),
  }
}

/** The compatibility level of a PUT /config body (`compatibility`, or `compatibilityLevel`). */
export function configRequest(body: unknown): unknown {
  const b = objectBody(body)
  return b.compatibility ?? b.compatibilityLevel
}

/** The mode of a PUT /mode body. */
export function modeRequest(body: unknown): unknown {
  return objectBody(body).mode
}
