// MSW handlers: one per endpoint, from msw core only, so they run under setupServer,
// setupWorker and the real HTTP server alike. Each goes: fault/log -> key schedule -> CORS.
import { http, type RequestHandler } from 'msw'
import { b64u, utf8 } from './encoding.ts'
import type { FaultState } from './faults.ts'
import type { Flow } from './flow.ts'
import { methodNotAllowed, preflight, withCors } from './http.ts'
import type { KeyRing } from './keys.ts'
import type { MockIdpEndpoint } from '../types.ts'

export interface HandlerContext {
  endpoints: Readonly<Record<MockIdpEndpoint, string>>
  ring: KeyRing
  faults: FaultState
  flow: Flow
  discovery(): Record<string, unknown>
  jwks(): { keys: unknown[] }
  jwksContentType: string
  cacheControl: string
}

async function etagOf(body: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(body)))
  return `"${b64u(digest.subarray(0, 16))}"`
}

// RFC 9110 13.1.2: weak comparison, a list, or `*`.
function matchesEtag(header: string | null, etag: string): boolean {
  if (header === null) return false
  return header.split(',').some((candidate) => {
    const value = candidate.trim()
    return value === '*' || value.replace(/^W\//, '') === etag
  })
}

async function cacheable(request: Request, body: string, contentType: string, cacheControl: string): Promise<Response> {
  const etag = await etagOf(body)
  const headers = { etag, 'cache-control': cacheControl }
  if (matchesEtag(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers })
  return new Response(body, { status: 200, headers: { ...headers, 'content-type': contentType } })
}

export function createHandlers(ctx: HandlerContext): RequestHandler[] {
  const route = (
    endpoint: MockIdpEndpoint,
    methods: readonly string[],
    respond: (request: Request) => Promise<Response>,
  ): RequestHandler =>
    http.all(ctx.endpoints[endpoint], async ({ request }) => {
      const response = await ctx.faults.apply(endpoint, request, async () => {
        if (request.method === 'OPTIONS') return preflight(request, methods)
        if (!methods.includes(request.method)) return methodNotAllowed(methods)
        await ctx.ring.applySchedule()
        return respond(request)
      })
      return withCors(request, response)
    })

  return [
    route('discovery', ['GET'], (request) =>
      cacheable(request, JSON.stringify(ctx.discovery()), 'application/json', ctx.cacheControl),
    ),
    route('jwks', ['GET'], (request) =>
      cacheable(request, JSON.stringify(ctx.jwks()), ctx.jwksContentType, ctx.cacheControl),
    ),
    route('authorize', ['GET', 'POST'], (request) => ctx.flow.authorize(request)),
    route('token', ['POST'], (request) => ctx.flow.token(request)),
    route('userinfo', ['GET', 'POST'], (request) => ctx.flow.userinfo(request)),
    route('end_session', ['GET', 'POST'], (request) => ctx.flow.endSession(request)),
    route('revocation', ['POST'], (request) => ctx.flow.revoke(request)),
  ]
}
