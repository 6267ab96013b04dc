// The shared scenario (test/msw3/scenario.ts) under Node (in-process), Bun and Deno (child processes running
// the TypeScript sources directly with msw's setupServer).
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { setupServer } from 'msw/node'
import { describe, expect, it } from 'vitest'
import { runSharedScenario, SCENARIO_CHECKS } from './runtimes/shared.ts'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../', import.meta.url))
const runner = 'test/mock-idp/runtimes/msw-node.ts'

describe('runtimes', () => {
  it('Node: the scenario passes in-process', async () => {
    const server = setupServer()
    try {
      const { passed, failures } = await runSharedScenario((handlers) => {
        server.use(...handlers)
        server.listen({ onUnhandledRequest: 'error' })
      })
      expect(failures).toEqual([])
      expect(passed).toBe(SCENARIO_CHECKS)
    } finally {
      server.close()
    }
  })

  it('Bun: the scenario passes under setupServer', async () => {
    const { stdout } = await run(`${root}node_modules/.bin/bun`, [runner], { cwd: root })
    expect(stdout.trim()).toBe(`ok ${SCENARIO_CHECKS} checks`)
  })

  // Deno needs no read or net permission (modules load without them, MSW answers in-process);
  // only the environment variables msw's logger and interceptors read.
  it('Deno: the scenario passes under setupServer with only --allow-env=DEBUG,LOG_LEVEL,NODE_ENV', async () => {
    const { stdout } = await run(
      `${root}node_modules/.bin/deno`,
      ['run', '--no-prompt', '--allow-env=DEBUG,LOG_LEVEL,NODE_ENV', runner],
      { cwd: root },
    )
    expect(stdout.trim()).toBe(`ok ${SCENARIO_CHECKS} checks`)
  })

  it('the scenario fails when the handlers are not served', async () => {
    const server = setupServer()
    server.listen({ onUnhandledRequest: 'error' })
    try {
      await expect(runSharedScenario(() => undefined)).rejects.toThrow()
    } finally {
      server.close()
    }
  })
})
