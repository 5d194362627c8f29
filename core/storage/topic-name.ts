/**
 * Kafka's topic naming rules. Names become directory names (`<topic>-<partition>`), so the
 * check is also what keeps a topic name from escaping the data directory.
 */
import { CoreError } from '../errors.ts'

export const MAX_TOPIC_NAME_LENGTH = 249
const LEGAL = /^[a-zA-Z0-9._-]+$/

/** Throws CORE_INVALID_TOPIC with the rule that `name` breaks. */
export function validateTopicName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new CoreError('CORE_INVALID_TOPIC', 'Topic name must be a non-empty string')
  }
  if (name === '.' || name === '..') throw new CoreError('CORE_INVALID_TOPIC', `Topic name cannot be '${name}'`)
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    throw new CoreError('CORE_INVALID_TOPIC', `Topic name '${name.slice(0, 40)}…' is ${name.length} characters; the limit is ${MAX_TOPIC_NAME_LENGTH}`)
  }
  if (!LEGAL.test(name)) {
    throw new CoreError('CORE_INVALID_TOPIC', `Topic name '${name}' contains characters other than ASCII letters, digits, '.', '_' and '-'`)
  }
}

/** True if two names collide in metric names, as Kafka warns ('.' and '_' are interchangeable). */
export function topicNamesCollide(a: string, b: string): boolean {
  return a !== b && a.replaceAll('.', '_') === b.replaceAll('.', '_')
}
