import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, onTestFinished } from 'vitest'

/**
 * A fresh temporary directory, removed when the current test finishes (called inside a test),
 * or after each test of the suite (called in a hook or at collection time).
 */
export function tempDir(prefix = 'creek-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const remove = () => rmSync(dir, { recursive: true, force: true })
  try {
    onTestFinished(remove)
  } catch {
    afterEach(remove)
  }
  return dir
}
