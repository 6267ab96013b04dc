// Response helpers shared by the endpoints: JSON, OAuth errors (RFC 6749 5.2) and CORS.

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
const EXPOSED_HEADERS = 'etag, cache-control, www-authenticate, location, content-type'

// Browser SPAs call discovery, JWKS, token and userinfo cross-origin. Reflecting the Origin (not
// `*`) keeps credentialed requests working too; `Vary: Origin` keeps shared caches honest.
export function withCors(request: Request, response: Response): Response {
  if (response.type === 'error' || navigations.has(response)) return response
  const origin = request.headers.get('origin')
  const headers = new Headers(response.headers)
  headers.set('access-control-allow-origin', origin ?? '*')
  if (origin !== null) {
    headers.set('access-control-allow-credentials', 'true')
    headers.append('vary', 'Origin')
  }
  headers.set('access-control-expose-headers', EXPOSED_HEADERS)
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
}

export function preflight(request: Request, methods: readonly string[]): Response {
  return new Response(null, {
    status: 204,
    headers: {
      'access-control-allow-methods': [...methods, 'OPTIONS'].join(', '),
      'access-control-allow-headers': request.headers.get('access-control-request-headers') ?? ALLOWED_HEADERS,
      'access-control-max-age': '600',
    },
  })
}

export function methodNotAllowed(methods: readonly string[]): Response {
  return json({ error: 'invalid_request', error_description: `method not allowed; use ${methods.join(' or ')}` }, 405, {
    allow: [...methods, 'OPTIONS'].join(', '),
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
