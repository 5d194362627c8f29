/**
 * Config changes requested by CreateTopics, AlterConfigs and IncrementalAlterConfigs: turning
 * request pairs and operations into a topic's new set of overrides, validating that set as a
 * whole, and answering per config resource with Kafka's rules (duplicates, resource types).
 *
 * A topic's overrides are replaced as a whole (`LogManager.alterTopicConfig`): AlterConfigs
 * sends the complete new set; IncrementalAlterConfigs' operations are applied to the current
 * set first. Either way nothing is written unless the resulting set is valid.
 */
import { CoreError } from '../errors.ts'
import { ConfigResourceType } from '../protocol/apis/describe-configs.ts'
import { ConfigOperation } from '../protocol/apis/incremental-alter-configs.ts'
import { ErrorCode } from '../protocol/error-codes.ts'
import { LOG_CONFIG_DEFS, logConfigToEntries, validateLogConfigOverrides } from '../storage/log-config.ts'
import { AdminError, failureOf } from './admin-error.ts'
import { checkBrokerResourceName } from './config-entries.ts'
import type { BrokerContext } from './handler.ts'

export interface ConfigPair {
  readonly name: string
  readonly value: string | null
}

export interface ConfigOperationRequest extends ConfigPair {
  /** A `ConfigOperation` id. */
  readonly configOperation: number
}

export interface ConfigResourceRequest {
  readonly resourceType: number
  readonly resourceName: string
}

/** The per-resource answer of AlterConfigs and IncrementalAlterConfigs. */
export interface ConfigResourceResult {
  errorCode: number
  errorMessage: string | null
  resourceType: number
  resourceName: string
}

const DEFS_BY_KEY = new Map(LOG_CONFIG_DEFS.map((d) => [d.key, d]))

/**
 * Validates a complete set of topic overrides against the broker's topic defaults; returns it
 * normalized (strings, sorted). INVALID_CONFIG with the validator's message otherwise.
 */
export function validateTopicOverrides(broker: BrokerContext, overrides: Readonly<Record<string, string>>): Record<string, string> {
  try {
    return validateLogConfigOverrides(overrides, broker.logs.defaults)
  } catch (error) {
    if (error instanceof CoreError && error.code === 'CORE_INVALID_CONFIG') throw new AdminError(ErrorCode.INVALID_CONFIG, error.message)
    throw error
  }
}

/** CreateTopics' configs as overrides (the last of a repeated key wins); null values are refused. */
export function overridesFromCreateRequest(configs: readonly ConfigPair[]): Record<string, string> {
  const nulls = configs.filter((c) => c.value === null).map((c) => c.name)
  if (nulls.length > 0) throw new AdminError(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${nulls.join(',')}`)
  return Object.fromEntries(configs.map((c) => [c.name, c.value as string]))
}

/** AlterConfigs' configs as the complete new overrides: a null value leaves the key out (reverts it). */
export function overridesFromAlterRequest(configs: readonly ConfigPair[]): Record<string, string> {
  const overrides: Record<string, string> = {}
  for (const { name, value } of configs) {
    if (value === null) delete overrides[name]
    else overrides[name] = value
  }
  return overrides
}

function listOf(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter((item) => item !== '')
}

/**
 * Applies IncrementalAlterConfigs operations to a topic's `current` overrides. APPEND and
 * SUBTRACT work on the key's current list (its override, else the broker default) and apply
 * only to list-type keys. The result still has to be validated as a whole.
 */
export function applyConfigOperations(
  broker: BrokerContext, current: Readonly<Record<string, string>>, operations: readonly ConfigOperationRequest[],
): Record<string, string> {
  const repeated = operations.map((op) => op.name).filter((name, i, names) => names.indexOf(name) !== i)
  if (repeated.length > 0) throw new AdminError(ErrorCode.INVALID_REQUEST, `Config key '${repeated[0]}' appears more than once; give one operation per key`)
  const overrides: Record<string, string> = { ...current }
  let defaults: Map<string, string> | undefined
  const defaultOf = (key: string): string => {
    defaults ??= new Map(logConfigToEntries(broker.logs.defaults).map((e) => [e.key, e.value]))
    return defaults.get(key) ?? ''
  }
  for (const { name, value, configOperation } of operations) {
    const def = DEFS_BY_KEY.get(name)
    if (def === undefined) throw new AdminError(ErrorCode.INVALID_CONFIG, `Unknown topic config '${name}'`)
    if (configOperation === ConfigOperation.DELETE) {
      delete overrides[name]
      continue
    }
    if (value === null) throw new AdminError(ErrorCode.INVALID_REQUEST, `Null value not supported for config '${name}' with operation ${configOperation}`)
    if (configOperation === ConfigOperation.SET) {
      overrides[name] = value
      continue
    }
    if (configOperation !== ConfigOperation.APPEND && configOperation !== ConfigOperation.SUBTRACT) {
      throw new AdminError(ErrorCode.INVALID_REQUEST, `Unknown config operation ${configOperation} for '${name}'; expected SET (0), DELETE (1), APPEND (2) or SUBTRACT (3)`)
    }
    const verb = configOperation === ConfigOperation.APPEND ? 'APPEND' : 'SUBTRACT'
    if (def.type !== 'list') throw new AdminError(ErrorCode.INVALID_CONFIG, `${verb} applies only to list configs; '${name}' is a ${def.type}`)
    const items = listOf(overrides[name] ?? defaultOf(name))
    const given = listOf(value)
    const result = configOperation === ConfigOperation.APPEND
      ? [...items, ...given.filter((item) => !items.includes(item))]
      : items.filter((item) => !given.includes(item))
    overrides[name] = result.join(',')
  }
  return overrides
}

/**
 * Answers each config resource of an alter request once, in request order: a resource named
 * twice gets INVALID_REQUEST; TOPIC resources go to `alterTopic`; BROKER resources (this node
 * or '' for the cluster defaults) succeed only when `isBrokerNoop` says the change leaves
 * nothing to do, since Creek has no dynamic broker configs; other types are INVALID_REQUEST.
 */
export function alterEachResource<R extends ConfigResourceRequest>(
  broker: BrokerContext,
  resources: readonly R[],
  context: string,
  alterTopic: (resource: R) => void,
  isBrokerNoop: (resource: R) => boolean,
): ConfigResourceResult[] {
  const keyOf = (r: ConfigResourceRequest): string => `${r.resourceType}:${r.resourceName}`
  const counts = new Map<string, number>()
  for (const resource of resources) counts.set(keyOf(resource), (counts.get(keyOf(resource)) ?? 0) + 1)
  const answered = new Set<string>()
  const results: ConfigResourceResult[] = []
  for (const resource of resources) {
    const key = keyOf(resource)
    if (answered.has(key)) continue
    answered.add(key)
    const result: ConfigResourceResult = { errorCode: ErrorCode.NONE, errorMessage: null, resourceType: resource.resourceType, resourceName: resource.resourceName }
    try {
      if (counts.get(key)! > 1) throw new AdminError(ErrorCode.INVALID_REQUEST, 'Duplicate resource.')
      if (resource.resourceType === ConfigResourceType.TOPIC) {
        alterTopic(resource)
      } else if (resource.resourceType === ConfigResourceType.BROKER) {
        checkBrokerResourceName(broker.nodeId, resource.resourceName)
        if (!isBrokerNoop(resource)) {
          throw new AdminError(ErrorCode.INVALID_REQUEST, 'Dynamic broker configs are not supported by Creek; set broker keys in the broker config and restart the broker')
        }
      } else {
        throw new AdminError(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${resource.resourceType}: configs can be altered for TOPIC (2) resources`)
      }
    } catch (error) {
      const failure = failureOf(error, broker.logger, `${context} of ${key}`)
      result.errorCode = failure.errorCode
      result.errorMessage = failure.errorMessage
    }
    results.push(result)
  }
  return results
}
