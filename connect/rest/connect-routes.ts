/**
 * The routes of Kafka Connect's REST API over a `Herder` (Kafka's `RootResource`,
 * `ConnectorsResource`, `ConnectorPluginsResource`): paths, query parameters, bodies and status
 * codes as Kafka answers them. Each handler returns the body or throws; errors become
 * `{error_code, message}` in the server's error handler.
 *
 * Status codes: POST /connectors 201 (with `Location`), PUT …/config 201 when it created the
 * connector and 200 when it updated it, PUT …/pause|resume|stop 202, POST …/restart 202 with
 * the restart plan when `includeTasks` or `onlyFailed` is set and 204 otherwise, POST
 * …/tasks/{id}/restart 204, DELETE /connectors/{name} 204, everything else 200.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ConnectorOffset, Herder } from '../runtime/herder.ts'
import type { TargetState } from '../runtime/worker-connector.ts'
import { RestError } from './rest-errors.ts'

type Params = Record<string, string>

const params = (request: FastifyRequest): Params => request.params as Params

function objectBody(body: unknown, what: string): Record<string, unknown> {
  if (body === null || body === undefined || typeof body !== 'object' || Array.isArray(body)) {
    throw new RestError(400, `${what} must be a JSON object`)
  }
  return body as Record<string, unknown>
}

function taskId(params: Params): number {
  const raw = params.task
  const id = Number(raw)
  if (!/^\d+$/.test(raw ?? '') || !Number.isSafeInteger(id)) throw new RestError(404, `Task ${raw} not found: task ids are integers ≥ 0`)
  return id
}

/** A boolean query parameter (`?includeTasks=true`); absent is false. */
function flag(query: unknown, name: string): boolean {
  const value = (query as Record<string, unknown> | undefined)?.[name]
  const text = Array.isArray(value) ? String(value.at(-1)) : value === undefined ? 'false' : String(value)
  if (text === 'true' || text === '') return text === 'true'
  if (text === 'false') return false
  throw new RestError(400, `Query parameter ${name} must be true or false, got '${text}'`)
}

function expansions(query: unknown): string[] {
  const value = (query as Record<string, unknown> | undefined)?.expand
  if (value === undefined) return []
  return (Array.isArray(value) ? value : [value]).map(String)
}

function offsetsBody(body: unknown): ConnectorOffset[] {
  const offsets = objectBody(body, 'The offsets request').offsets
  if (!Array.isArray(offsets)) throw new RestError(400, 'The offsets request must be {"offsets": [{"partition": {...}, "offset": {...} | null}]}')
  return offsets.map((entry, i) => {
    const e = objectBody(entry, `offsets[${i}]`)
    if (e.partition === null || typeof e.partition !== 'object' || Array.isArray(e.partition)) throw new RestError(400, `offsets[${i}].partition must be an object`)
    if (e.offset !== null && (typeof e.offset !== 'object' || Array.isArray(e.offset))) throw new RestError(400, `offsets[${i}].offset must be an object or null`)
    return { partition: e.partition, offset: e.offset } as ConnectorOffset
  })
}

const INITIAL_STATES: readonly string[] = ['RUNNING', 'PAUSED', 'STOPPED']

export function registerConnectRoutes(app: FastifyInstance, herder: Herder): void {
  app.get('/', async () => herder.serverInfo())

  app.get('/health', async () => ({ status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' }))

  // ----------------------------------------------------------------------- connectors

  app.get('/connectors', async (request) => {
    const names = await herder.connectors()
    const expand = expansions(request.query)
    if (expand.length === 0) return names
    const out: Record<string, Record<string, unknown>> = {}
    for (const name of names) {
      const entry: Record<string, unknown> = {}
      try {
        if (expand.includes('status')) entry.status = await herder.connectorStatus(name)
        if (expand.includes('info')) entry.info = await herder.connectorInfo(name)
      } catch {
        continue // deleted meanwhile
      }
      out[name] = entry
    }
    return out
  })

  app.post('/connectors', async (request, reply) => {
    const body = objectBody(request.body, 'The body of POST /connectors')
    const config = body.config === undefined ? undefined : objectBody(body.config, 'config')
    const name = typeof body.name === 'string' ? body.name.trim() : typeof config?.name === 'string' ? config.name.trim() : ''
    if (name === '') throw new RestError(400, 'Connector name is missing: POST /connectors takes {"name": "...", "config": {...}}')
    if (config === undefined) throw new RestError(400, `Connector config of ${name} is missing: POST /connectors takes {"name": "...", "config": {...}}`)
    if (config.name !== undefined && String(config.name) !== name) {
      throw new RestError(400, `Connector name configuration (${String(config.name)}) doesn't match connector name in the URL (${name})`)
    }
    const initial = body.initial_state ?? 'RUNNING'
    if (typeof initial !== 'string' || !INITIAL_STATES.includes(initial)) {
      throw new RestError(400, `initial_state is ${JSON.stringify(initial)}; expected RUNNING, PAUSED or STOPPED`)
    }
    const info = await herder.createConnector(name, config, initial as TargetState)
    reply.code(201).header('location', `/connectors/${encodeURIComponent(name)}`)
    return info
  })

  app.get('/connectors/:name', async (request) => herder.connectorInfo(params(request).name))

  app.get('/connectors/:name/config', async (request) => herder.connectorConfig(params(request).name))

  app.put('/connectors/:name/config', async (request, reply) => {
    const { name } = params(request)
    const config = objectBody(request.body, `The config of connector ${name}`)
    if (config.name !== undefined && String(config.name) !== name) {
      throw new RestError(400, `Connector name configuration (${String(config.name)}) doesn't match connector name in the URL (${name})`)
    }
    const { created, info } = await herder.putConnectorConfig(name, { ...config, name })
    if (created) reply.code(201).header('location', `/connectors/${encodeURIComponent(name)}`)
    return info
  })

  app.patch('/connectors/:name/config', async (request) => {
    const { name } = params(request)
    const patch = objectBody(request.body, `The config patch of connector ${name}`)
    if (patch.name !== undefined && patch.name !== null && String(patch.name) !== name) {
      throw new RestError(400, `Connector name configuration (${String(patch.name)}) doesn't match connector name in the URL (${name})`)
    }
    return herder.patchConnectorConfig(name, patch)
  })

  app.get('/connectors/:name/status', async (request) => herder.connectorStatus(params(request).name))

  app.get('/connectors/:name/tasks', async (request) => herder.taskConfigs(params(request).name))

  app.get('/connectors/:name/tasks/:task/status', async (request) => herder.taskStatus(params(request).name, taskId(params(request))))

  app.post('/connectors/:name/tasks/:task/restart', async (request, reply) => {
    await herder.restartTask(params(request).name, taskId(params(request)))
    return noContent(reply)
  })

  app.post('/connectors/:name/restart', async (request, reply) => {
    const includeTasks = flag(request.query, 'includeTasks')
    const onlyFailed = flag(request.query, 'onlyFailed')
    const plan = await herder.restartConnector(params(request).name, { includeTasks, onlyFailed })
    if (plan === null) return noContent(reply)
    reply.code(202)
    return plan
  })

  for (const action of ['pause', 'resume', 'stop'] as const) {
    app.put(`/connectors/:name/${action}`, async (request, reply) => {
      const { name } = params(request)
      if (action === 'pause') await herder.pauseConnector(name)
      else if (action === 'resume') await herder.resumeConnector(name)
      else await herder.stopConnector(name)
      return reply.code(202).send()
    })
  }

  app.delete('/connectors/:name', async (request, reply) => {
    await herder.deleteConnector(params(request).name)
    return noContent(reply)
  })

  app.get('/connectors/:name/offsets', async (request) => herder.connectorOffsets(params(request).name))

  app.patch('/connectors/:name/offsets', async (request) => {
    await herder.alterConnectorOffsets(params(request).name, offsetsBody(request.body))
    return { message: 'The offsets for this connector have been altered successfully' }
  })

  app.delete('/connectors/:name/offsets', async (request) => {
    await herder.resetConnectorOffsets(params(request).name)
    return { message: 'The offsets for this connector have been reset successfully' }
  })

  // ----------------------------------------------------------------------- plugins

  app.get('/connector-plugins', async () => herder.plugins())

  app.get('/connector-plugins/:plugin/config', async (request) => herder.pluginConfig(params(request).plugin))

  app.put('/connector-plugins/:plugin/config/validate', async (request) =>
    herder.validateConfig(params(request).plugin, objectBody(request.body, 'The config to validate')))
}

function noContent(reply: FastifyReply): FastifyReply {
  return reply.code(204).send()
}
