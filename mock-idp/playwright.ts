// Public entry `idtoken-verify/mock-idp/playwright`: a `@playwright/test` fixture that serves the mock IdP
// at its issuer origin by routing the browser context, so the full-page redirect of a real sign-in
// reaches it: no server, no service worker (a service worker answers fetch, not a navigation).
/**
 * `idtoken-verify/mock-idp/playwright`: `test` and `expect` of `@playwright/test` with a `mockIdp` fixture:
 * a fresh mock provider per test, served at its issuer (default `https://idp.example.test`) inside the
 * test's browser context, so redirects, popups and `fetch` calls reach it. `@playwright/test` is an
 * optional peer dependency.
 *
 * @module idtoken-verify/mock-idp/playwright
 */
import { createRequire } from 'node:module'
import type {
  BrowserContext,
  Expect,
  Page,
  PlaywrightTestArgs,
  PlaywrightTestOptions,
  PlaywrightWorkerArgs,
  PlaywrightWorkerOptions,
  Route,
  TestType,
} from '@playwright/test'
import { exportJWK, type JWK } from 'jose'
import { getResponse, type RequestHandler } from 'msw'
import { createMockIdp } from './create.ts'
import { isSigningAlgorithm, type SigningAlgorithm } from './lib/algorithms.ts'
import { generateKeyPairFor } from './lib/keys.ts'
import { json } from './lib/http.ts'
import { startMockIdpServer } from './start-server.ts'
import type { MockIdp, MockIdpOptions } from './types.ts'

/**
 * The `mockIdpOptions` fixture option: every {@link createMockIdp} option, plus `server`.
 *
 * @example
 * ```ts
 * test.use({ mockIdpOptions: { clientId: 'spa', users: { alice: { sub: 'alice', name: 'Alice' } } } })
 * test.use({ mockIdpOptions: { server: { port: 4010 } } }) // an app whose back end talks to the provider too
 * ```
 * @see https://playwright.dev/docs/test-fixtures#fixtures-options
 */
export interface MockIdpFixtureOptions extends MockIdpOptions {
  /**
   * Serve the provider on a real HTTP server on 127.0.0.1 (`startMockIdpServer`) instead of routing the
   * browser, with the server's URL as the issuer: for an app whose server side fetches the provider too
   * (code exchange, key set), which the browser's routing cannot reach. `{ port }` fixes the port, so that
   * the app can be configured with the issuer `http://127.0.0.1:<port>` before the tests start.
   */
  server?:
    | boolean
    | {
        /** The port to listen on; 0 (the default) picks a free one. */
        port?: number
        /** The interface; default 127.0.0.1. */
        host?: string
      }
}

/**
 * The `mockIdp` fixture: the test's own {@link MockIdp}, plus its clock and routing for other contexts.
 *
 * @example
 * ```ts
 * test('signs in', async ({ page, mockIdp }) => {
 *   mockIdp.signInAs('alice')
 *   mockIdp.setFault('jwks', { status: 503, times: 1 })
 *   mockIdp.advanceClock(3600)
 *   await page.goto('/')
 * })
 * ```
 * @see https://playwright.dev/docs/test-fixtures
 */
export interface MockIdpFixture extends MockIdp {
  /**
   * Moves the provider's clock (`iat`, `exp`, code expiry, the rotation schedule) by `seconds`, negative
   * too; resolves to the new time in ms. A TypeError when `mockIdpOptions.now` owns the clock.
   */
  advanceClock(seconds: number): number
  /** Serves the provider in another browser context or page too (one made with `browser.newContext()`). */
  route(target: BrowserContext | Page): Promise<void>
}

/** Signing keys made once per worker, so that each test's fresh provider starts without key generation. */
export interface MockIdpKeyCache {
  /** A private JWK per alg, the same ones for every test of the worker. */
  keys(algorithms: readonly string[]): Promise<NonNullable<MockIdpOptions['keys']>>
}

/** Test-scoped fixtures that {@link test} adds. */
export interface MockIdpTestFixtures {
  /** The test's provider. */
  mockIdp: MockIdpFixture
  /** Options of the test's provider (`test.use({ mockIdpOptions })` or the config's `use`). */
  mockIdpOptions: MockIdpFixtureOptions
}

/** Worker-scoped fixtures that {@link test} adds. */
export interface MockIdpWorkerFixtures {
  /** The worker's signing keys. */
  mockIdpKeys: MockIdpKeyCache
}

interface PlaywrightTestModule {
  test: TestType<PlaywrightTestArgs & PlaywrightTestOptions, PlaywrightWorkerArgs & PlaywrightWorkerOptions>
  expect: Expect<{}>
}

const INSTALL =
  'idtoken-verify/mock-idp/playwright needs @playwright/test (an optional peer dependency), which is not installed: npm install --save-dev @playwright/test'

// Required, not imported: a missing peer is then one line instead of a module-resolution stack, and the
// module has no top-level await (which would keep it from a CommonJS test file's require).
function loadPlaywright(): PlaywrightTestModule {
  const require = createRequire(import.meta.url)
  for (const name of ['@playwright/test', 'playwright/test']) {
    try {
      return require(name) as PlaywrightTestModule
    } catch (error) {
      const { code, message } = error as { code?: unknown; message?: unknown }
      if (code !== 'MODULE_NOT_FOUND' || typeof message !== 'string' || !message.includes(`'${name}'`)) throw error
    }
  }
  const error = new Error(INSTALL)
  error.stack = `Error: ${INSTALL}`
  throw error
}

function createKeyCache(): MockIdpKeyCache {
  const byAlg = new Map<string, Promise<JWK>>()
  const generate = async (alg: string): Promise<JWK> => {
    const { privateKey } = await generateKeyPairFor(alg as SigningAlgorithm)
    return { ...(await exportJWK(privateKey)), alg }
  }
  return {
    keys: (algorithms) =>
      Promise.all(
        algorithms.map((alg) => {
          let key = byAlg.get(alg)
          if (key === undefined) byAlg.set(alg, (key = generate(alg)))
          return key
        }),
      ),
  }
}

/** The provider's answer to a browser request, as Playwright fulfils it. */
async function answer(route: Route, handlers: RequestHandler[]): Promise<void> {
  const request = route.request()
  const headers = new Headers()
  for (const [name, value] of Object.entries(await request.allHeaders())) {
    if (!name.startsWith(':')) headers.set(name, value)
  }
  const method = request.method()
  const body = method === 'GET' || method === 'HEAD' ? null : request.postDataBuffer()
  const fetchRequest = new Request(
    request.url(),
    body === null ? { method, headers } : { method, headers, body: new Uint8Array(body) },
  )
  let response: Response | undefined
  try {
    response =
      (await getResponse(handlers, fetchRequest)) ??
      json({ error: 'not_found', error_description: `no mock IdP endpoint at ${fetchRequest.url}` }, 404)
  } catch (error) {
    response = json(
      { error: 'server_error', error_description: error instanceof Error ? error.message : String(error) },
      500,
    )
  }
  // A fault's networkError: the browser sees a failed request, as it would a dropped connection.
  if (response.type === 'error') {
    await route.abort('failed')
    return
  }
  const responseHeaders: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    responseHeaders[name] = value
  })
  await route.fulfill({
    status: response.status,
    headers: responseHeaders,
    body: Buffer.from(await response.arrayBuffer()),
  })
}

/** Routes every request under the issuer (its origin and path) to the provider's handlers. */
function routeTo(idp: MockIdp): (target: BrowserContext | Page) => Promise<void> {
  const issuer = new URL(idp.issuer)
  const path = issuer.pathname.replace(/\/+$/, '')
  const inScope = (url: URL): boolean =>
    url.origin === issuer.origin && (path === '' || url.pathname === path || url.pathname.startsWith(`${path}/`))
  return async (target) => {
    await target.route(inScope, (route) => answer(route, idp.handlers))
  }
}

const playwright = loadPlaywright()

/**
 * `@playwright/test`'s `test` with a `mockIdp` fixture (a fresh {@link MockIdpFixture} per test, served at
 * its issuer inside the test's browser context) and the `mockIdpOptions` option. Signing keys are made
 * once per worker and reused by every test's provider.
 *
 * @example
 * ```ts
 * import { test, expect } from 'idtoken-verify/mock-idp/playwright'
 *
 * test.use({ mockIdpOptions: { clientId: 'spa', users: { alice: { sub: 'alice', name: 'Alice' } } } })
 *
 * test('signs in', async ({ page, mockIdp }) => {
 *   mockIdp.signInAs('alice')
 *   await page.goto('/')                      // the app redirects to the provider and back
 *   await expect(page.getByText('Alice')).toBeVisible()
 * })
 * ```
 * @see https://playwright.dev/docs/test-fixtures
 * @see https://playwright.dev/docs/api/class-browsercontext#browser-context-route
 */
export const test: TestType<
  PlaywrightTestArgs & PlaywrightTestOptions & MockIdpTestFixtures,
  PlaywrightWorkerArgs & PlaywrightWorkerOptions & MockIdpWorkerFixtures
> = playwright.test.extend<MockIdpTestFixtures, MockIdpWorkerFixtures>({
  mockIdpOptions: [{}, { option: true }],
  mockIdpKeys: [
    async ({}, use) => {
      await use(createKeyCache())
    },
    { scope: 'worker' },
  ],
  mockIdp: [
    async ({ context, mockIdpOptions, mockIdpKeys }, use) => {
      const { server, ...options } = mockIdpOptions
      let offset = 0
      const algorithms = options.algorithms ?? (options.keys === undefined ? ['RS256'] : undefined)
      const keys =
        options.keys ??
        (algorithms?.every(isSigningAlgorithm) === true ? await mockIdpKeys.keys(algorithms) : undefined)
      const idpOptions: MockIdpOptions = {
        ...options,
        now: options.now ?? (() => Date.now() + offset),
        ...(keys === undefined ? {} : { keys }),
      }
      const running =
        server === undefined || server === false
          ? undefined
          : await startMockIdpServer({ ...idpOptions, ...(server === true ? {} : server) })
      try {
        const idp = running?.idp ?? (await createMockIdp(idpOptions))
        const route = routeTo(idp)
        const fixture: MockIdpFixture = Object.assign(idp, {
          advanceClock(seconds: number): number {
            if (options.now !== undefined)
              throw new TypeError('advanceClock: the clock is mockIdpOptions.now; move that one')
            if (typeof seconds !== 'number' || !Number.isFinite(seconds))
              throw new TypeError('advanceClock: seconds must be a finite number')
            offset += seconds * 1000
            return Date.now() + offset
          },
          route,
        })
        // A real server is reached directly; routing would only hide it.
        if (running === undefined) await route(context)
        await use(fixture)
      } finally {
        await running?.close()
      }
    },
    { auto: true },
  ],
})

/** `@playwright/test`'s `expect`, re-exported so that one import serves a spec. */
export const expect: Expect<{}> = playwright.expect

export type { MockIdp, MockIdpOptions, MockIdpPersona, MockIdpUser } from './types.ts'
