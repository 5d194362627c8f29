import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default is one worker per core minus one: a single worker on a 2-core machine.
    // Most test files wait on child processes, sockets and timers, so two run well side by side.
    maxWorkers: 2,
  },
})
