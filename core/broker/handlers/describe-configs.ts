/**
 * DescribeConfigs: the configs of TOPIC resources (every topic key, see config-entries.ts) and
 * of the BROKER resource named by this node's id ('' names the cluster-wide dynamic defaults,
 * of which Creek has none). `configurationKeys` null or empty lists every key, else only those
 * (unknown keys are left out, as in Kafka). Synonyms are sent when asked for (v1+), and so is
 * documentation (v3+). Errors are per resource: an illegal topic name INVALID_TOPIC_EXCEPTION,
 * an unknown topic UNKNOWN_TOPIC_OR_PARTITION, another broker id or another resource type
 * INVALID_REQUEST.
 */
import {
  ConfigResourceType, DescribeConfigs, type DescribeConfigsRequest, type DescribeConfigsResponse,
} from '../../protocol/apis/describe-configs.ts'
import { ErrorCode } from '../../protocol/error-codes.ts'
import { AdminError, failureOf } from '../admin-error.ts'
import { type ConfigEntry, brokerConfigEntries, checkBrokerResourceName, topicConfigEntries } from '../config-entries.ts'
import { type BrokerContext, defineHandler } from '../handler.ts'
import { requireTopic } from '../topic-admin.ts'

type DescribeConfigsResource = DescribeConfigsRequest['resources'][number]
type DescribeConfigsResult = DescribeConfigsResponse['results'][number]

function entriesOf(broker: BrokerContext, resource: DescribeConfigsResource): ConfigEntry[] {
  switch (resource.resourceType) {
    case ConfigResourceType.TOPIC: {
      const topic = requireTopic(broker, resource.resourceName)
      return topicConfigEntries(broker.config, broker.logs.defaults, topic.configs)
    }
    case ConfigResourceType.BROKER:
      return checkBrokerResourceName(broker.nodeId, resource.resourceName).clusterDefault ? [] : brokerConfigEntries(broker.config)
    default:
      throw new AdminError(
        ErrorCode.INVALID_REQUEST,
        `Unsupported resource type ${resource.resourceType}: Creek describes TOPIC (2) and BROKER (4) configs`,
      )
  }
}

function describe(broker: BrokerContext, resource: DescribeConfigsResource, request: DescribeConfigsRequest): DescribeConfigsResult {
  const result: DescribeConfigsResult = {
    errorCode: ErrorCode.NONE, errorMessage: null, resourceType: resource.resourceType, resourceName: resource.resourceName, configs: [],
  }
  try {
    const keys = resource.configurationKeys
    const wanted = keys === null || keys.length === 0 ? undefined : new Set(keys)
    result.configs = entriesOf(broker, resource)
      .filter((entry) => wanted === undefined || wanted.has(entry.name))
      .map((entry) => ({
        name: entry.name,
        value: entry.value,
        readOnly: entry.readOnly,
        isDefault: entry.isDefault,
        configSource: entry.source,
        isSensitive: entry.isSensitive,
        synonyms: request.includeSynonyms ? [...entry.synonyms] : [],
        configType: entry.type,
        documentation: request.includeDocumentation ? entry.documentation : null,
      }))
  } catch (error) {
    const failure = failureOf(error, broker.logger, `Describing configs of ${resource.resourceType}:${resource.resourceName}`)
    result.errorCode = failure.errorCode
    result.errorMessage = failure.errorMessage
  }
  return result
}

export const describeConfigsHandler = defineHandler(DescribeConfigs, async (broker, request) => ({
  throttleTimeMs: 0,
  results: request.resources.map((resource) => describe(broker, resource, request)),
}))
