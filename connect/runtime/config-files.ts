/**
 * Worker and connector config files as `connect-standalone` reads them: Java `.properties`
 * files, or JSON (a flat object of keys, or for connectors the body of `POST /connectors`:
 * `{ name, config, initial_state? }`).
 *
 * `.properties` follows `java.util.Properties.load`: `#` and `!` comment lines, `key=value`,
 * `key: value` or `key value`, whitespace around the separator ignored, a trailing `\` continues
 * the line, escapes `\t \n \r \f \\ \uXXXX` (any other escaped character stands for itself).
 */
import { readFileSync } from 'node:fs'
import { ConnectError } from '../errors.ts'

export function parseProperties(text: string): Record<string, string> {
  const props: Record<string, string> = {}
  const physical = text.split(/\r\n|\r|\n/)
  for (let i = 0; i < physical.length; i++) {
    let line = physical[i].replace(/^[ \t\f]+/, '')
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue
    while (endsWithContinuation(line) && i + 1 < physical.length) {
      line = line.slice(0, -1) + physical[++i].replace(/^[ \t\f]+/, '')
    }
    if (endsWithContinuation(line)) line = line.slice(0, -1)
    let k = 0
    while (k < line.length && !'=: \t\f'.includes(line[k])) k += line[k] === '\\' ? 2 : 1
    const key = unescape(line.slice(0, k))
    let rest = line.slice(k).replace(/^[ \t\f]+/, '')
    if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).replace(/^[ \t\f]+/, '')
    props[key] = unescape(rest)
  }
  return props
}

function endsWithContinuation(line: string): boolean {
  let backslashes = 0
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) backslashes++
  return backslashes % 2 === 1
}

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16))
    return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[c] ?? c
  })
}

/** A config file: `.json` as JSON, anything else as `.properties`. */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new ConnectError('CONNECT_INVALID_CONFIG', `Cannot read the config file ${path}: ${(error as Error).message}`, { cause: error })
  }
  if (!path.toLowerCase().endsWith('.json')) return parseProperties(text)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new ConnectError('CONNECT_INVALID_CONFIG', `The config file ${path} is not valid JSON: ${(error as Error).message}`, { cause: error })
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConnectError('CONNECT_INVALID_CONFIG', `The config file ${path} must hold a JSON object`)
  }
  return parsed as Record<string, unknown>
}
