// A provider (or anyone between us and it) answering with a redirect must not choose where keys come from:
// no redirect is followed, not https -> http, not to another host. A redirect is a configuration matter
// (ERR_JWKS_INVALID) whose message names the configured URL, the status and the Location to configure instead.
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createVerifier } from '../../src/index.ts'
import { getJson } from '../../src/lib/http.ts'
import { CLIENT, ISSUER, makeKey, NOW, sign, type TestKey } from '../helpers/issuer.ts'
import { opaqueRedirect, serve, type TestServer } from './http-fixtures.ts'

const JWKS_URL = `${ISSUER}/jwks`
const DISCOVERY_URL = `${ISSUER}/.well-known/openid-configuration`
const EVIL = 'http://evil.example.test'

let attacker: TestKey
beforeAll(async () => {
  attacker = await makeKey('RS256', 'kid-attacker')
})

/**
 * Behaves like fetch: follows a redirect unless told `redirect: 'manual'`. Every path of the issuer answers
 * `status` to the attacker's host (plain http), which serves a discovery document and the attacker's keys.
 */
function redirectingFetch(status: number, from: string): { fetch: typeof fetch; urls: string[] } {
  const urls: string[] = []
  const evilServe = (url: URL): Response =>
    url.pathname === '/jwks'
      ? Response.json({ keys: [attacker.publicJwk] })
      : Response.json({ issuer: ISSUER, jwks_uri: `${ISSUER}/jwks`, id_token_signing_alg_values_supported: ['RS256'] })
  const fetchFn: typeof fetch = async (input, init) => {
    const url = new URL(String(input))
    urls.push(url.href)
    if (url.href !== from) return evilServe(url)
    const location = `${EVIL}${url.pathname}`
    if (init?.redirect === 'manual') return new Response(null, { status, headers: { location } })
    urls.push(location)
    return evilServe(new URL(location))
  }
  return { fetch: fetchFn, urls }
}

describe('redirects are never followed', () => {
  it.each([301, 302, 303, 307, 308])('a key set answering %i over https -> http is refused', async (status) => {
    const idp = redirectingFetch(status, JWKS_URL)
    const verifier = createVerifier({
      issuer: ISSUER,
      audience: CLIENT,
      jwksUri: JWKS_URL,
      fetch: idp.fetch,
      now: () => NOW,
      cache: 'memory',
    })
    const token = await sign(attacker)
    const error = await verifier.verify(token).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    )
    expect(error?.code).toBe('ERR_JWKS_INVALID')
    expect(error?.message).toBe(
      `the key set at ${JWKS_URL} answered HTTP ${status} (a redirect, which is not followed): configure the final URL (Location: ${EVIL}/jwks)`,
    )
    expect(idp.urls).toEqual([JWKS_URL])
  })

  it('a discovery document answering 302 is refused and no key set is fetched', async () => {
    const idp = redirectingFetch(302, DISCOVERY_URL)
    const verifier = createVerifier({
      issuer: ISSUER,
      audience: CLIENT,
      fetch: idp.fetch,
      now: () => NOW,
      cache: 'memory',
    })
    const error = await verifier.verify(await sign(attacker)).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    )
    expect(error?.code).toBe('ERR_JWKS_INVALID')
    expect(error?.message).toContain(`the discovery document at ${DISCOVERY_URL} answered HTTP 302`)
    expect(error?.message).toContain(`(Location: ${EVIL}/.well-known/openid-configuration)`)
    expect(idp.urls).toEqual([DISCOVERY_URL])
  })

  it('every request asks for redirect: manual', async () => {
    const seen: (RequestRedirect | undefined)[] = []
    const fetchFn: typeof fetch = async (_input, init) => {
      seen.push(init?.redirect)
      return Response.json({ keys: [] })
    }
    await getJson({ fetch: fetchFn, timeout: 1000 }, JWKS_URL, 'key set')
    expect(seen).toEqual(['manual'])
  })

  it("a browser's opaque redirect (type opaqueredirect, status 0) is refused as a redirect", async () => {
    const error = await getJson({ fetch: async () => opaqueRedirect(), timeout: 1000 }, JWKS_URL, 'key set').then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    )
    expect(error?.code).toBe('ERR_JWKS_INVALID')
    expect(error?.message).toBe(
      `the key set at ${JWKS_URL} answered with a redirect, which is not followed: configure the final URL`,
    )
  })

  it('a transport that followed a redirect anyway (response.redirected) is refused', async () => {
    const followed = (): Response => {
      const response = Response.json({ keys: [attacker.publicJwk] })
      Object.defineProperty(response, 'redirected', { value: true })
      Object.defineProperty(response, 'url', { value: `${EVIL}/jwks` })
      return response
    }
    const error = await getJson({ fetch: async () => followed(), timeout: 1000 }, JWKS_URL, 'key set').then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    )
    expect(error?.code).toBe('ERR_JWKS_INVALID')
    expect(error?.message).toBe(
      `the key set at ${JWKS_URL} was answered through a redirect, which is not followed: configure the final URL (${EVIL}/jwks)`,
    )
  })

  it('a redirect without Location still names the status and the hint', async () => {
    const error = await getJson(
      { fetch: async () => new Response(null, { status: 300 }), timeout: 1000 },
      JWKS_URL,
      'key set',
    ).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    )
    expect(error?.code).toBe('ERR_JWKS_INVALID')
    expect(error?.message).toBe(
      `the key set at ${JWKS_URL} answered HTTP 300 (a redirect, which is not followed): configure the final URL`,
    )
  })

  it('a long Location is cut in the message', async () => {
    const location = `https://other.example.test/${'a'.repeat(10_000)}`
    const error = await getJson(
      { fetch: async () => new Response(null, { status: 302, headers: { location } }), timeout: 1000 },
      JWKS_URL,
      'key set',
    ).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    )
    expect(error?.code).toBe('ERR_JWKS_INVALID')
    expect(error?.message).toContain('(Location: https://other.example.test/aaa')
    expect(error?.message).toContain('…')
    expect(error?.message.length).toBeLessThan(500)
  })

  it('304 stays a conditional answer, not a redirect', async () => {
    const fetchFn: typeof fetch = async () => new Response(null, { status: 304, headers: { etag: '"1"' } })
    const response = await getJson({ fetch: fetchFn, timeout: 1000 }, JWKS_URL, 'key set', { 'if-none-match': '"1"' })
    expect(response.status).toBe(304)
    expect(response.body).toBeUndefined()
    expect(response.headers.get('etag')).toBe('"1"')
  })
})

describe('over real HTTP with the global fetch (undici)', () => {
  let server: TestServer
  afterEach(async () => {
    await server.close()
  })

  it('a 302 to another path is not followed; a relative Location is shown resolved', async () => {
    server = await serve((request, response) => {
      if (request.url === '/jwks') {
        response.writeHead(302, { location: '/moved' })
        response.end()
      } else {
        response.writeHead(200, { 'content-type': 'application/json' })
        response.end(JSON.stringify({ keys: [] }))
      }
    })
    const url = `${server.origin}/jwks`
    const error = await getJson({ fetch: globalThis.fetch, timeout: 5000 }, url, 'key set').then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    )
    expect(error?.code).toBe('ERR_JWKS_INVALID')
    expect(error?.message).toBe(
      `the key set at ${url} answered HTTP 302 (a redirect, which is not followed): configure the final URL (Location: ${server.origin}/moved)`,
    )
    expect(server.requests).toEqual(['/jwks'])
  })
})
