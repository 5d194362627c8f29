/**
 * Shared pieces of the registry tests: a Creek instance with a registry server on a temp dir,
 * closed after each test, and a plain-`fetch` helper that returns status, content type and the
 * parsed JSON body, as a Confluent client would see them.
 */
import { rmSync } from 'node:fs'
import { afterEach } from 'vitest'
import { Creek } from '../../../core/index.ts'
import { SchemaRegistryServer, type SchemaRegistryServerOptions } from '../../../serdes/index.ts'
import { tempDir } from '../../helpers/temp-dir.ts'

export interface HttpAnswer {
  readonly status: number
  readonly contentType: string | null
  /** Parsed JSON, or the raw text when it is not JSON. */
  readonly body: any
  readonly text: string
}

/** Calls `base + path` with `body` as JSON (content type `contentType`). */
export async function call(base: string, method: string, path: string, body?: unknown, contentType = 'application/vnd.schemaregistry.v1+json'): Promise<HttpAnswer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  })
  const text = await response.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // raw text (a protobuf schema, an empty body)
  }
  return { status: response.status, contentType: response.headers.get('content-type'), body: parsed, text }
}

/** Everything a test opened, closed after it (servers first, then Creek instances). */
export class Cleanup {
  readonly #closers: (() => Promise<void>)[] = []

  add<T extends { close(): Promise<void> }>(closeable: T): T {
    this.#closers.push(() => closeable.close())
    return closeable
  }

  /**
   * A temp dir (test/helpers/temp-dir.ts), removed once everything added after it is closed
   * (closers run in reverse order). The helper's own afterEach does not run when it is called
   * inside a test, hence this.
   */
  dir(prefix = 'creek-registry-'): string {
    const dir = tempDir(prefix)
    this.#closers.push(async () => rmSync(dir, { recursive: true, force: true }))
    return dir
  }

  async run(): Promise<void> {
    const closers = this.#closers.splice(0).reverse()
    for (const close of closers) await close().catch(() => undefined)
  }
}

/** A cleanup list run after each test of the calling file. */
export function cleanupAfterEach(): Cleanup {
  const cleanup = new Cleanup()
  afterEach(() => cleanup.run())
  return cleanup
}

/** A fresh Creek (on a temp dir) with a registry server on 127.0.0.1:0. */
export async function startRegistry(cleanup: Cleanup, options: Partial<SchemaRegistryServerOptions> = {}): Promise<{ creek: Creek; server: SchemaRegistryServer; dataDir: string; sr: (method: string, path: string, body?: unknown, contentType?: string) => Promise<HttpAnswer> }> {
  const dataDir = cleanup.dir()
  const creek = cleanup.add(await Creek.open({ dataDir }))
  const server = cleanup.add(await SchemaRegistryServer.start({ creek, host: '127.0.0.1', port: 0, ...options }))
  return { creek, server, dataDir, sr: (method, path, body, contentType) => call(server.url, method, path, body, contentType) }
}

export const avro = (schema: unknown): { schema: string } => ({ schema: typeof schema === 'string' ? schema : JSON.stringify(schema) })

export const record = (name: string, fields: readonly { name: string; type: unknown; default?: unknown }[], namespace?: string): Record<string, unknown> =>
  namespace === undefined ? { type: 'record', name, fields } : { type: 'record', name, namespace, fields }
