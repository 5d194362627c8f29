/**
 * What running one connector instance takes, shared by the standalone worker's connectors
 * (worker-connector.ts) and distributed workers' (distributed/connector-runner.ts): create and
 * initialize it, start it and ask for its task configs (at most `tasks.max`), stop it, and
 * move its state machine to FAILED.
 */
import type { Logger } from '../../core/index.ts'
import type { SinkConnector, SourceConnector } from '../api/connector.ts'
import { ConnectError } from '../errors.ts'
import type { ConnectorConfig } from './connector-config.ts'
import type { ConnectorPlugin } from './plugins.ts'
import { type ConnectorState, type StateMachine, traceOf } from './states.ts'

export type ConnectorInstance = SourceConnector | SinkConnector

/** What the connector may ask of its runner at any time (Kafka's `ConnectorContext`). */
export interface ConnectorCallbacks {
  /** `requestTaskReconfiguration()`: ask `taskConfigs` again. */
  readonly reconfigure: () => void
  /** `raiseError(error)`: the connector failed outside of a call. */
  readonly raiseError: (error: Error) => void
}

/** A new instance of `plugin`, initialized with `callbacks` (not started yet). */
export function createConnector(plugin: ConnectorPlugin, callbacks: ConnectorCallbacks): ConnectorInstance {
  const connector = plugin.create()
  connector.initialize?.({ requestTaskReconfiguration: callbacks.reconfigure, raiseError: callbacks.raiseError })
  return connector
}

/**
 * Starts `connector` with the config's properties and returns its task configs; throws what the
 * connector throws, or CONNECT_TASK_FAILED when it asks for more than `tasks.max` tasks.
 */
export async function startConnector(connector: ConnectorInstance, config: ConnectorConfig): Promise<Record<string, string>[]> {
  await connector.start(config.props)
  const configs = await connector.taskConfigs(config.tasksMax)
  if (configs.length > config.tasksMax) {
    throw new ConnectError('CONNECT_TASK_FAILED', `Connector ${config.name} asked for ${configs.length} tasks, more than tasks.max=${config.tasksMax}`)
  }
  return configs
}

/** Stops `connector`; what its `stop()` throws is logged, not thrown. */
export async function stopConnector(connector: ConnectorInstance, name: string, logger: Logger): Promise<void> {
  try {
    await connector.stop()
  } catch (error) {
    logger.warn(`stop() of connector ${name} threw`, { cause: String(error) })
  }
}

/** Moves the connector's machine to FAILED with `error` (once); an error where FAILED cannot follow is logged. */
export function failConnector(machine: StateMachine<ConnectorState>, name: string, error: unknown, logger: Logger): void {
  if (machine.state === 'FAILED') return
  if (!machine.canTransitionTo('FAILED')) {
    logger.error(`Connector ${name} raised an error in state ${machine.state}`, { trace: traceOf(error) })
    return
  }
  machine.transitionTo('FAILED', error)
}
