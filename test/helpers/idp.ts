// The one in-memory provider of the verifier tests: discovery and a key set served from memory, with the caching
// headers, ETags and failures a test sets, and every request logged (so counts are exact).
import type * as jose from 'jose'
import { ALGS, ISSUER } from './issuer.ts'

/**
 * How requests fail while set: an HTTP status, a network error, a request that never answers (until aborted),
 * or a 200 with this body.
 */
export type Fault = number | 'network' | 'hang' | { body: string }

export interface LoggedRequest {
  url: string
  path: string
  ifNoneMatch: string | null
  /** The status answered; 0 when there was no response (network error, hang, aborted). */
  status: number
}

export interface FakeIdp {
  fetch: typeof fetch
  readonly issuer: string
  keys: jose.JWK[]
  discovery: Record<string, unknown>
  /** Response headers for both documents, e.g. { 'cache-control': 'max-age=300' }. */
  headers: Record<string, string>
  /** Serve ETags and answer a matching If-None-Match with 304. */
  etags: boolean
  /** Every request fails this way while set. */
  fault: Fault | undefined
  /** Requests to one path (e.g. '/jwks') fail this way while set; `fault` wins over these. */
  faults: Record<string, Fault>
  log: LoggedRequest[]
  /** The URLs requested, in order (the same requests as `log`). */
  requests: string[]
  /** Requests to `path` (any host), or all of them. */
  count(path?: string): number
}

export interface FakeIdpOptions {
  /** Discovery is served at this issuer's path + /.well-known/openid-configuration (ISSUER by default). */
  issuer?: string
  /** The key set is served at this URL's path ({issuer}/jwks by default), and discovery names it. */
  jwksUri?: string
}

/**
 * Serves the discovery document and the key set by path, whatever the host (a jwks_uri on another host is
 * answered too); anything else is a 404.
 */
export function fakeIdp(keys: jose.JWK[], discovery: Record<string, unknown> = {}, options: FakeIdpOptions = {}) {
  const issuer = options.issuer ?? ISSUER
  const jwksUri = options.jwksUri ?? `${issuer}/jwks`
  const discoveryPath = `${new URL(issuer).pathname.replace(/\/$/, '')}/.well-known/openid-configuration`
  const jwksPath = new URL(jwksUri).pathname
  const idp: FakeIdp = {
    issuer,
    keys,
    discovery: {
      issuer,
      jwks_uri: jwksUri,
      id_token_signing_alg_values_supported: [...ALGS],
      ...discovery,
    },
    headers: {},
    etags: true,
    fault: undefined,
    faults: {},
    log: [],
    requests: [],
    count: (path) => idp.log.filter((entry) => path === undefined || entry.path === path).length,
    fetch: async (input, init) => {
      const request = new Request(input as RequestInfo, init)
      const url = request.url
      const path = new URL(url).pathname
      const ifNoneMatch = request.headers.get('if-none-match')
      const record = (status: number) => {
        idp.log.push({ url, path, ifNoneMatch, status })
        idp.requests.push(url)
      }
      if (init?.signal?.aborted) {
        record(0)
        throw init.signal.reason
      }
      const fault = idp.fault ?? idp.faults[path]
      if (fault !== undefined) return failing(fault, record, init?.signal)
      const body =
        path === discoveryPath
          ? JSON.stringify(idp.discovery)
          : path === jwksPath
            ? JSON.stringify({ keys: idp.keys })
            : undefined
      if (body === undefined) {
        record(404)
        return new Response('not found', { status: 404 })
      }
      const etag = `"${hash(body)}"`
      if (idp.etags && ifNoneMatch === etag) {
        record(304)
        return new Response(null, { status: 304, headers: { etag, ...idp.headers } })
      }
      record(200)
      return new Response(body, {
        status: 200,
        headers: { 'content-type': 'application/json', ...(idp.etags ? { etag } : {}), ...idp.headers },
      })
    },
  }
  return idp
}

function failing(fault: Fault, record: (status: number) => void, signal: AbortSignal | null | undefined) {
  if (fault === 'network') {
    record(0)
    throw new TypeError('fetch failed')
  }
  if (fault === 'hang') {
    record(0)
    return new Promise<Response>((_, reject) => {
      signal?.addEventListener('abort', () => reject(signal.reason))
    })
  }
  if (typeof fault === 'number') {
    record(fault)
    return new Response('unavailable', { status: fault })
  }
  record(200)
  return new Response(fault.body, { status: 200, headers: { 'content-type': 'application/json' } })
}

/**
 * Several providers behind one fetch: a request goes to the first whose discovery or key set URL it is
 * (host included), else 404. `requests` lists every URL asked for, in order.
 */
export function combined(...idps: FakeIdp[]): { fetch: typeof fetch; requests: string[] } {
  const requests: string[] = []
  const owns = (idp: FakeIdp, url: string) =>
    url === `${idp.issuer.replace(/\/$/, '')}/.well-known/openid-configuration` || url === idp.discovery.jwks_uri
  return {
    requests,
    fetch: async (input, init) => {
      const url = new Request(input as RequestInfo, init).url
      requests.push(url)
      const idp = idps.find((candidate) => owns(candidate, url))
      return idp === undefined ? new Response('not found', { status: 404 }) : idp.fetch(input, init)
    },
  }
}

function hash(text: string): string {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619)
  return (h >>> 0).toString(16)
}
