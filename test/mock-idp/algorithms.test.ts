import { createHash } from 'node:crypto'
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockIdp, SIGNING_ALGORITHMS, type MockIdp } from '../../mock-idp/index.ts'

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']
let idp: MockIdp
const server = setupServer()

beforeAll(async () => {
  idp = await createMockIdp({ issuer: 'https://idp.example.test/tenant-a', algorithms: [...SIGNING_ALGORITHMS] })
  server.use(...idp.handlers)
  server.listen({ onUnhandledRequest: 'error' })
})
afterAll(() => server.close())

describe('every algorithm', () => {
  it.each(SIGNING_ALGORITHMS)(
    '%s: a minted ID token verifies with jose through discovery and the JWKS',
    async (alg) => {
      const discovery = (await (await fetch(idp.discoveryUrl)).json()) as Record<string, unknown>
      const keys = createRemoteJWKSet(new URL(String(discovery.jwks_uri)))
      const token = await idp.mintIdToken({ nonce: 'n-1' }, { alg })
      const { payload, protectedHeader } = await jwtVerify(token, keys, {
        issuer: idp.issuer,
        audience: idp.clientId,
        algorithms: [alg],
        currentDate: new Date(idp.nowSeconds() * 1000),
      })
      expect(protectedHeader).toMatchObject({ alg, typ: 'JWT', kid: idp.signingKid(alg) })
      expect(payload).toMatchObject({ iss: idp.issuer, aud: idp.clientId, sub: 'test-user', nonce: 'n-1' })
      expect(payload.exp).toBe(Number(payload.iat) + 3600)
    },
  )

  it.each(SIGNING_ALGORITHMS)('%s: access tokens are RFC 9068 at+jwt', async (alg) => {
    const keys = createRemoteJWKSet(new URL(idp.jwksUri))
    const token = await idp.mintAccessToken({ scope: 'openid api:read' }, { alg })
    const { payload, protectedHeader } = await jwtVerify(token, keys, {
      issuer: idp.issuer,
      audience: idp.clientId,
      typ: 'at+jwt',
    })
    expect(protectedHeader.typ).toBe('at+jwt')
    expect(Object.keys(payload).sort()).toEqual(['aud', 'client_id', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub'])
    expect(payload.scope).toBe('openid api:read')
  })
})

describe('discovery and JWKS', () => {
  it('discovery agrees with what is served', async () => {
    const response = await fetch(idp.discoveryUrl)
    expect(response.headers.get('content-type')).toBe('application/json')
    const doc = (await response.json()) as Record<string, unknown>
    expect(doc.issuer).toBe('https://idp.example.test/tenant-a')
    expect(idp.discoveryUrl).toBe('https://idp.example.test/tenant-a/.well-known/openid-configuration')
    expect(doc.jwks_uri).toBe(idp.jwksUri)
    expect(doc.id_token_signing_alg_values_supported).toEqual([...SIGNING_ALGORITHMS])
    expect(doc.code_challenge_methods_supported).toEqual(['S256'])
    expect(doc.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['none', 'client_secret_basic', 'client_secret_post']),
    )
    for (const name of [
      'authorization_endpoint',
      'token_endpoint',
      'userinfo_endpoint',
      'end_session_endpoint',
      'jwks_uri',
    ]) {
      const url = String(doc[name])
      expect(url.startsWith(`${idp.issuer}/`)).toBe(true)
      const served = await fetch(url, {
        method: 'OPTIONS',
        headers: { origin: 'http://app.test', 'access-control-request-method': 'GET' },
      })
      expect(served.status).toBe(204)
    }
  })

  it('publishes public members only, each key with kid, use and alg', async () => {
    const response = await fetch(idp.jwksUri)
    expect(response.headers.get('content-type')).toBe('application/jwk-set+json')
    expect(response.headers.get('cache-control')).toBe('public, max-age=300')
    const { keys } = (await response.json()) as { keys: Record<string, unknown>[] }
    // One key per algorithm, plus the catalogue's second key of the default alg (for missingKid), last.
    expect(keys.map((k) => k.alg)).toEqual([...SIGNING_ALGORITHMS, SIGNING_ALGORITHMS[0]])
    for (const key of keys) {
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member)
      expect(key.use).toBe('sig')
      expect(typeof key.kid).toBe('string')
      for (const value of Object.values(key)) if (typeof value === 'string') expect(value).not.toMatch(/[+/=]/)
    }
    expect(new Set(keys.map((k) => k.kid)).size).toBe(keys.length)
    expect(keys.find((k) => k.alg === 'RS256')).toMatchObject({ kty: 'RSA', e: 'AQAB' })
    expect(keys.find((k) => k.alg === 'ES512')).toMatchObject({ kty: 'EC', crv: 'P-521' })
    expect(keys.find((k) => k.alg === 'EdDSA')).toMatchObject({ kty: 'OKP', crv: 'Ed25519' })
    const n = String(keys.find((k) => k.alg === 'PS256')?.n)
    expect(Buffer.from(n, 'base64url').length * 8).toBe(2048)
  })

  it('answers If-None-Match with 304 and a changed set with 200', async () => {
    const first = await fetch(idp.jwksUri)
    const etag = first.headers.get('etag')
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/)
    const again = await fetch(idp.jwksUri, { headers: { 'if-none-match': `W/${etag}, "other"` } })
    expect(again.status).toBe(304)
    expect(again.headers.get('etag')).toBe(etag)
    expect(await again.text()).toBe('')
    const kid = await idp.rotateKeys({ alg: 'ES256', stage: true })
    const changed = await fetch(idp.jwksUri, { headers: { 'if-none-match': String(etag) } })
    expect(changed.status).toBe(200)
    expect(changed.headers.get('etag')).not.toBe(etag)
    idp.retireKey(kid)
    expect((await fetch(idp.jwksUri)).headers.get('etag')).toBe(etag)
  })

  it('mint options: header overrides, expiresIn, claims removed with undefined, at_hash and c_hash', async () => {
    const token = await idp.mintIdToken(
      { sub: 'alice', email: undefined, iat: undefined },
      {
        alg: 'ES384',
        expiresIn: 60,
        header: { typ: undefined, 'x-test': 1 },
        accessToken: 'at-1',
        code: 'code-1',
      },
    )
    const header = decodeProtectedHeader(token)
    expect(header).toEqual({ alg: 'ES384', kid: idp.signingKid('ES384'), 'x-test': 1 })
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(idp.jwksUri)), {
      issuer: idp.issuer,
      audience: idp.clientId,
    })
    expect(payload).not.toHaveProperty('iat')
    expect(payload.exp).toBe(idp.nowSeconds() + 60)
    const half = (value: string): string => {
      const digest = createHash('sha384').update(value).digest()
      return digest.subarray(0, 24).toString('base64url')
    }
    expect(payload.at_hash).toBe(half('at-1'))
    expect(payload.c_hash).toBe(half('code-1'))
  })

  it('Ed25519 at_hash uses SHA-512, and a signWith: unpublished token names a kid that is not published', async () => {
    const token = await idp.mintIdToken({}, { alg: 'EdDSA', accessToken: 'at-2' })
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >
    expect(payload.at_hash).toBe(createHash('sha512').update('at-2').digest().subarray(0, 32).toString('base64url'))
    const stray = await idp.mintIdToken({}, { signWith: 'unpublished' })
    const { kid } = decodeProtectedHeader(stray)
    expect(idp.jwks().keys.map((k) => k.kid)).not.toContain(kid)
  })

  it('can serve the JWKS as application/json with another Cache-Control', async () => {
    const other = await createMockIdp({
      issuer: 'https://other.example.test',
      algorithms: ['ES256'],
      jwksContentType: 'application/json',
      cacheControl: 'no-cache',
    })
    server.use(...other.handlers)
    const response = await fetch(other.jwksUri)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.headers.get('cache-control')).toBe('no-cache')
  })

  it('rejects bad options with TypeError', async () => {
    await expect(createMockIdp({ algorithms: ['HS256'] })).rejects.toThrow(TypeError)
    await expect(createMockIdp({ issuer: 'not a url' })).rejects.toThrow(TypeError)
    await expect(createMockIdp({ issuer: 'https://x.test/?q=1' })).rejects.toThrow(TypeError)
    await expect(idp.mintIdToken({}, { alg: 'RS999' })).rejects.toThrow(TypeError)
  })
})
