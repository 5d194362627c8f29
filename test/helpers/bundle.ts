import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'
import { afterAll } from 'vitest'

/**
 * Bundles a TypeScript entry point into one ESM file so a test can start it as a plain `node`
 * child process in ~50 ms (tsx would compile it again on every start). npm packages stay
 * external and load from node_modules as usual.
 */
export async function bundleForChild(entry: string): Promise<string> {
  // Inside the repository, so that the bundle resolves npm packages from node_modules.
  const cache = join(process.cwd(), 'node_modules', '.cache', 'creek-test')
  mkdirSync(cache, { recursive: true })
  const dir = mkdtempSync(join(cache, 'child-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const outfile = join(dir, 'child.mjs')
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
    absWorkingDir: process.cwd(),
  })
  return outfile
}
