// The browser examples of the guides in Chromium (playwright-core), one browser launch:
// - spa-cdn.html, as written: it imports the SDK from the jsDelivr URL and signs in at
//   https://login.example.com. Playwright answers the CDN URL from dist/ (through a static server on
//   127.0.0.1 that maps the CDN path to dist/) and login.example.com from the mock IdP server, so the
//   page runs unchanged: authorize redirect, PKCE, token request, verification in the page.
// - vite-spa/, built by the installed vite with its .env, then the same sign-in.
// - testing/browser-entry.mjs, bundled by esbuild, with MSW's service worker answering the page.
import { readFileSync } from 'node:fs'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, normalize } from 'node:path'
import { build } from 'esbuild'
import { chromium, type Browser, type BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { MockIdp, MockIdpServer } from '../../mock-idp/server.ts'
import { bin, CLIENT_ID, dist, examples, loadMockIdpServer, requireBuild, root, run } from './helpers.ts'
import { chromiumLaunchOptions } from '../../scripts/browsers.mjs'

const CDN = 'https://cdn.jsdelivr.net/npm/idtoken-verify/'
const ISSUER = 'https://login.example.com'

declare global {
  interface Window {
    mockIdp: MockIdp
    signIn(idToken: string): Promise<string>
  }
}

// Child processes and a browser on two shared cores: generous limits, so load does not fail a test.
vi.setConfig({ testTimeout: 60_000 })

let browser: Browser
let idpServer: MockIdpServer
let staticServer: Server
let origin: string
let tmp: string
let browserEntry: Uint8Array
const cdnRequests: string[] = []

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
}

/** Serves `prefix` + path from `directory`, refusing to leave it. */
function fromDirectory(prefix: string, directory: string, path: string): string | undefined {
  if (!path.startsWith(prefix)) return undefined
  const file = normalize(`${directory}/${path.slice(prefix.length)}`)
  return file.startsWith(normalize(directory)) ? file : undefined
}

beforeAll(async () => {
  requireBuild()
  tmp = mkdtempSync(`${tmpdir()}/idtoken-verify-docs-browser-`)
  const { startMockIdpServer } = await loadMockIdpServer()
  const [server, viteBuild, entry] = await Promise.all([
    // The provider the pages know as https://login.example.com.
    startMockIdpServer({ issuer: ISSUER, clientId: CLIENT_ID }),
    run(
      `${bin}vite`,
      [
        'build',
        `${examples}vite-spa`,
        '--outDir',
        `${tmp}/vite`,
        '--emptyOutDir',
        '--base',
        './',
        '--logLevel',
        'warn',
      ],
      { cwd: root },
    ),
    build({
      entryPoints: [`${examples}testing/browser-entry.mjs`],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    }),
    chromium.launch(chromiumLaunchOptions()).then((launched) => (browser = launched)),
  ])
  idpServer = server
  expect(viteBuild.code, viteBuild.stderr).toBe(0)
  browserEntry = entry.outputFiles[0]!.contents

  staticServer = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    let body: string | Uint8Array | undefined
    try {
      if (path === '/spa-cdn.html') body = readFileSync(`${examples}spa-cdn.html`)
      else if (path === '/testing/')
        body =
          '<!doctype html><meta charset="utf-8"><title>app under test</title><script type="module" src="/testing/app.js"></script>'
      else if (path === '/testing/app.js') body = browserEntry
      else if (path === '/mockServiceWorker.js') body = readFileSync(`${root}node_modules/msw/lib/mockServiceWorker.js`)
      else {
        // The CDN's path layout (/npm/<package>/<file>) mapped onto the built package.
        const file =
          fromDirectory('/npm/idtoken-verify/dist/', dist, path) ?? fromDirectory('/vite/', `${tmp}/vite`, path)
        if (file !== undefined) body = readFileSync(file)
      }
    } catch {
      body = undefined
    }
    if (body === undefined) {
      res.writeHead(404).end()
      return
    }
    const type = path.endsWith('/') ? 'text/html' : (TYPES[extname(path)] ?? 'application/octet-stream')
    res.writeHead(200, { 'content-type': type }).end(body)
  })
  await new Promise<void>((resolve) => staticServer.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(staticServer.address() as AddressInfo).port}`
})

afterAll(async () => {
  await browser?.close()
  await idpServer?.close()
  await new Promise((resolve) => staticServer?.close(resolve))
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

/** A browser profile in which the CDN and the provider's host are answered locally. */
async function signInContext(): Promise<BrowserContext> {
  const context = await browser.newContext()
  await context.route(`${CDN}**`, async (route) => {
    const url = new URL(route.request().url())
    cdnRequests.push(url.pathname)
    await route.fulfill({ response: await route.fetch({ url: `${origin}${url.pathname}` }) })
  })
  await context.route(`${ISSUER}/**`, async (route) => {
    const url = new URL(route.request().url())
    // Redirects (the authorization endpoint's) go back to the browser, which follows them itself.
    await route.fulfill({
      response: await route.fetch({ url: `${idpServer.url}${url.pathname}${url.search}`, maxRedirects: 0 }),
    })
  })
  return context
}

/** Clicks "Sign in" on `path`: authorize at the provider, back with a code, tokens, verification. */
async function signIn(path: string): Promise<{ result: string | null; errors: string[] }> {
  const context = await signInContext()
  try {
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(`${origin}${path}`)
    await page.locator('#sign-in').click()
    await page.waitForFunction(() => (document.getElementById('result')?.textContent ?? '') !== '', undefined, {
      timeout: 30_000,
    })
    expect(new URL(page.url()).search).toBe('') // the callback's code and state are gone from the address bar
    return { result: await page.textContent('#result'), errors }
  } finally {
    await context.close()
  }
}

describe('browser examples in Chromium', () => {
  it('spa-cdn.html signs in with the SDK from the CDN URL and verifies the ID token in the page', async () => {
    const { idp } = idpServer
    idp.reset()
    idp.setUser({ sub: 'alice', claims: { name: 'Alice' } })
    const { result, errors } = await signIn('/spa-cdn.html')
    expect(errors).toEqual([])
    expect(result).toBe('Signed in as alice')
    expect(cdnRequests).toContain('/npm/idtoken-verify/dist/index.js')
    expect(idp.requestCount('authorize')).toBe(1)
    expect(idp.requestCount('token')).toBe(1)
    expect(idp.requestCount('jwks')).toBe(1)
  })

  it('spa-cdn.html shows the error code when the ID token does not verify', async () => {
    const { idp } = idpServer
    idp.reset()
    // The provider publishes an empty key set: no key can verify the token it issues.
    idp.setFault('jwks', { body: { keys: [] } })
    const { result, errors } = await signIn('/spa-cdn.html')
    expect(errors).toEqual([])
    expect(result).toBe('Sign-in failed: ERR_KEY_NOT_FOUND')
  })

  it('vite-spa/main.js (built by vite with index.html, oauth.js and .env) signs in and verifies', async () => {
    const { idp } = idpServer
    idp.reset()
    idp.setUser({ sub: 'bob', claims: {} })
    const { result, errors } = await signIn('/vite/index.html')
    expect(errors).toEqual([])
    expect(result).toBe('Signed in as bob')
    expect(idp.requestCount('token')).toBe(1)
  })

  it("testing/browser-entry.mjs: MSW's service worker answers the page, the verifier accepts its tokens", async () => {
    const context = await browser.newContext()
    try {
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      await page.goto(`${origin}/testing/`)
      await page.waitForFunction(() => window.mockIdp !== undefined && typeof window.signIn === 'function')
      const sub = await page.evaluate(async () => window.signIn(await window.mockIdp.mintIdToken({ sub: 'carol' })))
      expect(sub).toBe('carol')
      const rejected = await page.evaluate(async () => {
        const bad = await window.mockIdp.mintBadToken('unpublishedKey')
        return window.signIn(bad.token).then(
          () => 'accepted',
          (error: { code: string }) => error.code,
        )
      })
      expect(rejected).toBe('ERR_KEY_NOT_FOUND')
      expect(await page.evaluate(() => window.mockIdp.requestCount('jwks'))).toBeGreaterThanOrEqual(1)
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })
})
