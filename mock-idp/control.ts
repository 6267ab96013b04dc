// The control API of the real HTTP server: what a test suite in another language needs to do
// over HTTP what a JavaScript test does by calling the MockIdp (mint, rotate, faults, reset).
import type { RequestHandler } from 'msw'
import { BAD_TOKEN_NAMES } from './bad-tokens.ts'
import { ENDPOINT_NAMES } from './lib/endpoints.ts'
import { isJson, json, normalizeOrigins, route, type CorsPolicy, type Responder } from './lib/http.ts'
import type {
  BackchannelLogoutOptions,
  BadTokenName,
  Fault,
  MintOptions,
  MockIdp,
  MockIdpEndpoint,
  MockIdpUser,
  RotateOptions,
} from './types.ts'

/**
 * Moves the server's clock: the control API's `POST /_mock/clock`.
 *
 * @example
 * ```ts
 * let offset = 0
 * const clock: ControlClock = { advance: (seconds) => Date.now() + (offset += seconds * 1000) }
 * const idp = await createMockIdp({ now: () => Date.now() + offset })
 * const handlers = createControlHandlers(idp, clock)
 * ```
 * @see [RFC 7519 §4.1.4](https://www.rfc-editor.org/rfc/rfc7519#section-4.1.4) (`exp`: what moving the clock tests)
 */
export interface ControlClock {
  /** Moves the clock `seconds` forward (negative: back) and returns the new time in milliseconds. */
  advance(seconds: number): number
}

/**
 * Options of {@link createControlHandlers}.
 *
 * @example
 * ```ts
 * const handlers = createControlHandlers(idp, undefined, { origins: ['http://127.0.0.1:4001'] })
 * ```
 * @see [Fetch Standard §3.2 CORS protocol](https://fetch.spec.whatwg.org/#http-cors-protocol)
 */
export interface ControlOptions {
  /**
   * Origins (`scheme://host[:port]`) whose pages may call the control API from a browser: they get
   * CORS headers on `/_mock/`. Default none: a request with any other `Origin` (or a cross-site
   * `Sec-Fetch-Site` without one) is refused with 403 and gets no `Access-Control-Allow-*` header,
   * so the web pages a developer visits cannot mint tokens or change the provider.
   */
  origins?: readonly string[]
}

function object(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

async function body(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text()
  return text === '' ? {} : object(JSON.parse(text))
}

/** A JSON body that may be `null` (to clear a fault or sign the user out). */
async function nullableBody(request: Request): Promise<Record<string, unknown> | null> {
  const text = await request.text()
  const parsed: unknown = text === '' ? null : JSON.parse(text)
  return parsed === null ? null : object(parsed)
}

/**
 * MSW handlers for the control API under `issuer + '/_mock/'`, as served by `startMockIdpServer`:
 * `POST id-token`, `POST access-token` and `POST logout-token` (`{ claims?, options? }` → `{ token }`),
 * `POST backchannel-logout` (`{ sub?, sid?, clientIds? }` → `{ deliveries: [{ clientId, uri, status }] }`), `GET bad-tokens`,
 * `GET bad-tokens/:name`, `POST rotate` (`{ alg?, stage? }` → `{ kid }`), `POST promote` and
 * `POST retire` (`{ kid }`), `GET keys`, `PUT faults/:endpoint` (a fault, or `null` to clear),
 * `GET requests`, `PUT user`, `POST clock` (`{ advance: seconds }`, when a clock is given),
 * `POST reset` (`{ rotateKeys? }`).
 *
 * Guarded against web pages, as it has no authentication: no CORS unless the page's origin is in
 * `options.origins`; a request with another `Origin` gets 403; every `POST` and `PUT` must be
 * `Content-Type: application/json` (415 otherwise), so that a form or a `text/plain` fetch, which a
 * browser sends cross-origin without asking first, cannot change anything. Routing, preflights and 405 for another
 * method are the provider endpoints' own (`lib/http.ts`), with these guards around them.
 *
 * @example
 * ```ts
 * const server = setupServer(...idp.handlers, ...createControlHandlers(idp))
 * ```
 * @see https://mswjs.io/docs/api/http
 */
export function createControlHandlers(
  idp: MockIdp,
  clock?: ControlClock,
  options: ControlOptions = {},
): RequestHandler[] {
  const base = `${idp.issuer.replace(/\/+$/, '')}/_mock`
  const origins = normalizeOrigins(options.origins ?? [], 'origins')
  // Only allowlisted pages get CORS, and they may send only Content-Type (always JSON) beyond the safelisted headers.
  const cors: CorsPolicy = {
    allowOrigin: (origin) => (origin !== null && origins.has(origin) ? origin : undefined),
    credentials: false,
    allowHeaders: 'content-type',
  }
  // Browsers send Origin on every cross-origin request but a plain GET, and Sec-Fetch-Site on all of
  // them; test suites in other languages send neither. Preflights are refused too.
  const guard = async (request: Request, answer: () => Promise<Response>): Promise<Response> => {
    const origin = request.headers.get('origin')
    const site = request.headers.get('sec-fetch-site')
    if (origin !== null ? origins.has(origin) : site === null || site === 'same-origin' || site === 'none')
      return answer()
    return json(
      {
        error: 'access_denied',
        error_description:
          'this origin may not use the mock IdP control API (see the controlOrigins option, CLI --control-origin)',
      },
      403,
    )
  }
  const control = (method: 'GET' | 'POST' | 'PUT', path: string, respond: Responder): RequestHandler =>
    route(
      `${base}${path}`,
      [method],
      async (request, params) => {
        // A form or a text/plain fetch is sent cross-origin without a preflight: only JSON may change anything.
        if (method !== 'GET' && !isJson(request)) {
          return json(
            { error: 'invalid_request', error_description: 'control requests must be Content-Type: application/json' },
            415,
          )
        }
        try {
          return await respond(request, params)
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error)
          return json({ error: 'invalid_request', error_description: message }, 400)
        }
      },
      { cors, around: guard },
    )
  const noContent = (): Response => new Response(null, { status: 204 })
  const mint =
    (kind: 'mintIdToken' | 'mintAccessToken' | 'mintLogoutToken') =>
    async (request: Request): Promise<Response> => {
      const input = await body(request)
      return json({ token: await idp[kind](object(input.claims), object(input.options) as MintOptions) })
    }

  return [
    control('POST', '/id-token', mint('mintIdToken')),
    control('POST', '/access-token', mint('mintAccessToken')),
    control('POST', '/logout-token', mint('mintLogoutToken')),
    control('POST', '/backchannel-logout', async (request) => {
      const input = await body(request)
      const sub = typeof input.sub === 'string' ? input.sub : undefined
      const options: BackchannelLogoutOptions = {}
      if (typeof input.sid === 'string') options.sid = input.sid
      if (Array.isArray(input.clientIds)) options.clientIds = input.clientIds.map(String)
      const deliveries = await idp.backchannelLogout(sub, options)
      return json({
        deliveries: deliveries.map((d) => ({ clientId: d.clientId, uri: d.uri, status: d.response?.status ?? null })),
      })
    }),
    control('GET', '/bad-tokens', async () => json(await idp.badTokens())),
    control('GET', '/bad-tokens/:name', async (_, params) => {
      const name = String(params.name)
      if (!(BAD_TOKEN_NAMES as readonly string[]).includes(name))
        return json({ error: 'not_found', error_description: `unknown bad token ${name}` }, 404)
      return json(await idp.mintBadToken(name as BadTokenName))
    }),
    control('POST', '/rotate', async (request) =>
      json({ kid: await idp.rotateKeys((await body(request)) as RotateOptions) }),
    ),
    control('POST', '/promote', async (request) => {
      idp.promoteKey(String((await body(request)).kid))
      return noContent()
    }),
    control('POST', '/retire', async (request) => {
      idp.retireKey(String((await body(request)).kid))
      return noContent()
    }),
    control('GET', '/keys', async () => json(idp.listKeys())),
    control('PUT', '/faults/:endpoint', async (request, params) => {
      idp.setFault(String(params.endpoint) as MockIdpEndpoint, (await nullableBody(request)) as Fault | null)
      return noContent()
    }),
    control('GET', '/requests', async () =>
      json({
        requests: idp.requests,
        counts: Object.fromEntries(ENDPOINT_NAMES.map((name) => [name, idp.requestCount(name)])),
      }),
    ),
    control('PUT', '/user', async (request) => {
      idp.setUser((await nullableBody(request)) as MockIdpUser | null)
      return noContent()
    }),
    control('POST', '/clock', async (request) => {
      if (clock === undefined)
        return json({ error: 'invalid_request', error_description: 'this server was given its own clock' }, 409)
      const advance = Number((await body(request)).advance)
      if (!Number.isFinite(advance)) throw new TypeError('"advance" must be a number of seconds')
      return json({ now: clock.advance(advance) })
    }),
    control('POST', '/reset', async (request) => {
      idp.reset({ rotateKeys: (await body(request)).rotateKeys === true })
      return noContent()
    }),
  ]
}
