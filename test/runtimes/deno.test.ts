// The conformance suite under Deno (from the `deno` npm package), against the built dist/.
//
// Permissions: none. `deno run --no-prompt` with no --allow-* flag: the runner and the suite reach dist/ through
// static imports, which Deno loads without --allow-read; the provider is an injected fetch, so no --allow-net;
// and the SDK reads no environment variable (no --allow-env). --no-prompt makes any access the SDK might one day
// attempt fail the run instead of waiting for an answer.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { CASE_COUNT } from '../conformance/suite.ts'
import { requireBuild, root, summary } from './built.ts'

const run = promisify(execFile)

describe('conformance: Deno', () => {
  it(`passes all ${CASE_COUNT} cases against dist/ with no permissions`, { timeout: 60_000 }, async () => {
    requireBuild()
    const { stdout } = await run(
      `${root}node_modules/.bin/deno`,
      ['run', '--no-prompt', 'test/runtimes/deno-runner.ts'],
      {
        cwd: root,
        timeout: 60_000,
        env: { ...process.env, NO_COLOR: '1' },
      },
    ).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`deno exited with failure: ${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`)
    })
    const version = stdout.trim().split('\n').at(-1) ?? ''
    console.log(version)
    expect(stdout.split('\n').filter((line) => line.startsWith('FAIL'))).toEqual([])
    expect(summary(stdout)).toEqual({ passed: CASE_COUNT, failed: 0 })
    expect(version).toMatch(/^deno 2\.\d+\.\d+ .*: \d+ passed, 0 failed$/)
  })
})
