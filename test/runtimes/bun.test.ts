// The conformance suite under Bun (from the `bun` npm package), against the built dist/.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { CASE_COUNT } from '../conformance/suite.ts'
import { requireBuild, root, summary } from './built.ts'

const run = promisify(execFile)

describe('conformance: Bun', () => {
  it(`passes all ${CASE_COUNT} cases against dist/`, { timeout: 60_000 }, async () => {
    requireBuild()
    const { stdout } = await run(`${root}node_modules/.bin/bun`, ['run', 'test/runtimes/bun-runner.ts'], {
      cwd: root,
      timeout: 60_000,
      env: { ...process.env, NO_COLOR: '1' },
    }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`bun exited with failure: ${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`)
    })
    const version = stdout.trim().split('\n').at(-1) ?? ''
    console.log(version)
    expect(stdout.split('\n').filter((line) => line.startsWith('FAIL'))).toEqual([])
    expect(summary(stdout)).toEqual({ passed: CASE_COUNT, failed: 0 })
    expect(version).toMatch(/^bun 1\.\d+\.\d+ .*: \d+ passed, 0 failed$/)
  })
})
