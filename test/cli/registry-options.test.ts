import { describe, expect, it } from 'vitest'
import { CliError } from '../../cli/cli-error.ts'
import { DEFAULT_REGISTRY, registryFailure, resolveRegistry } from '../../cli/registry-options.ts'
import { RegistryError, SerdesError } from '../../serdes/index.ts'

describe('resolveRegistry', () => {
  it('takes --registry, else $CREEK_REGISTRY, else http://localhost:8081', () => {
    expect(DEFAULT_REGISTRY).toBe('http://localhost:8081')
    expect(resolveRegistry({}, {})).toEqual({ url: DEFAULT_REGISTRY, source: 'default' })
    expect(resolveRegistry({}, { CREEK_REGISTRY: ' http://sr:8081 ' })).toEqual({ url: 'http://sr:8081', source: 'env' })
    expect(resolveRegistry({ registry: 'http://a:1' }, { CREEK_REGISTRY: 'http://sr:8081' })).toEqual({ url: 'http://a:1', source: 'option' })
    expect(() => resolveRegistry({ registry: ' ' }, {})).toThrow(CliError)
  })
})

describe('registryFailure', () => {
  const target = { url: 'http://localhost:8081', source: 'default' } as const

  it('reports a registry that cannot be reached as one line naming it', () => {
    const unreachable = new SerdesError('SERDES_REGISTRY_UNAVAILABLE', 'Schema registry GET http://localhost:8081/subjects failed: fetch failed')
    const error = registryFailure(unreachable, target)
    expect(error).toBeInstanceOf(CliError)
    expect((error as Error).message).toBe("cannot reach the schema registry at http://localhost:8081 (the default; is 'creek start' running with its registry? use --registry URL or $CREEK_REGISTRY)")
  })

  it('keeps the errors the registry answered with (their Confluent code), and any other error', () => {
    const failed = new RegistryError(50001, 'store error', {}, { retriable: true })
    expect(registryFailure(failed, target)).toBe(failed)
    const notFound = new RegistryError(40401, "Subject 'x' not found.")
    expect(registryFailure(notFound, target)).toBe(notFound)
    const other = new Error('boom')
    expect(registryFailure(other, target)).toBe(other)
  })
})
