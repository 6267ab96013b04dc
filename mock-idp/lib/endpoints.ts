// The endpoints the provider serves, each once: its name (what setFault and requestCount take), its path under
// the issuer, its methods, the discovery member that names its URL, and what it answers when no fault applies.
// The names type, fault validation, the discovery document's URLs and the MSW handlers all derive from ENDPOINTS.
import { cacheable } from './conditional.ts'
import type { Flow } from './flow/index.ts'
import type { MockIdpEndpoint } from '../types.ts'

/** What an endpoint's normal answer is made from. */
export interface EndpointContext {
  readonly flow: Flow
  discovery(): Record<string, unknown>
  jwks(): { keys: unknown[] }
  readonly jwksContentType: string
  readonly cacheControl: string
}

export interface EndpointSpec {
  /** Appended to the issuer (without its trailing slash). */
  readonly path: string
  /** Methods it answers; any other gets 405 (preflights aside). */
  readonly methods: readonly string[]
  /** The discovery document member that names its URL (OIDC Discovery 1.0 §3), if any. */
  readonly metadata?: string
  /** Its normal response. */
  serve(ctx: EndpointContext, request: Request): Promise<Response>
}

// Each entry is asserted to EndpointSpec: isolatedDeclarations wants a declared type, and `keyof typeof ENDPOINTS`
// (the public MockIdpEndpoint) needs only the names.
export const ENDPOINTS = {
  // OIDC Discovery 1.0 §4.
  discovery: {
    path: '/.well-known/openid-configuration',
    methods: ['GET'],
    serve: (ctx, request) => cacheable(request, JSON.stringify(ctx.discovery()), 'application/json', ctx.cacheControl),
  } as EndpointSpec,
  // RFC 7517 §5: the published keys.
  jwks: {
    path: '/jwks',
    methods: ['GET'],
    metadata: 'jwks_uri',
    serve: (ctx, request) => cacheable(request, JSON.stringify(ctx.jwks()), ctx.jwksContentType, ctx.cacheControl),
  } as EndpointSpec,
  // RFC 6749 §3.1 (GET, or a form POST as OIDC Core 3.1.2.1 allows).
  authorize: {
    path: '/authorize',
    methods: ['GET', 'POST'],
    metadata: 'authorization_endpoint',
    serve: (ctx, request) => ctx.flow.authorize(request),
  } as EndpointSpec,
  // RFC 6749 §3.2.
  token: {
    path: '/token',
    methods: ['POST'],
    metadata: 'token_endpoint',
    serve: (ctx, request) => ctx.flow.token(request),
  } as EndpointSpec,
  // OIDC Core 5.3.
  userinfo: {
    path: '/userinfo',
    methods: ['GET', 'POST'],
    metadata: 'userinfo_endpoint',
    serve: (ctx, request) => ctx.flow.userinfo(request),
  } as EndpointSpec,
  // OIDC RP-Initiated Logout 1.0 §2.
  end_session: {
    path: '/logout',
    methods: ['GET', 'POST'],
    metadata: 'end_session_endpoint',
    serve: (ctx, request) => ctx.flow.endSession(request),
  } as EndpointSpec,
  // RFC 7009 §2.
  revocation: {
    path: '/revoke',
    methods: ['POST'],
    metadata: 'revocation_endpoint',
    serve: (ctx, request) => ctx.flow.revoke(request),
  } as EndpointSpec,
}

/** Every endpoint name, in table order. */
export const ENDPOINT_NAMES: readonly MockIdpEndpoint[] = Object.freeze(Object.keys(ENDPOINTS) as MockIdpEndpoint[])

export function isEndpoint(name: unknown): name is MockIdpEndpoint {
  return typeof name === 'string' && Object.hasOwn(ENDPOINTS, name)
}

/** The URL of each endpoint under `issuer`. */
export function endpointUrls(issuer: string): Record<MockIdpEndpoint, string> {
  // Discovery 4.1: strip a trailing slash before appending the well-known path.
  const base = issuer.replace(/\/+$/, '')
  return Object.fromEntries(ENDPOINT_NAMES.map((name) => [name, `${base}${ENDPOINTS[name].path}`])) as Record<
    MockIdpEndpoint,
    string
  >
}
