/**
 * AlterConfigs: replaces the whole override set of each TOPIC resource with the configs given
 * (a key with a null value, like a key not given, reverts to its default). The new set is
 * validated as a whole (INVALID_CONFIG with the validator's message) and persisted by the log
 * manager, which also hands the new config to the topic's open logs. `validateOnly` changes
 * nothing. BROKER resources: see `alterEachResource` (only an empty set, which clears dynamic
 * configs Creek never has, succeeds).
 */
import { AlterConfigs } from '../../protocol/apis/alter-configs.ts'
import { alterEachResource, overridesFromAlterRequest, validateTopicOverrides } from '../config-changes.ts'
import { defineHandler } from '../handler.ts'
import { requireTopic } from '../topic-admin.ts'

export const alterConfigsHandler = defineHandler(AlterConfigs, async (broker, request) => ({
  throttleTimeMs: 0,
  responses: alterEachResource(
    broker,
    request.resources,
    'AlterConfigs',
    (resource) => {
      const topic = requireTopic(broker, resource.resourceName)
      const overrides = validateTopicOverrides(broker, overridesFromAlterRequest(resource.configs))
      if (request.validateOnly) return
      broker.logs.alterTopicConfig(topic.name, overrides)
      broker.logger.info(`Replaced the config overrides of topic '${topic.name}'`, { topic: topic.name, configs: overrides })
    },
    (resource) => resource.configs.length === 0,
  ),
}))
