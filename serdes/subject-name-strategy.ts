/**
 * Subject name strategies: which registry subject a topic's key or value schema lives under
 * (Confluent's `key.subject.name.strategy` / `value.subject.name.strategy`).
 *
 * | strategy                  | subject                          | one topic may carry          |
 * |---------------------------|----------------------------------|------------------------------|
 * | `topicNameStrategy` (default) | `<topic>-key` / `<topic>-value` | one type, evolving          |
 * | `recordNameStrategy`      | `<record full name>`              | many types; a type's schema is shared across topics |
 * | `topicRecordNameStrategy` | `<topic>-<record full name>`      | many types, per topic        |
 *
 * The record name is the Avro record's full name, the Protobuf message's full name, or the
 * JSON Schema's `title`.
 */
import { SerdesError } from './errors.ts'

export type SubjectNameStrategy = (topic: string, isKey: boolean, recordName: string | undefined) => string

export const topicNameStrategy: SubjectNameStrategy = (topic, isKey) => `${topic}-${isKey ? 'key' : 'value'}`

function requireName(strategy: string, topic: string, isKey: boolean, recordName: string | undefined): string {
  if (recordName === undefined || recordName === '') {
    throw new SerdesError('SERDES_INVALID_CONFIG', `${strategy} needs a record name, but the schema has none (an Avro record, a Protobuf message, or a JSON Schema with a title)`, { topic, isKey })
  }
  return recordName
}

export const recordNameStrategy: SubjectNameStrategy = (topic, isKey, recordName) =>
  requireName('RecordNameStrategy', topic, isKey, recordName)

export const topicRecordNameStrategy: SubjectNameStrategy = (topic, isKey, recordName) =>
  `${topic}-${requireName('TopicRecordNameStrategy', topic, isKey, recordName)}`

export type SubjectNameStrategyName = 'topic' | 'record' | 'topic-record'

const BY_NAME: Record<SubjectNameStrategyName, SubjectNameStrategy> = {
  topic: topicNameStrategy,
  record: recordNameStrategy,
  'topic-record': topicRecordNameStrategy,
}

/** The strategy function for an option value (a name or a function). */
export function resolveSubjectNameStrategy(option: SubjectNameStrategyName | SubjectNameStrategy | undefined): SubjectNameStrategy {
  if (option === undefined) return topicNameStrategy
  if (typeof option === 'function') return option
  const strategy = BY_NAME[option]
  if (strategy === undefined) throw new SerdesError('SERDES_INVALID_CONFIG', `Unknown subject name strategy "${String(option)}"; use topic, record, topic-record or a function`)
  return strategy
}
