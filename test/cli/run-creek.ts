import { spawn } from 'node:child_process'
import { join } from 'node:path'

export interface CreekRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const BIN = join(process.cwd(), 'bin', 'creek.js')

/**
 * Runs `node bin/creek.js ...args` with `input` on stdin; resolves when it exits. `env` replaces
 * the environment (default: this process's, without CREEK_BOOTSTRAP, so that a developer's
 * setting cannot change what the tests reach).
 */
export function runCreek(args: readonly string[], input = '', env: NodeJS.ProcessEnv = cleanEnv()): Promise<CreekRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(input)
  })
}

/** This process's environment without CREEK_BOOTSTRAP, plus `extra`. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra }
  if (!('CREEK_BOOTSTRAP' in extra)) delete env.CREEK_BOOTSTRAP
  return env
}
