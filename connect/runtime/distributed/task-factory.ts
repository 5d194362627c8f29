/**
 * Builds the runner of one task from its connector's config and its task config (what
 * `WorkerConnector` does for the tasks it owns, for a distributed worker that runs tasks whose
 * connector may run elsewhere): converters (the connector's, else the worker's), the transform
 * chain, error tolerance with a dead-letter reporter for sinks, and the offsets store for sources.
 *
 * The task class comes from a fresh instance of the connector class, never started, as Kafka
 * loads a task class by name.
 */
import type { Creek, Logger } from '../../../core/index.ts'
import type { ConnectorConfig } from '../connector-config.ts'
import { DeadLetterReporter } from '../dead-letter-reporter.ts'
import { type ErrorReporter, ToleranceOperator } from '../error-handler.ts'
import type { SourceOffsetStore } from '../offset-store.ts'
import type { ConnectorPlugin, DataPlugins } from '../plugins.ts'
import { taskConverters } from '../task-converters.ts'
import type { WorkerConfig } from '../worker-config.ts'
import { WorkerSinkTask } from '../worker-sink-task.ts'
import { WorkerSourceTask } from '../worker-source-task.ts'
import type { WorkerTask } from '../worker-task.ts'

export interface TaskFactoryOptions {
  readonly creek: Creek
  readonly data: DataPlugins
  readonly worker: WorkerConfig
  readonly workerId: string
  readonly offsets: SourceOffsetStore
  readonly logger: Logger
}

export interface BuiltTask {
  readonly task: WorkerTask
  /** Closed after the task stops. */
  readonly reporters: readonly DeadLetterReporter[]
}

export function buildTask(options: TaskFactoryOptions, plugin: ConnectorPlugin, config: ConnectorConfig, id: number, taskConfig: Record<string, string>, paused: boolean): BuiltTask {
  const { creek, data, worker, workerId, offsets, logger } = options
  const identity = { connector: config.name, task: id }
  const reporters: DeadLetterReporter[] = []
  if (plugin.kind === 'sink' && config.errors.deadLetterTopic !== '') {
    reporters.push(new DeadLetterReporter({
      creek, topic: config.errors.deadLetterTopic, replicationFactor: config.errors.deadLetterReplicationFactor,
      contextHeaders: config.errors.deadLetterContextHeaders, id: identity, logger,
    }))
  }
  const errorReporters: ErrorReporter[] = reporters
  const common = {
    id, workerId, creek, taskConfig, connectorConfig: config, logger,
    converters: taskConverters(data, worker, config),
    transforms: data.transformChain(config.props),
    errors: (signal: AbortSignal) => new ToleranceOperator(config.errors, errorReporters, logger, identity, signal),
    offsetFlushIntervalMs: worker.offsetFlushIntervalMs,
    paused,
  }
  const connector = plugin.create()
  if (connector.kind === 'source') {
    return { task: new WorkerSourceTask({ ...common, task: connector.taskClass()(), offsets, producerOptions: worker.producer }), reporters }
  }
  return { task: new WorkerSinkTask({ ...common, task: connector.taskClass()(), consumerOptions: worker.consumer }), reporters }
}
