/**
 * Names of changelog topics (Kafka Streams' convention): `<applicationId>-<storeName>-changelog`.
 * Topologies use the relative form `<storeName>-changelog` (see topology/subtopology.ts) and
 * the runtime prefixes the application id. Typed stores also pass the full name to their serdes
 * as the "topic", as Kafka Streams does, so that schema-registry subjects follow the changelog.
 */

const CHANGELOG_SUFFIX = '-changelog'

export function changelogTopicName(applicationId: string, storeName: string): string {
  return `${applicationId}-${storeName}${CHANGELOG_SUFFIX}`
}

export function relativeChangelogTopicName(storeName: string): string {
  return `${storeName}${CHANGELOG_SUFFIX}`
}
