/**
 * The REST routes of Confluent Schema Registry's API over a `RegistryService`: paths, query
 * parameters and response bodies as Confluent serves them (see the server's module comment for
 * content types and errors). Each handler returns the body (an object, or a string sent as it
 * is for the raw `/schema` endpoints) or throws a `RegistryError`.
 *
 * Response shapes: a schema version is `{subject, version, id, schemaType?, references?, schema}`
 * and a schema by id `{schema, schemaType?, references?}`, `schemaType` omitted for AVRO and
 * `references` when empty, as Confluent's JSON omits defaults.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { SCHEMA_TYPES } from './canonical-schema.ts'
import { registryErrors } from './registry-errors.ts'
import { configRequest, flag, modeRequest, parseId, parseVersion, schemaRequest, stringParam } from './registry-requests.ts'
import type { RegistryService } from './registry-service.ts'
import type { SchemaVersion } from './registry-state.ts'

type Params = Record<string, string>

/** `{schema, schemaType?, references?}` */
function schemaBody(version: SchemaVersion): Record<string, unknown> {
  const body: Record<string, unknown> = { schema: version.schema }
  if (version.schemaType !== 'AVRO') body.schemaType = version.schemaType
  if (version.references.length > 0) body.references = version.references
  return body
}

/** `{subject, version, id, schemaType?, references?, schema}` */
function versionBody(version: SchemaVersion): Record<string, unknown> {
  const body: Record<string, unknown> = { subject: version.subject, version: version.version, id: version.id }
  if (version.schemaType !== 'AVRO') body.schemaType = version.schemaType
  if (version.references.length > 0) body.references = version.references
  body.schema = version.schema
  return body
}

function idOf(params: Params): number {
  const id = parseId(params.id)
  if (id === undefined) throw registryErrors.schemaIdNotFound(params.id)
  return id
}

export function registerRoutes(app: FastifyInstance, service: RegistryService): void {
  const params = (request: FastifyRequest): Params => request.params as Params

  app.get('/', async () => ({}))

  // ----------------------------------------------------------------------- schemas

  app.get('/schemas/types', async () => [...SCHEMA_TYPES])

  app.get('/schemas', async (request) => service.schemas({
    subjectPrefix: stringParam(request.query, 'subjectPrefix'),
    deleted: flag(request.query, 'deleted'),
    latestOnly: flag(request.query, 'latestOnly'),
  }).map(versionBody))

  app.get('/schemas/ids/:id', async (request) => schemaBody(await service.getById(idOf(params(request)))))

  app.get('/schemas/ids/:id/schema', async (request) => (await service.getById(idOf(params(request)))).schema)

  app.get('/schemas/ids/:id/subjects', async (request) => {
    const versions = await service.versionsOfId(idOf(params(request)), { deleted: flag(request.query, 'deleted') })
    return [...new Set(versions.map((v) => v.subject))]
  })

  app.get('/schemas/ids/:id/versions', async (request) =>
    service.versionsOfId(idOf(params(request)), { deleted: flag(request.query, 'deleted') }))

  // ----------------------------------------------------------------------- subjects

  app.get('/subjects', async (request) => {
    const subjectPrefix = stringParam(request.query, 'subjectPrefix')
    if (flag(request.query, 'deletedOnly')) {
      const live = new Set(service.subjects({ subjectPrefix }))
      return service.subjects({ subjectPrefix, deleted: true }).filter((s) => !live.has(s))
    }
    return service.subjects({ subjectPrefix, deleted: flag(request.query, 'deleted') })
  })

  app.post('/subjects/:subject', async (request) => {
    const found = await service.lookup(params(request).subject, schemaRequest(request.body), { deleted: flag(request.query, 'deleted') })
    return versionBody(found)
  })

  app.delete('/subjects/:subject', async (request) =>
    service.deleteSubject(params(request).subject, { permanent: flag(request.query, 'permanent') }))

  app.get('/subjects/:subject/versions', async (request) => {
    const { subject } = params(request)
    if (flag(request.query, 'deletedOnly')) {
      const all = await service.versions(subject, { deleted: true })
      const live = new Set(await service.versions(subject).catch(() => [] as number[]))
      return all.filter((v) => !live.has(v))
    }
    return service.versions(subject, { deleted: flag(request.query, 'deleted') })
  })

  app.post('/subjects/:subject/versions', async (request) => {
    const { id } = await service.register(params(request).subject, schemaRequest(request.body))
    return { id }
  })

  app.get('/subjects/:subject/versions/:version', async (request) => {
    const { subject, version } = params(request)
    return versionBody(await service.getVersion(subject, parseVersion(version), { deleted: flag(request.query, 'deleted') }))
  })

  app.get('/subjects/:subject/versions/:version/schema', async (request) => {
    const { subject, version } = params(request)
    return (await service.getVersion(subject, parseVersion(version), { deleted: flag(request.query, 'deleted') })).schema
  })

  app.get('/subjects/:subject/versions/:version/referencedby', async (request) => {
    const { subject, version } = params(request)
    return service.referencedBy(subject, parseVersion(version))
  })

  app.delete('/subjects/:subject/versions/:version', async (request) => {
    const { subject, version } = params(request)
    return service.deleteVersion(subject, parseVersion(version), { permanent: flag(request.query, 'permanent') })
  })

  // ----------------------------------------------------------------------- compatibility

  const compatibility = async (request: FastifyRequest, version: ReturnType<typeof parseVersion> | 'all'): Promise<Record<string, unknown>> => {
    const check = await service.testCompatibility(params(request).subject, schemaRequest(request.body), version)
    return flag(request.query, 'verbose') ? { is_compatible: check.isCompatible, messages: check.messages } : { is_compatible: check.isCompatible }
  }
  app.post('/compatibility/subjects/:subject/versions/:version', async (request) => compatibility(request, parseVersion(params(request).version)))
  app.post('/compatibility/subjects/:subject/versions', async (request) => compatibility(request, 'all'))

  // ----------------------------------------------------------------------- config and mode

  app.get('/config', async () => ({ compatibilityLevel: service.getConfig(null) }))
  app.put('/config', async (request) => ({ compatibility: await service.setConfig(null, configRequest(request.body)) }))
  app.delete('/config', async () => ({ compatibilityLevel: await service.deleteConfig(null) }))
  app.get('/config/:subject', async (request) =>
    ({ compatibilityLevel: service.getConfig(params(request).subject, { defaultToGlobal: flag(request.query, 'defaultToGlobal') }) }))
  app.put('/config/:subject', async (request) =>
    ({ compatibility: await service.setConfig(params(request).subject, configRequest(request.body)) }))
  app.delete('/config/:subject', async (request) => ({ compatibilityLevel: await service.deleteConfig(params(request).subject) }))

  app.get('/mode', async () => ({ mode: service.getMode(null) }))
  app.put('/mode', async (request) => ({ mode: await service.setMode(null, modeRequest(request.body), { force: flag(request.query, 'force') }) }))
  app.delete('/mode', async () => ({ mode: await service.deleteMode(null) }))
  app.get('/mode/:subject', async (request) =>
    ({ mode: service.getMode(params(request).subject, { defaultToGlobal: flag(request.query, 'defaultToGlobal') }) }))
  app.put('/mode/:subject', async (request) =>
    ({ mode: await service.setMode(params(request).subject, modeRequest(request.body), { force: flag(request.query, 'force') }) }))
  app.delete('/mode/:subject', async (request) => ({ mode: await service.deleteMode(params(request).subject) }))
}
