/**
 * Validation of state store names and changelog configs, shared by every store builder.
 *
 * Store names must be stable (they name directories and topics that must survive a restart)
 * and made of the characters of a topic name: letters, digits, '.', '_' and '-'.
 */
import { StreamsError } from '../errors.ts'

/** Kafka's limit on topic names (249) minus `-changelog` and room for an application id prefix. */
const MAX_STORE_NAME_LENGTH = 200
const STORE_NAME = /^[a-zA-Z0-9._-]+$/

export function validateStoreName(name: unknown): string {
  if (typeof name !== 'string' || !STORE_NAME.test(name) || name.length > MAX_STORE_NAME_LENGTH) {
    throw new StreamsError(
      'STREAMS_INVALID_CONFIG',
      `Invalid state store name: ${JSON.stringify(name)}; expected 1 to ${MAX_STORE_NAME_LENGTH} letters, digits, '.', '_' or '-' ` +
        '(the name is part of the changelog topic and of the state directory)',
    )
  }
  return name
}

export function validateTopicConfig(storeName: string, config: unknown): Record<string, string> {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new StreamsError('STREAMS_INVALID_CONFIG', `Invalid changelog config for store "${storeName}": expected an object of topic configs (string values)`)
  }
  for (const [key, value] of Object.entries(config)) {
    if (typeof value !== 'string') {
      throw new StreamsError('STREAMS_INVALID_CONFIG', `Invalid changelog config for store "${storeName}": ${key} is ${typeof value}; topic config values are strings`)
    }
  }
  return { ...(config as Record<string, string>) }
}
