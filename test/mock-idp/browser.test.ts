// Chromium through Playwright: the scenario runs in a page with setupWorker. One browser launch.
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumLaunchOptions } from '../../scripts/browsers.mjs'

const root = fileURLToPath(new URL('../../', import.meta.url))
let browser: Browser
let server: Server
let origin: string

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [`${root}test/mock-idp/runtimes/browser.ts`],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  })
  const files: Record<string, [string, string | Uint8Array]> = {
    '/': [
      'text/html',
      '<!doctype html><meta charset="utf-8"><title>mock idp</title><script type="module" src="/app.js"></script>',
    ],
    '/app.js': ['text/javascript', bundle.outputFiles[0]?.contents ?? ''],
    '/mockServiceWorker.js': ['text/javascript', readFileSync(`${root}node_modules/msw/lib/mockServiceWorker.js`)],
  }
  server = createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://x').pathname]
    if (file === undefined) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': file[0] }).end(file[1])
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  browser = await chromium.launch(chromiumLaunchOptions())
})

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => server?.close(resolve))
})

describe('Chromium with setupWorker', () => {
  it('the scenario passes in the page: every alg verifies with jose, bad tokens fail, rotation, faults, ETag', async () => {
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(origin)
    await page.waitForFunction(() => typeof window.runMockIdpScenario === 'function')
    const checks = await page.evaluate(() => window.runMockIdpScenario())
    expect(checks).toBe(25)
    expect(errors).toEqual([])
    await page.close()
  })
})
