// Response helpers shared by the endpoints and the control API: JSON, OAuth errors (RFC 6749 5.2), routing and CORS.
import { http, type RequestHandler } from 'msw'

// Redirects of the authorization and end-session endpoints are browser navigations. Without a CORS
// grant, a page that fetches /authorize cannot follow the redirect and read the code from the URL
// it lands on (the provider itself reflects CORS, so it would be a readable landing place).
const navigations = new WeakSet<Response>()

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
}

/** RFC 6749 5.2 error body; token responses must not be cached (5.1). */
export function oauthError(
  error: string,
  description: string,
  status = 400,
  headers: Record<string, string> = {},
): Response {
  return json({ error, error_description: description }, status, { 'cache-control': 'no-store', ...headers })
}

export function redirect(location: string): Response {
  const response = new Response(null, { status: 302, headers: { location, 'cache-control': 'no-store' } })
  navigations.add(response)
  return response
}

const ALLOWED_HEADERS = 'authorization, content-type, if-none-match, dpop'

/** Who gets CORS grants from a route, and which grants. */
export interface CorsPolicy {
  /** `Access-Control-Allow-Origin` for a request's `Origin` (`null` without one); undefined: no CORS headers. */
  allowOrigin(origin: string | null): string | undefined
  /** Grant credentialed requests (a request with an `Origin` only). */
  readonly credentials: boolean
  /** `Access-Control-Expose-Headers`, if any. */
  readonly exposeHeaders?: string
  /** Request headers a preflight grants; absent: those the preflight asks for. */
  readonly allowHeaders?: string
}

// Browser SPAs call discovery, JWKS, token and userinfo cross-origin. Reflecting the Origin (not
// `*`) keeps credentialed requests working too; `Vary: Origin` keeps shared caches honest.
export const PROVIDER_CORS: CorsPolicy = {
  allowOrigin: (origin) => origin ?? '*',
  credentials: true,
  exposeHeaders: 'etag, cache-control, www-authenticate, location, content-type',
}

/** Adds `policy`'s CORS grants for `request` to `response` (never to a network error or a navigation). */
export function withCors(request: Request, response: Response, policy: CorsPolicy = PROVIDER_CORS): Response {
  if (response.type === 'error' || navigations.has(response)) return response
  const origin = request.headers.get('origin')
  const allowed = policy.allowOrigin(origin)
  if (allowed === undefined) return response
  const headers = new Headers(response.headers)
  headers.set('access-control-allow-origin', allowed)
  if (origin !== null) {
    if (policy.credentials) headers.set('access-control-allow-credentials', 'true')
    headers.append('vary', 'Origin')
  }
  if (policy.exposeHeaders !== undefined) headers.set('access-control-expose-headers', policy.exposeHeaders)
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
}

export function preflight(request: Request, methods: readonly string[], policy: CorsPolicy = PROVIDER_CORS): Response {
  return new Response(null, {
    status: 204,
    headers: {
      'access-control-allow-methods': [...methods, 'OPTIONS'].join(', '),
      'access-control-allow-headers':
        policy.allowHeaders ?? request.headers.get('access-control-request-headers') ?? ALLOWED_HEADERS,
      'access-control-max-age': '600',
    },
  })
}

export function methodNotAllowed(methods: readonly string[]): Response {
  return json({ error: 'invalid_request', error_description: `method not allowed; use ${methods.join(' or ')}` }, 405, {
    allow: [...methods, 'OPTIONS'].join(', '),
  })
}

export type Responder = (request: Request, params: Record<string, string>) => Promise<Response>

export interface RouteOptions {
  /** Default {@link PROVIDER_CORS}. */
  cors?: CorsPolicy
  /** Runs around the whole answer, preflights included: fault injection, request guards. */
  around?: (request: Request, answer: () => Promise<Response>) => Promise<Response>
}

/**
 * The MSW handler of one route, answering in the order every route of the mock does: a CORS preflight,
 * then 405 for another method, then `respond`; CORS grants on the way out.
 */
export function route(
  url: string,
  methods: readonly string[],
  respond: Responder,
  options: RouteOptions = {},
): RequestHandler {
  const { cors = PROVIDER_CORS, around } = options
  return http.all(url, async ({ request, params }) => {
    const answer = async (): Promise<Response> => {
      if (request.method === 'OPTIONS') return preflight(request, methods, cors)
      if (!methods.includes(request.method)) return methodNotAllowed(methods)
      return respond(request, params as Record<string, string>)
    }
    return withCors(request, await (around === undefined ? answer() : around(request, answer)), cors)
  })
}

/** Form fields of an `application/x-www-form-urlencoded` body (RFC 6749 4.1.3). */
export async function formParams(request: Request): Promise<URLSearchParams | undefined> {
  const type = request.headers.get('content-type') ?? ''
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return undefined
  return new URLSearchParams(await request.text())
}

/** True for a body declared as JSON (`application/json`, any parameters). */
export function isJson(request: Request): boolean {
  const type = request.headers.get('content-type') ?? ''
  return type.split(';', 1)[0]?.trim().toLowerCase() === 'application/json'
}

/** `scheme://host[:port]` of each entry; anything else (a path, `*`, `null`) is a TypeError. */
export function normalizeOrigins(origins: readonly string[], option: string): Set<string> {
  if (!Array.isArray(origins)) throw new TypeError(`"${option}" must be an array of origins`)
  return new Set(
    origins.map((value: unknown) => {
      let url: URL | undefined
      try {
        url = typeof value === 'string' ? new URL(value) : undefined
      } catch {
        url = undefined
      }
      if (
        url === undefined ||
        (url.protocol !== 'http:' && url.protocol !== 'https:') ||
        url.username !== '' ||
        url.password !== '' ||
        url.pathname !== '/' ||
        url.search !== '' ||
        url.hash !== ''
      ) {
        throw new TypeError(
          `"${option}" entries must be http(s) origins like http://127.0.0.1:4001, got ${JSON.stringify(value)}`,
        )
      }
      return url.origin
    }),
  )
}
