/**
 * Several registry nodes on one broker: registrations racing through different nodes get
 * distinct ids (an identical schema one id), every subject's versions stay contiguous, and the
 * nodes converge on the same state.
 */
import { describe, expect, it } from 'vitest'
import { Creek } from '../../../core/index.ts'
import { SchemaRegistryServer } from '../../../serdes/index.ts'
import { avro, call, cleanupAfterEach, record } from './registry-test-kit.ts'

const cleanup = cleanupAfterEach()

/** Subjects, versions and ids as a node serves them. */
async function view(url: string): Promise<Record<string, unknown>> {
  const subjects: string[] = (await call(url, 'GET', '/subjects?deleted=true')).body
  const out: Record<string, unknown> = { config: (await call(url, 'GET', '/config')).body }
  for (const subject of subjects) {
    const versions: number[] = (await call(url, 'GET', `/subjects/${subject}/versions?deleted=true`)).body
    out[subject] = await Promise.all(versions.map(async (v) => (await call(url, 'GET', `/subjects/${subject}/versions/${v}?deleted=true`)).body))
  }
  return out
}

async function converge(urls: readonly string[], timeoutMs = 10_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const views = await Promise.all(urls.map(view))
    if (views.every((v) => JSON.stringify(v) === JSON.stringify(views[0])) || Date.now() > deadline) {
      for (const v of views.slice(1)) expect(v).toEqual(views[0])
      return views[0]
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const schema = (name: string): { schema: string } => avro(record(name, [{ name: 'id', type: 'string' }], 'race'))

describe('registry nodes on one broker', () => {
  it('give distinct ids to schemas registered concurrently and converge on one state', async () => {
    const creek = cleanup.add(await Creek.open({ dataDir: cleanup.dir() }))
    const { port } = await creek.listen({ host: '127.0.0.1', port: 0 })
    const remote = cleanup.add(Creek.connect({ bootstrap: `127.0.0.1:${port}` }))
    const a = cleanup.add(await SchemaRegistryServer.start({ creek, host: '127.0.0.1', port: 0 }))
    const b = cleanup.add(await SchemaRegistryServer.start({ creek, host: '127.0.0.1', port: 0 }))
    const c = cleanup.add(await SchemaRegistryServer.start({ creek: remote, host: '127.0.0.1', port: 0 }))
    const nodes = [a, b, c]
    // NONE: the racing schemas need not be compatible with each other.
    expect((await call(a.url, 'PUT', '/config', { compatibility: 'NONE' })).status).toBe(200)

    const jobs: Promise<{ name: string; id: number }>[] = []
    for (const [n, node] of nodes.entries()) {
      for (let i = 0; i < 8; i++) {
        const name = `N${n}S${i}`
        const subject = i % 2 === 0 ? 'shared' : `own-${n}`
        jobs.push(call(node.url, 'POST', `/subjects/${subject}/versions`, schema(name)).then((answer) => {
          expect(answer.status, answer.text).toBe(200)
          return { name, id: answer.body.id as number }
        }))
      }
      // The same schema through every node, in a subject of its own: one id.
      jobs.push(call(node.url, 'POST', `/subjects/common-${n}/versions`, schema('Common')).then((answer) => {
        expect(answer.status, answer.text).toBe(200)
        return { name: 'Common', id: answer.body.id as number }
      }))
    }
    const results = await Promise.all(jobs)
    const idOf = new Map<string, Set<number>>()
    for (const { name, id } of results) idOf.set(name, (idOf.get(name) ?? new Set()).add(id))
    for (const [name, ids] of idOf) expect(ids.size, name).toBe(1)
    const distinct = new Set(results.map((r) => r.id))
    expect(distinct.size).toBe(idOf.size) // 24 own schemas + Common
    expect(idOf.size).toBe(25)

    const state = await converge(nodes.map((n) => n.url))
    expect(state.config).toEqual({ compatibilityLevel: 'NONE' })
    const shared = state.shared as { version: number; id: number }[]
    expect(shared.map((v) => v.version)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1))
    expect(new Set(shared.map((v) => v.id)).size).toBe(12)
    for (const node of nodes) {
      for (const { name, id } of results) expect((await call(node.url, 'GET', `/schemas/ids/${id}`)).body.schema).toContain(`"name":"${name}"`)
    }
  })

  it('keep registering after one node deletes and another re-registers', async () => {
    const creek = cleanup.add(await Creek.open({ dataDir: cleanup.dir() }))
    const a = cleanup.add(await SchemaRegistryServer.start({ creek, host: '127.0.0.1', port: 0 }))
    const b = cleanup.add(await SchemaRegistryServer.start({ creek, host: '127.0.0.1', port: 0 }))
    expect((await call(a.url, 'POST', '/subjects/s/versions', schema('One'))).body).toEqual({ id: 1 })
    // b syncs before writing: it sees a's version and deletes it.
    expect((await call(b.url, 'DELETE', '/subjects/s')).body).toEqual([1])
    expect((await call(b.url, 'DELETE', '/subjects/s?permanent=true')).body).toEqual([1])
    expect((await call(a.url, 'POST', '/subjects/s/versions', schema('Two'))).body).toEqual({ id: 2 })
    expect((await call(b.url, 'GET', '/subjects/s/versions')).body).toEqual([2])
    await converge([a.url, b.url])
  })
})
