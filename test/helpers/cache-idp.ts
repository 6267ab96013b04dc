// A provider whose caching headers, ETags and failures a test controls, with exact request counts.
import type * as jose from 'jose'
import { ALGS, ISSUER } from './issuer.ts'

export type Fault = { status: number } | { network: true } | { body: string } | { hang: true }

export interface CacheIdp {
  fetch: typeof fetch
  keys: jose.JWK[]
  /** Response headers for the key set (and discovery), e.g. { 'cache-control': 'max-age=300' }. */
  headers: Record<string, string>
  /** Serve ETags and answer If-None-Match with 304. */
  etags: boolean
  /** Failures for the next requests (all requests while set). */
  fault: Fault | undefined
  /** Per-request log: path and the If-None-Match it carried. */
  log: Array<{ path: string; ifNoneMatch: string | null; status: number }>
  count(path?: string): number
}

export function cacheIdp(keys: jose.JWK[]): CacheIdp {
  const idp: CacheIdp = {
    keys,
    headers: {},
    etags: true,
    fault: undefined,
    log: [],
    count: (path) => idp.log.filter((entry) => path === undefined || entry.path === path).length,
    fetch: async (input, init) => {
      const request = new Request(input as RequestInfo, init)
      const path = new URL(request.url).pathname
      const ifNoneMatch = request.headers.get('if-none-match')
      const record = (status: number) => idp.log.push({ path, ifNoneMatch, status })
      const fault = idp.fault
      if (fault !== undefined) {
        if ('network' in fault) {
          record(0)
          throw new TypeError('fetch failed')
        }
        if ('hang' in fault) {
          record(0)
          return new Promise<Response>((_, reject) => {
            init?.signal?.addEventListener('abort', () => reject(init.signal!.reason))
          })
        }
        if ('status' in fault) {
          record(fault.status)
          return new Response('unavailable', { status: fault.status })
        }
        record(200)
        return new Response(fault.body, { status: 200, headers: { 'content-type': 'application/json' } })
      }
      const body =
        path === '/.well-known/openid-configuration'
          ? JSON.stringify({
              issuer: ISSUER,
              jwks_uri: `${ISSUER}/jwks`,
              id_token_signing_alg_values_supported: [...ALGS],
            })
          : path === '/jwks'
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

function hash(text: string): string {
  let h = 2166136261
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619)
  return (h >>> 0).toString(16)
}

/** A clock tests move by hand. */
export function manualClock(start: number): {
  now: () => number
  advance(seconds: number): void
  set(ms: number): void
} {
  let t = start
  return { now: () => t, advance: (s) => void (t += s * 1000), set: (ms) => void (t = ms) }
}
