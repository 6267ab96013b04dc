// Playwright runs of the mock IdP's fixture (idtoken-verify/mock-idp/playwright, from the built dist/)
// in Debian's Chromium: a SPA served by a tiny static server, and the CLI server with its login page.
// test/e2e/playwright.test.ts runs this under vitest with free ports; the defaults serve a manual run:
//   npx playwright test -c test/e2e/playwright.config.ts
import { tmpdir } from 'node:os'
import { defineConfig } from '@playwright/test'
import { chromiumLaunchOptions } from '../../scripts/browsers.mjs'

const spaPort = Number(process.env.E2E_SPA_PORT ?? 4301)

export default defineConfig({
  testDir: 'specs',
  testMatch: '*.spec.mjs',
  // Two shared cores: one worker; the suites are small.
  workers: 1,
  retries: 0,
  timeout: 30_000,
  forbidOnly: true,
  reporter: 'list',
  outputDir: `${tmpdir()}/idtoken-verify-e2e-results`,
  use: {
    baseURL: `http://127.0.0.1:${spaPort}`,
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions(),
    trace: 'off',
  },
  webServer: {
    command: 'node apps/serve.mjs',
    env: { PORT: String(spaPort) },
    url: `http://127.0.0.1:${spaPort}/spa/`,
    reuseExistingServer: false,
    stdout: 'ignore',
  },
})
