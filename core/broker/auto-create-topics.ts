/**
 * Automatic topic creation (Kafka's `auto.create.topics.enable`), shared by the Metadata and
 * Produce handlers: a topic a client names but that does not exist is created with the broker's
 * `num.partitions` and default configs.
 *
 * Concurrency rule: creating a topic awaits the opening of its partition logs, during which the
 * topic's metadata already exists but some logs do not. Every creation started here is
 * remembered until it settles; `pendingTopic` returns it, so that callers wait for a topic that
 * is being created instead of seeing it half made or creating it twice.
 */
import { CoreError } from '../errors.ts'
import type { TopicMetadata } from '../storage/log-manager.ts'
import { topicNamesCollide, validateTopicName } from '../storage/topic-name.ts'
import type { BrokerContext } from './handler.ts'

const pendingByBroker = new WeakMap<BrokerContext, Map<string, Promise<TopicMetadata>>>()

function pendingOf(broker: BrokerContext): Map<string, Promise<TopicMetadata>> {
  let pending = pendingByBroker.get(broker)
  if (pending === undefined) pendingByBroker.set(broker, (pending = new Map()))
  return pending
}

/** The creation of `name` started by `autoCreateTopic` that has not settled yet, if any. */
export function pendingTopic(broker: BrokerContext, name: string): Promise<TopicMetadata> | undefined {
  return pendingByBroker.get(broker)?.get(name)
}

/** True when `name` follows Kafka's topic naming rules. */
export function isValidTopicName(name: string | null): name is string {
  try {
    validateTopicName(name)
    return true
  } catch {
    return false
  }
}

/**
 * Creates `name` with the broker's defaults, or returns it if it exists or is being created.
 * The caller has checked that auto-creation is allowed. Throws CORE_INVALID_TOPIC for a name
 * that is illegal or collides with an existing topic ('.' and '_' are interchangeable in
 * Kafka's metric names), and the log manager's errors otherwise.
 */
export function autoCreateTopic(broker: BrokerContext, name: string): Promise<TopicMetadata> {
  const pending = pendingOf(broker)
  const inFlight = pending.get(name)
  if (inFlight !== undefined) return inFlight
  const existing = broker.logs.topic(name)
  if (existing !== undefined) return Promise.resolve(existing)
  const creation = create(broker, name).finally(() => pending.delete(name))
  pending.set(name, creation)
  return creation
}

async function create(broker: BrokerContext, name: string): Promise<TopicMetadata> {
  validateTopicName(name)
  const collision = broker.logs.topics().find((topic) => topicNamesCollide(topic.name, name))
  if (collision !== undefined) {
    throw new CoreError('CORE_INVALID_TOPIC', `Topic '${name}' collides with existing topic '${collision.name}' ('.' and '_' are interchangeable)`)
  }
  try {
    const topic = await broker.logs.createTopic(name, { partitions: broker.config.numPartitions })
    broker.logger.info(`Auto-created topic ${name} with ${topic.partitions} partitions`, { topic: name })
    return topic
  } catch (error) {
    // Created meanwhile by someone else (CreateTopics): use theirs.
    const existing = error instanceof CoreError && error.code === 'CORE_TOPIC_ALREADY_EXISTS' ? broker.logs.topic(name) : undefined
    if (existing !== undefined) return existing
    throw error
  }
}
