/**
 * IncrementalAlterConfigs: applies SET, DELETE, APPEND and SUBTRACT operations to the current
 * overrides of each TOPIC resource, then validates the resulting set as a whole and persists it
 * (see config-changes.ts). One operation per key (INVALID_REQUEST otherwise); APPEND and
 * SUBTRACT only on list keys (INVALID_CONFIG otherwise). `validateOnly` changes nothing.
 * BROKER resources: only DELETE operations succeed (there are no dynamic broker configs to
 * delete); anything else is INVALID_REQUEST.
 */
import { ConfigOperation, IncrementalAlterConfigs } from '../../protocol/apis/incremental-alter-configs.ts'
import { alterEachResource, applyConfigOperations, validateTopicOverrides } from '../config-changes.ts'
import { defineHandler } from '../handler.ts'
import { requireTopic } from '../topic-admin.ts'

export const incrementalAlterConfigsHandler = defineHandler(IncrementalAlterConfigs, async (broker, request) => ({
  throttleTimeMs: 0,
  responses: alterEachResource(
    broker,
    request.resources,
    'IncrementalAlterConfigs',
    (resource) => {
      const topic = requireTopic(broker, resource.resourceName)
      const overrides = validateTopicOverrides(broker, applyConfigOperations(broker, topic.configs, resource.configs))
      if (request.validateOnly) return
      broker.logs.alterTopicConfig(topic.name, overrides)
      broker.logger.info(`Altered the config overrides of topic '${topic.name}'`, { topic: topic.name, configs: overrides })
    },
    (resource) => resource.configs.every((config) => config.configOperation === ConfigOperation.DELETE),
  ),
}))
