// The key cache in a real browser: Chromium (through playwright-core) loads a page that imports a browser
// bundle of the SDK, from a node:http server that is also the identity provider. Requests are counted at
// that server; the page's clock is `window.__now`, read by the verifier's `now` option; tokens are signed
// here in Node by jose and handed to the page.
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import * as jose from 'jose'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { chromiumLaunchOptions } from '../../scripts/browsers.mjs'

const CLIENT = 'browser-client'
const MAX_AGE = 600

interface PageEvent {
  type: string
  path?: string
  status?: number
  operation?: string
  skew?: number
}
type Outcome = { ok: true; sub: string } | { ok: false; code: string; message: string }

declare global {
  interface Window {
    __now: number
    harness: {
      events: PageEvent[]
      setup(options: Record<string, unknown>): void
      verify(token: string): Promise<Outcome>
    }
  }
}

// What the page runs: the SDK as an application would use it, plus a little plumbing for the test.
const HARNESS = `
import { createVerifier } from '/sdk.js'
const events = []
let verifier
window.harness = {
  events,
  setup(options) {
    verifier = createVerifier({
      ...options,
      now: () => window.__now,
      onEvent: (e) => events.push({
        type: e.type,
        path: e.url === undefined ? undefined : new URL(e.url).pathname,
        status: e.status,
        operation: e.operation,
        skew: e.skew,
      }),
    })
  },
  async verify(token) {
    try {
      const { payload } = await verifier.verify(token)
      return { ok: true, sub: payload.sub }
    } catch (error) {
      return { ok: false, code: error.code, message: error.message }
    }
  },
}
`
const PAGE =
  '<!doctype html><meta charset="utf-8"><title>idtoken-verify cache</title><script type="module" src="/harness.js"></script>'

interface Logged {
  method: string
  path: string
  ifNoneMatch: string | null
  status: number
}

/** An identity provider on a real port: discovery and JWKS with ETag and Cache-Control, faults and CORS on demand. */
interface Provider {
  readonly origin: string
  keys: jose.JWK[]
  /** Status for the key set while set (an outage). */
  jwksStatus: number | undefined
  /** CORS for pages of this origin (a cross-origin provider), and the response headers it exposes. */
  corsFor: string | undefined
  expose: string[]
  log: Logged[]
  count(path: string, method?: string): number
  close(): Promise<void>
}

const DISCOVERY = '/.well-known/openid-configuration'
const JWKS = '/jwks'

async function startProvider(assets?: Record<string, { type: string; body: string }>): Promise<Provider> {
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', provider.origin).pathname
    const ifNoneMatch = request.headers['if-none-match'] ?? null
    const send = (status: number, headers: Record<string, string>, body?: string) => {
      provider.log.push({
        method: request.method ?? '',
        path,
        ifNoneMatch: typeof ifNoneMatch === 'string' ? ifNoneMatch : null,
        status,
      })
      response.writeHead(status, headers)
      response.end(body)
    }
    const asset = assets?.[path]
    if (asset !== undefined) return send(200, { 'content-type': asset.type, 'cache-control': 'no-store' }, asset.body)
    const cors: Record<string, string> =
      provider.corsFor === undefined
        ? {}
        : {
            'access-control-allow-origin': provider.corsFor,
            ...(provider.expose.length > 0 ? { 'access-control-expose-headers': provider.expose.join(', ') } : {}),
          }
    // A provider that does not answer preflights, as many do not: a preflight here is a failed request.
    if (request.method === 'OPTIONS') return send(403, {})
    let body: string
    if (path === DISCOVERY) {
      body = JSON.stringify({
        issuer: provider.origin,
        jwks_uri: provider.origin + JWKS,
        id_token_signing_alg_values_supported: ['ES256'],
      })
    } else if (path === JWKS) {
      if (provider.jwksStatus !== undefined)
        return send(provider.jwksStatus, { ...cors, 'content-type': 'text/plain' }, 'unavailable')
      body = JSON.stringify({ keys: provider.keys })
    } else {
      return send(404, cors, 'not found')
    }
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`
    const headers = { ...cors, etag, 'cache-control': `public, max-age=${MAX_AGE}` }
    if (ifNoneMatch === etag) return send(304, headers)
    send(200, { ...headers, 'content-type': 'application/json' }, body)
  }
  const server: Server = createServer(handle)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const provider: Provider = {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    keys: [],
    jwksStatus: undefined,
    corsFor: undefined,
    expose: [],
    log: [],
    count: (path, method = 'GET') => provider.log.filter((r) => r.path === path && r.method === method).length,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
  return provider
}

interface SigningKey {
  kid: string
  privateKey: CryptoKey
  jwk: jose.JWK
}
async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await jose.generateKeyPair('ES256')
  return { kid, privateKey, jwk: { ...(await jose.exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } }
}

let browser: Browser
let site: Provider // the page, the SDK bundle, and a same-origin provider
let remote: Provider // a provider on another origin
let k1: SigningKey
let k2: SigningKey
let k3: SigningKey
let context: BrowserContext
const T0 = Math.floor(Date.now() / 1000) * 1000

beforeAll(async () => {
  const [bundle, ...keys] = await Promise.all([
    build({
      entryPoints: [fileURLToPath(new URL('../../src/index.ts', import.meta.url))],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
    }),
    signingKey('k1'),
    signingKey('k2'),
    signingKey('k3'),
  ])
  ;[k1, k2, k3] = keys as [SigningKey, SigningKey, SigningKey]
  site = await startProvider({
    '/': { type: 'text/html', body: PAGE },
    '/harness.js': { type: 'text/javascript', body: HARNESS },
    '/sdk.js': { type: 'text/javascript', body: bundle.outputFiles[0]!.text },
    '/favicon.ico': { type: 'image/x-icon', body: '' },
  })
  remote = await startProvider()
  browser = await chromium.launch(chromiumLaunchOptions())
})

afterAll(async () => {
  await browser?.close()
  await Promise.all([site?.close(), remote?.close()])
})

beforeEach(async () => {
  for (const provider of [site, remote]) {
    provider.keys = [k1.jwk]
    provider.jwksStatus = undefined
    provider.expose = []
    provider.log = []
  }
  remote.corsFor = site.origin
  // A new context per test: its own IndexedDB, HTTP cache and locks, like a new browser profile.
  context = await browser.newContext()
})

afterEach(async () => {
  await context.close()
})

function mint(key: SigningKey, issuer: string, at: number): Promise<string> {
  const iat = Math.floor(at / 1000)
  return new jose.SignJWT({ sub: 'alice' })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(CLIENT)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 600)
    .sign(key.privateKey)
}

async function open(): Promise<Page> {
  const page = await context.newPage()
  await page.goto(site.origin + '/')
  await page.waitForFunction(() => window.harness !== undefined)
  return page
}

async function reload(page: Page): Promise<void> {
  // The store writes follow a verification, inside the documents' Web Locks (imported keys a task later): let them
  // land first, as a user's next page view would.
  await page.waitForFunction(async () => {
    await new Promise((resolve) => setTimeout(resolve, 20))
    const { held = [] } = await navigator.locks.query()
    return held.every((lock) => !lock.name?.startsWith('idtoken-verify'))
  })
  await page.reload()
  await page.waitForFunction(() => window.harness !== undefined)
}

/** Creates the page's verifier at page time `now`; no `cache` option unless given: the browser default. */
function setup(page: Page, now: number, options: Record<string, unknown> = {}, issuer = site.origin): Promise<void> {
  return page.evaluate(
    ({ now, options }) => {
      window.__now = now
      window.harness.setup(options)
    },
    { now, options: { issuer, audience: CLIENT, ...options } },
  )
}

async function verify(page: Page, key: SigningKey, now: number, issuer = site.origin): Promise<Outcome> {
  const token = await mint(key, issuer, now)
  return page.evaluate(
    ({ token, now }) => {
      window.__now = now
      return window.harness.verify(token)
    },
    { token, now },
  )
}

const events = (page: Page) => page.evaluate(() => window.harness.events)
const OK = { ok: true, sub: 'alice' }

describe('in Chromium', () => {
  it('first load fetches each document once; a reload verifies with zero requests from IndexedDB', async () => {
    const page = await open()
    await setup(page, T0)
    expect(await verify(page, k1, T0)).toEqual(OK)
    expect(await verify(page, k1, T0 + 1000)).toEqual(OK)
    expect([site.count(DISCOVERY), site.count(JWKS)]).toEqual([1, 1])

    await reload(page)
    await setup(page, T0 + 60_000)
    expect(await verify(page, k1, T0 + 60_000)).toEqual(OK)
    expect([site.count(DISCOVERY), site.count(JWKS)]).toEqual([1, 1])
    expect(await events(page)).toEqual([])

    // The control: a verifier in memory asks again after a reload, and the browser's HTTP cache does not
    // answer for it (the SDK's own freshness rules apply, not the browser's).
    await reload(page)
    await setup(page, T0 + 60_000, { cache: 'memory' })
    expect(await verify(page, k1, T0 + 60_000)).toEqual(OK)
    expect([site.count(DISCOVERY), site.count(JWKS)]).toEqual([2, 2])

    // Past freshness, a reload revalidates with the ETags it kept in IndexedDB: two 304s.
    await reload(page)
    const later = T0 + (MAX_AGE + 1) * 1000
    await setup(page, later, { staleWhileRevalidate: 0 })
    expect(await verify(page, k1, later)).toEqual(OK)
    expect(site.log.filter((r) => r.path === DISCOVERY || r.path === JWKS).slice(-2)).toEqual([
      { method: 'GET', path: DISCOVERY, ifNoneMatch: expect.stringMatching(/^"/), status: 304 },
      { method: 'GET', path: JWKS, ifNoneMatch: expect.stringMatching(/^"/), status: 304 },
    ])
  })

  it('imported CryptoKeys are kept in IndexedDB: a reload verifies with no request and no key import', async () => {
    await context.addInitScript(() => {
      const subtle = crypto.subtle
      const importKey = subtle.importKey.bind(subtle)
      const counter = window as unknown as { __imports: number }
      counter.__imports = 0
      subtle.importKey = ((...args: Parameters<SubtleCrypto['importKey']>) => {
        counter.__imports++
        return importKey(...args)
      }) as SubtleCrypto['importKey']
    })
    const imports = (page: Page) => page.evaluate(() => (window as unknown as { __imports: number }).__imports)
    const page = await open()
    await setup(page, T0)
    expect(await verify(page, k1, T0)).toEqual(OK)
    expect(await imports(page)).toBe(1)
    // The key is written back after the verification; wait until the database holds it.
    await page.evaluate(async () => {
      for (let i = 0; i < 100; i++) {
        const keys = await new Promise<number>((resolve, reject) => {
          const request = indexedDB.open('idtoken-verify')
          request.onerror = () => reject(request.error)
          request.onsuccess = () => {
            const all = request.result.transaction('entries').objectStore('entries').getAll()
            all.onsuccess = () => {
              request.result.close()
              resolve(all.result.filter((r: { entry?: { cryptoKeys?: object } }) => r.entry?.cryptoKeys).length)
            }
          }
        })
        if (keys > 0) return
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      throw new Error('no CryptoKey was stored')
    })

    await reload(page)
    await setup(page, T0 + 60_000)
    expect(await verify(page, k1, T0 + 60_000)).toEqual(OK)
    expect(await imports(page)).toBe(0)
    expect([site.count(DISCOVERY), site.count(JWKS)]).toEqual([1, 1])

    // The control: in memory, a reload imports the key again.
    await reload(page)
    await setup(page, T0 + 60_000, { cache: 'memory' })
    expect(await verify(page, k1, T0 + 60_000)).toEqual(OK)
    expect(await imports(page)).toBe(1)
  })

  it('ten tabs opened at once cost one discovery fetch and one JWKS fetch', async () => {
    const tabs = await Promise.all(Array.from({ length: 10 }, () => open()))
    await Promise.all(tabs.map((tab) => setup(tab, T0)))
    const results = await Promise.all(tabs.map((tab) => verify(tab, k1, T0)))
    expect(results).toEqual(Array(10).fill(OK))
    expect([site.count(DISCOVERY), site.count(JWKS)]).toEqual([1, 1])

    // The control: ten tabs whose verifiers keep keys in memory do not coordinate.
    await Promise.all(tabs.map((tab) => reload(tab)))
    await Promise.all(tabs.map((tab) => setup(tab, T0, { cache: 'memory' })))
    expect(await Promise.all(tabs.map((tab) => verify(tab, k1, T0)))).toEqual(Array(10).fill(OK))
    expect([site.count(DISCOVERY), site.count(JWKS)]).toEqual([11, 11])
  })

  it('a database deleted between loads is refetched and refilled', async () => {
    const page = await open()
    await setup(page, T0)
    expect(await verify(page, k1, T0)).toEqual(OK)
    // Deleted while this page holds it open: the store must close on "versionchange" or this blocks.
    const deletion = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const request = indexedDB.deleteDatabase('idtoken-verify')
          request.onsuccess = () => resolve('deleted')
          request.onerror = () => resolve('error')
          request.onblocked = () => resolve('blocked')
        }),
    )
    expect(deletion).toBe('deleted')
    await reload(page)
    await setup(page, T0 + 1000)
    expect(await verify(page, k1, T0 + 1000)).toEqual(OK)
    expect([site.count(DISCOVERY), site.count(JWKS)]).toEqual([2, 2])
    expect((await events(page)).filter((e) => e.type === 'store-failed')).toEqual([])
    await reload(page)
    await setup(page, T0 + 2000)
    expect(await verify(page, k1, T0 + 2000)).toEqual(OK)
    expect([site.count(DISCOVERY), site.count(JWKS)]).toEqual([2, 2])
  })

  it('IndexedDB that throws on open: verification works from memory and the page hears store-failed', async () => {
    await context.addInitScript(() => {
      IDBFactory.prototype.open = () => {
        throw new DOMException('The user denied permission to access the database.', 'SecurityError')
      }
    })
    const page = await open()
    await setup(page, T0)
    expect(await verify(page, k1, T0)).toEqual(OK)
    expect(await verify(page, k1, T0 + 1000)).toEqual(OK)
    expect([site.count(DISCOVERY), site.count(JWKS)]).toEqual([1, 1])
    // A first visit reads nothing (nothing was ever stored), so the first failure is the write.
    expect((await events(page)).filter((e) => e.type === 'store-failed')).toEqual([
      { type: 'store-failed', operation: 'set' },
    ])
    // Nothing could be kept: a reload asks again.
    await reload(page)
    await setup(page, T0 + 2000)
    expect(await verify(page, k1, T0 + 2000)).toEqual(OK)
    expect([site.count(DISCOVERY), site.count(JWKS)]).toEqual([2, 2])
  })

  it('IndexedDB whose open never completes: the store times out, verification goes on', async () => {
    await context.addInitScript(() => {
      IDBFactory.prototype.open = () => ({}) as IDBOpenDBRequest
    })
    const page = await open()
    await setup(page, T0)
    expect(await verify(page, k1, T0)).toEqual(OK) // a first visit does not wait for the database
    expect([site.count(DISCOVERY), site.count(JWKS)]).toEqual([1, 1])
    // The write times out after 2 s, in the background.
    await page.waitForFunction(
      () => window.harness.events.some((e: { type: string }) => e.type === 'store-failed'),
      undefined,
      { timeout: 5000 },
    )
    expect((await events(page)).filter((e) => e.type === 'store-failed')).toEqual([
      { type: 'store-failed', operation: 'set' },
    ])
  })

  it('a rotated key is found with one refetch, in the page and after a reload', async () => {
    const page = await open()
    await setup(page, T0)
    expect(await verify(page, k1, T0)).toEqual(OK)
    site.keys = [k1.jwk, k2.jwk]
    // The first unknown kid after a load refetches at once (the cooldown starts with it).
    expect(await verify(page, k2, T0 + 1000)).toEqual(OK)
    expect([site.count(DISCOVERY), site.count(JWKS)]).toEqual([1, 2])
    // The new set was stored: a reload knows k2 without asking.
    await reload(page)
    await setup(page, T0 + 2000)
    expect(await verify(page, k2, T0 + 2000)).toEqual(OK)
    expect([site.count(DISCOVERY), site.count(JWKS)]).toEqual([1, 2])
    // A rotation that happened while no page was open: the fresh set from IndexedDB lacks k3, one refetch finds it.
    site.keys = [k2.jwk, k3.jwk]
    await reload(page)
    await setup(page, T0 + 3000)
    expect(await verify(page, k3, T0 + 3000)).toEqual(OK)
    expect([site.count(DISCOVERY), site.count(JWKS)]).toEqual([1, 3])
    // k1 left the set: past the cooldown its unknown kid costs one more refetch, then it is refused.
    expect(await verify(page, k1, T0 + 40_000)).toMatchObject({ ok: false, code: 'ERR_KEY_NOT_FOUND' })
    expect(site.count(JWKS)).toBe(4)
  })

  it('an outage is survived on stale keys, across a reload, then reported; the provider is not hammered', async () => {
    const page = await open()
    await setup(page, T0, { staleWhileRevalidate: 0 })
    expect(await verify(page, k1, T0)).toEqual(OK)
    site.jwksStatus = 503
    const t1 = T0 + (MAX_AGE + 1) * 1000
    expect(await verify(page, k1, t1)).toEqual(OK)
    expect([site.count(DISCOVERY), site.count(JWKS)]).toEqual([2, 2])
    expect(await events(page)).toContainEqual({ type: 'stale', path: JWKS })

    // A reload during the outage: the stale copy in IndexedDB keeps verifying.
    await reload(page)
    const t2 = t1 + 60_000
    await setup(page, t2, { staleWhileRevalidate: 0 })
    expect(await verify(page, k1, t2)).toEqual(OK)
    expect(await events(page)).toContainEqual({ type: 'stale', path: JWKS })
    expect(site.count(JWKS)).toBe(3)
    // Failed fetches back off: these verifications (still on stale keys) cost no request.
    for (let i = 1; i <= 5; i++) expect(await verify(page, k1, t2 + i * 100)).toEqual(OK)
    expect(site.count(JWKS)).toBe(3)

    // Past the stale-if-error window (6 h by default): the application gets ERR_JWKS_UNAVAILABLE.
    const t3 = T0 + (MAX_AGE + 21_600 + 1) * 1000
    expect(await verify(page, k1, t3)).toMatchObject({ ok: false, code: 'ERR_JWKS_UNAVAILABLE' })
    expect(site.count(JWKS)).toBe(4)
    // The provider is back, but this page backs off (2 s after its second failure) before it asks again.
    site.jwksStatus = undefined
    expect(await verify(page, k1, t3 + 1000)).toMatchObject({ ok: false, code: 'ERR_JWKS_UNAVAILABLE' })
    expect(site.count(JWKS)).toBe(4)
    expect(await verify(page, k1, t3 + 2000)).toEqual(OK)
    expect(site.count(JWKS)).toBe(5)
  })

  it('a cross-origin provider: no preflight ever, and rotation is found through the browser HTTP cache', async () => {
    const page = await open()
    await setup(page, T0, { staleWhileRevalidate: 0 }, remote.origin)
    expect(await verify(page, k1, T0, remote.origin)).toEqual(OK)
    expect([remote.count(DISCOVERY), remote.count(JWKS)]).toEqual([1, 1])

    // Rotation: the browser holds the old set as fresh for max-age, yet the refetch reaches the provider.
    remote.keys = [k1.jwk, k2.jwk]
    expect(await verify(page, k2, T0 + 1000, remote.origin)).toEqual(OK)
    expect(remote.count(JWKS)).toBe(2)

    // Past freshness: the browser revalidates with its own validators (a 304 at the provider), while the
    // page never sees the ETag, which is not exposed.
    const later = T0 + (MAX_AGE + 5) * 1000
    expect(await verify(page, k2, later, remote.origin)).toEqual(OK)
    expect(remote.log.slice(-2).map((r) => r.status)).toEqual([304, 304])
    expect((await events(page)).filter((e) => e.type === 'fetched').map((e) => e.status)).toEqual([
      200, 200, 200, 200, 200,
    ])
    const visible = await page.evaluate(
      async (urls) => Promise.all(urls.map(async (url) => (await fetch(url)).headers.get('etag'))),
      [remote.origin + JWKS, site.origin + JWKS],
    )
    expect(visible[0]).toBeNull()
    expect(visible[1]).toMatch(/^"/)
    expect(remote.count(DISCOVERY, 'OPTIONS') + remote.count(JWKS, 'OPTIONS')).toBe(0)
  })

  it('a cross-origin provider that exposes ETag still gets no If-None-Match from the page, so no preflight', async () => {
    remote.expose = ['ETag']
    const page = await open()
    await setup(page, T0, { staleWhileRevalidate: 0 }, remote.origin)
    expect(await verify(page, k1, T0, remote.origin)).toEqual(OK)
    const later = T0 + (MAX_AGE + 1) * 1000
    expect(await verify(page, k1, later, remote.origin)).toEqual(OK)
    expect([remote.count(DISCOVERY), remote.count(JWKS)]).toEqual([2, 2])
    expect(remote.log.filter((r) => r.method === 'OPTIONS')).toEqual([])
    expect((await events(page)).filter((e) => e.type === 'stale' || e.type === 'fetch-failed')).toEqual([])
  })

  // The page's clock is an hour behind the provider's (whose Date header is the real time).
  async function wrongClock(): Promise<{ outcome: Outcome; skews: number[]; slack: number }> {
    const started = Date.now()
    const wrong = started - 3_600_000
    const page = await open()
    await setup(page, wrong, { serverTime: true }, remote.origin)
    const token = await mint(k1, remote.origin, Date.now())
    const outcome = await page.evaluate(
      ({ token, wrong }) => {
        window.__now = wrong
        return window.harness.verify(token)
      },
      { token, wrong },
    )
    const skews = (await events(page)).filter((e) => e.type === 'skew').map((e) => e.skew ?? 0)
    // The page clock stands still at `wrong` while real time runs on: on a loaded machine the provider's Date
    // can be a few seconds further ahead than the hour.
    return { outcome, skews, slack: Math.ceil((Date.now() - started) / 1000) + 2 }
  }

  it('serverTime cross-origin: with Date exposed the page clock is corrected', async () => {
    remote.expose = ['Date']
    const { outcome, skews, slack } = await wrongClock()
    expect(outcome).toEqual(OK)
    expect(skews.length).toBeGreaterThanOrEqual(1)
    for (const skew of skews) {
      expect(skew).toBeGreaterThanOrEqual(3598)
      expect(skew).toBeLessThanOrEqual(3600 + slack)
    }
  })

  it('serverTime cross-origin: without Date exposed nothing is corrected', async () => {
    const { outcome, skews } = await wrongClock()
    expect(outcome).toMatchObject({ ok: false, code: 'ERR_TOKEN_NOT_YET_VALID' })
    expect(skews).toEqual([])
  })
})
