import { type ChildProcess, spawn } from 'node:child_process'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '..', '..')

export interface CreekProcess {
  readonly port: number
  readonly bootstrap: string
  /** The schema registry's URL (`http://127.0.0.1:<port>`), when started with `registry: true`. */
  readonly registryUrl?: string
  /** The Connect REST API's URL, when started with `connect: true`. */
  readonly connectUrl?: string
  readonly child: ChildProcess
  output(): string
  stop(): Promise<void>
}

export interface StartCreekOptions {
  /**
   * Serve the schema registry too, on a random port (`--registry-port 0`); its URL is then
   * `registryUrl`. Default false (`--no-registry`), so that no test takes port 8081.
   */
  readonly registry?: boolean
  /**
   * Run the Connect worker too, its REST API on a random port (`--connect-port 0`); its URL is
   * then `connectUrl`. Default false (`--no-connect`), so that no test takes port 8083.
   */
  readonly connect?: boolean
}

/**
 * Starts `creek start` as a child process on a random port (`--port 0`) and resolves once it
 * prints the address it listens on. Extra broker properties go in `config`.
 */
export function startCreek(dataDir: string, config: Record<string, string | number> = {}, options: StartCreekOptions = {}): Promise<CreekProcess> {
  const args = [join(ROOT, 'bin', 'creek.js'), 'start', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0']
  args.push(...(options.registry ? ['--registry-port', '0'] : ['--no-registry']))
  args.push(...(options.connect ? ['--connect-port', '0'] : ['--no-connect']))
  for (const [k, v] of Object.entries(config)) args.push('--config', `${k}=${v}`)
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`creek start did not report a port in time:\n${out}`))
    }, 20_000)
    const onData = (chunk: Buffer) => {
      out += chunk.toString()
      const match = /listening on [^\s:]+:(\d+)/i.exec(out)
      // The start-up line names the registry too, once it listens.
      const registry = /schema registry on (http:\/\/[^\s,]+),/.exec(out)
      const connect = /Connect REST API on (http:\/\/[^\s,]+),/.exec(out)
      if (match && (!options.registry || registry) && (!options.connect || connect)) {
        clearTimeout(timer)
        const port = Number(match[1])
        resolvePromise({
          port,
          bootstrap: `127.0.0.1:${port}`,
          registryUrl: registry?.[1],
          connectUrl: connect?.[1],
          child,
          output: () => out,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done()
              const kill = setTimeout(() => child.kill('SIGKILL'), 10_000)
              child.once('exit', () => {
                clearTimeout(kill)
                done()
              })
              child.kill('SIGTERM')
            }),
        })
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`creek start exited with ${code}:\n${out}`))
    })
  })
}
