/**
 * `npm run bench -- <name>`: runs bench/<name>.ts. Each benchmark prints its figures beside a
 * ceiling or a peer measured in the same run, and ends with one line of JSON:
 * `{"bench":"<name>","metrics":{...}}`.
 */
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
const name = process.argv[2]
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join('|')}>`)
  process.exit(2)
}
await import(pathToFileURL(join(here, `${name}.ts`)).href)
