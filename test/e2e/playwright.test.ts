// Runs the Playwright suites under `npm test`, against the built package (dist/) in Debian's Chromium:
// - test/e2e/playwright.config.ts: the fixture with a SPA (personas, login_hint, prompt=none, faults,
//   rotation, the clock) and the CLI's login page;
// - docs/examples/playwright/playwright.config.mjs: the guide's recipes, the Vite SPA
//   (docs/examples/playwright/vite-spa.spec.mjs) and the server-rendered app
//   (docs/examples/playwright/server-app.mjs, docs/examples/playwright/server-app.spec.mjs).
// Each run's JSON report is read back: every expected test ran and passed.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { dist, root, run } from '../docs/helpers.ts'
import { CHROMIUM } from '../../scripts/browsers.mjs'

vi.setConfig({ testTimeout: 300_000 })

let tmp: string

beforeAll(() => {
  for (const file of ['index.js', 'mock-idp-cli.js', 'mock-idp-playwright.js']) {
    expect(() => readFileSync(`${dist}${file}`), `dist/${file}: build first (npx rollup -c)`).not.toThrow()
  }
  tmp = mkdtempSync(`${tmpdir()}/idtoken-verify-e2e-`)
})

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as { port: number }
  await new Promise((resolve) => probe.close(resolve))
  return port
}

interface Report {
  stats: { expected: number; unexpected: number; skipped: number; flaky: number }
  suites: Suite[]
}
interface Suite {
  file: string
  suites?: Suite[]
  specs: { title: string; ok: boolean; tests: { results: { status: string }[] }[] }[]
}

/** `file › title` of every test of a report, with whether it passed. */
function outcomes(report: Report): Record<string, boolean> {
  const out: Record<string, boolean> = {}
  const walk = (suite: Suite): void => {
    for (const spec of suite.specs)
      out[`${suite.file} › ${spec.title}`] = spec.ok && spec.tests.every((t) => t.results.at(-1)?.status === 'passed')
    for (const child of suite.suites ?? []) walk(child)
  }
  for (const suite of report.suites) walk(suite)
  return out
}

async function playwright(config: string, env: Record<string, string>): Promise<Record<string, boolean>> {
  const name = config.replace(/\W+/g, '-')
  const reportFile = `${tmp}/${name}.json`
  const { code, stdout, stderr } = await run(
    process.execPath,
    [
      `${root}node_modules/@playwright/test/cli.js`,
      'test',
      '-c',
      config,
      '--reporter=json',
      '--output',
      `${tmp}/${name}-results`,
    ],
    {
      cwd: root,
      env: { ...env, PLAYWRIGHT_JSON_OUTPUT_FILE: reportFile, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
      timeout: 280_000,
    },
  )
  let report: Report
  try {
    report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report
  } catch {
    throw new Error(`playwright wrote no report (exit ${code}):\n${stdout}\n${stderr}`)
  }
  const results = outcomes(report)
  expect(
    { code, failed: Object.keys(results).filter((key) => !results[key]), skipped: report.stats.skipped },
    stderr,
  ).toEqual({ code: 0, failed: [], skipped: 0 })
  return results
}

describe('the Playwright fixture (idtoken-verify/mock-idp/playwright) in Chromium', () => {
  it('test/e2e: a SPA signing in by redirect, personas, faults, rotation, the clock; the CLI login page', async () => {
    const results = await playwright('test/e2e/playwright.config.ts', { E2E_SPA_PORT: String(await freePort()) })
    expect(Object.keys(results).sort()).toEqual(
      [
        'login-page.spec.mjs › pick a persona on the login page, with edited claims',
        'login-page.spec.mjs › the login page runs no script and cannot be framed',
        'spa.spec.mjs › a failing network for the token endpoint reaches the page as a failed fetch',
        'spa.spec.mjs › a key set that answers 503: the page reports ERR_JWKS_UNAVAILABLE',
        "spa.spec.mjs › each test gets a fresh provider, with the worker's keys",
        'spa.spec.mjs › login_hint=bob signs bob in',
        'spa.spec.mjs › prompt=none with nobody signed in comes back with error=login_required',
        "spa.spec.mjs › signInAs: the page shows the persona's claims, verified in the page",
        'spa.spec.mjs › rotation: the token is signed by the new key, the page verifies it',
        'spa.spec.mjs › the clock: a provider two hours behind issues tokens the page finds expired',
      ].sort(),
    )
  })

  it('docs/examples/playwright: the Vite SPA and the server-rendered app recipes', async () => {
    const [vite, app, idp] = [await freePort(), await freePort(), await freePort()]
    const results = await playwright('docs/examples/playwright/playwright.config.mjs', {
      VITE_PORT: String(vite),
      APP_PORT: String(app),
      IDP_PORT: String(idp),
      APP_URL: `http://127.0.0.1:${app}`,
      CHROMIUM,
    })
    expect(Object.keys(results).sort()).toEqual([
      'server-app.spec.mjs › login_hint picks bob',
      'server-app.spec.mjs › prompt=none with nobody signed in: login_required',
      'server-app.spec.mjs › the server verifies the ID token of the persona signed in',
      'vite-spa.spec.mjs › a key set that answers 503 shows in the app',
      'vite-spa.spec.mjs › signs in by redirect and verifies the ID token in the page',
    ])
  })

  it('without @playwright/test, importing the fixture is one line naming the package to install', async () => {
    // The built package alone in a project with nothing else installed.
    const project = `${tmp}/bare`
    mkdirSync(`${project}/node_modules/idtoken-verify`, { recursive: true })
    cpSync(dist, `${project}/node_modules/idtoken-verify/dist`, { recursive: true })
    cpSync(`${root}package.json`, `${project}/node_modules/idtoken-verify/package.json`)
    writeFileSync(`${project}/check.mjs`, "await import('idtoken-verify/mock-idp/playwright')\n")
    const { code, stderr } = await run(process.execPath, ['check.mjs'], { cwd: project })
    expect(code).toBe(1)
    // Node frames an uncaught error in lines of its own; the error itself is the message, with no stack.
    expect(stderr).toContain(
      'idtoken-verify/mock-idp/playwright needs @playwright/test (an optional peer dependency), which is not installed: npm install --save-dev @playwright/test',
    )
    expect(stderr).not.toMatch(/^\s+at /m)
    expect(stderr).not.toMatch(/MODULE_NOT_FOUND/)
  })
})
