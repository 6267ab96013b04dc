// Issue 9: several issuers in one verifier, routed by the token's unverified iss to a configured issuer only;
// issuer templates; the `check` hook; errors that say what to fix; defaults read at call time.
import type * as jose from 'jose'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createVerifier, IdTokenError, type CheckedToken } from '../../src/index.ts'
import { CLIENT, NOW, makeKey, rejection, sign, type TestKey } from '../helpers/issuer.ts'
import { harness } from '../helpers/harness.ts'
import { combined, fakeIdp } from '../helpers/idp.ts'

const A = 'https://a.example.test'
const B = 'https://b.example.test/tenant'
let keyA: TestKey
let keyB: TestKey
beforeAll(async () => {
  keyA = await makeKey('ES256', 'kid-a')
  keyB = await makeKey('ES256', 'kid-b')
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

const claims = (iss: string, extra: Record<string, unknown> = {}) => {
  const iat = Math.floor(NOW / 1000)
  return { iss, aud: CLIENT, sub: 'user-1', iat, exp: iat + 600, ...extra }
}

/** Providers on their own origins, each with its own discovery document and key set, behind one fetch. */
function providers(issuers: Record<string, TestKey>) {
  const discovery = { id_token_signing_alg_values_supported: ['ES256'] }
  return combined(...Object.entries(issuers).map(([issuer, key]) => fakeIdp([key.publicJwk], discovery, { issuer })))
}

describe('several issuers', () => {
  it("routes each token to its issuer and verifies it with that issuer's keys", async () => {
    const idp = providers({ [A]: keyA, [B]: keyB })
    const { verifier } = harness({}, { issuer: [A, B], fetch: idp.fetch })
    expect((await verifier.verify(await sign(keyA, { claims: claims(A) }))).payload.iss).toBe(A)
    expect((await verifier.verify(await sign(keyB, { claims: claims(B) }))).payload.iss).toBe(B)
    // B's key does not verify a token that claims to be A's.
    expect((await rejection(verifier.verify(await sign(keyB, { claims: claims(A) })))).code).toBe('ERR_KEY_NOT_FOUND')
    expect(idp.requests.filter((r) => r.endsWith('openid-configuration'))).toHaveLength(2)
  })

  it('an unconfigured iss is refused before any request', async () => {
    const idp = providers({ [A]: keyA, [B]: keyB, 'https://evil.example.test': keyB })
    const { verifier } = harness({}, { issuer: [A, B], fetch: idp.fetch })
    const error = await rejection(verifier.verify(await sign(keyB, { claims: claims('https://evil.example.test') })))
    expect(error).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'iss' })
    expect(error.message).toContain(`"${A}" or "${B}"`)
    expect(error.message).not.toContain('evil')
    expect(idp.requests).toEqual([])
  })

  it("one jwksUri serves every configured issuer (Google's two spellings of its issuer)", async () => {
    const { idp, verifier } = harness(
      { key: keyA, jwksUri: 'https://keys.example.test/certs' },
      {
        issuer: ['https://accounts.example.test', 'accounts.example.test'],
        jwksUri: 'https://keys.example.test/certs',
        algorithms: ['ES256'],
      },
    )
    const requests = idp.requests
    await verifier.verify(await sign(keyA, { claims: claims('https://accounts.example.test') }))
    await verifier.verify(await sign(keyA, { claims: claims('accounts.example.test') }))
    expect(requests).toEqual(['https://keys.example.test/certs'])
  })

  it('an issuer template matches one identifier per placeholder, and the check hook sees its value and the key', async () => {
    const seen: CheckedToken[] = []
    const { verifier } = harness(
      {
        keys: [{ ...keyA.publicJwk, issuer: 'https://login.example.test/{tenantid}/v2.0' } as jose.JWK],
        jwksUri: 'https://login.example.test/common/keys',
      },
      {
        issuer: 'https://login.example.test/{tenantid}/v2.0',
        jwksUri: 'https://login.example.test/common/keys',
        algorithms: ['ES256'],
        check(token) {
          seen.push(token)
          if (token.payload.tid !== token.params.tenantid)
            throw new IdTokenError('ERR_CLAIM_INVALID', 'tid', { claim: 'tid' })
        },
      },
    )
    const iss = 'https://login.example.test/1234-abcd/v2.0'
    await verifier.verify(await sign(keyA, { claims: claims(iss, { tid: '1234-abcd' }) }))
    expect(seen[0]).toMatchObject({
      issuer: 'https://login.example.test/{tenantid}/v2.0',
      params: { tenantid: '1234-abcd' },
      key: { issuer: 'https://login.example.test/{tenantid}/v2.0' },
    })
    expect((await rejection(verifier.verify(await sign(keyA, { claims: claims(iss, { tid: 'other' }) })))).claim).toBe(
      'tid',
    )
    for (const bad of [
      'https://login.example.test/a/b/v2.0',
      'https://login.example.test/evil.example/v2.0',
      'https://login.example.test//v2.0',
    ]) {
      expect((await rejection(verifier.verify(await sign(keyA, { claims: claims(bad, { tid: 'x' }) })))).claim).toBe(
        'iss',
      )
    }
  })

  it('a check that throws something else is ERR_CLAIM_INVALID with it as the cause', async () => {
    const cause = new Error('no')
    const { verifier } = harness(
      { key: keyA, issuer: A },
      {
        jwksUri: `${A}/jwks`,
        algorithms: ['ES256'],
        check: () => {
          throw cause
        },
      },
    )
    const error = await rejection(verifier.verify(await sign(keyA, { claims: claims(A) })))
    expect(error).toMatchObject({ code: 'ERR_CLAIM_INVALID', cause })
  })
})

describe('errors that say what to fix', () => {
  it('an issuer that is not an absolute URL without jwksUri is a TypeError that suggests the fix', () => {
    expect(() => createVerifier({ issuer: 'accounts.example.test', audience: CLIENT })).toThrow(
      /jwksUri.*idtoken-verify\/providers/,
    )
    expect(() => createVerifier({ issuer: 'https://x.example.test/{tenantid}', audience: CLIENT })).toThrow(
      /template.*jwksUri/,
    )
  })

  it('a discovery document that announces another issuer names both and hints at a trailing slash', async () => {
    const { verifier } = harness({ key: keyA, issuer: A, discovery: { issuer: `${A}/` } })
    const error = await rejection(verifier.verify(await sign(keyA, { claims: claims(A) })))
    expect(error.code).toBe('ERR_JWKS_INVALID')
    expect(error.message).toContain(`${A}/.well-known/openid-configuration`)
    expect(error.message).toContain(`"${A}/"`)
    expect(error.message).toMatch(/trailing slash/)
  })

  it('a discovery 404 is a configuration mistake, not an outage', async () => {
    const { idp, verifier } = harness({ key: keyA, issuer: A })
    idp.fault = 404
    const error = await rejection(verifier.verify(await sign(keyA, { claims: claims(A) })))
    expect(error.code).toBe('ERR_JWKS_INVALID')
    expect(error.message).toContain(`${A}/.well-known/openid-configuration answered HTTP 404`)
  })

  it('claim failures name the configured value and hint at near-misses, never quoting the token', async () => {
    const { verifier } = harness({ key: keyA, issuer: A })
    const slash = await rejection(verifier.verify(await sign(keyA, { claims: claims(`${A}/`) })))
    expect(slash.message).toMatch(/configured issuer "https:\/\/a.example.test".*trailing slash/)
    const access = await rejection(
      verifier.verify(await sign(keyA, { claims: claims(A, { aud: 'https://api.example.test', scope: 'read' }) })),
    )
    expect(access.message).toContain(`configured audience "${CLIENT}"`)
    expect(access.message).toMatch(/looks like an access token/)
    expect(access.message).not.toContain('api.example.test')
  })

  it('a misspelled check is a TypeError, and a token with its Bearer prefix is malformed with a hint', async () => {
    const { verifier } = harness({ key: keyA, issuer: A })
    const token = await sign(keyA, { claims: claims(A) })
    await expect(verifier.verify(token, { nounce: 'n' } as never)).rejects.toThrow(TypeError)
    await expect(verifier.verify(token, { nounce: 'n' } as never)).rejects.toThrow(/"nounce"/)
    const bearer = await rejection(verifier.verify(`Bearer ${token}`))
    expect(bearer.code).toBe('ERR_TOKEN_MALFORMED')
    expect(bearer.message).toMatch(/without the authorization scheme/)
  })

  it('one outage gives one code whatever the kid', async () => {
    const { idp, clock, verifier } = harness({ key: keyA, issuer: A }, { algorithms: ['ES256'] })
    await verifier.verify(await sign(keyA, { claims: claims(A) }))
    idp.fault = 'network'
    clock.advance(700)
    const later = { exp: Math.floor(clock.now() / 1000) + 600 }
    await verifier.verify(await sign(keyA, { claims: claims(A, later) })) // stale-if-error: known kid verifies
    for (let i = 0; i < 3; i++) {
      const unknown = await rejection(verifier.verify(await sign(keyB, { claims: claims(A, later) })))
      expect(unknown.code).toBe('ERR_JWKS_UNAVAILABLE')
    }
  })
})

describe('defaults read at call time', () => {
  it('a fetch installed after the verifier was made is the one used', async () => {
    const { idp, verifier } = harness({ key: keyA, issuer: A }, { fetch: undefined })
    vi.stubGlobal('fetch', idp.fetch)
    await verifier.verify(await sign(keyA, { claims: claims(A) }))
    expect(idp.requests).toHaveLength(2)
  })

  it('a fake clock installed after the verifier was made is the one used', async () => {
    const { verifier } = harness({ key: keyA, issuer: A }, { now: undefined })
    vi.useFakeTimers({ now: NOW + 3_600_000, toFake: ['Date'] })
    const error = await rejection(verifier.verify(await sign(keyA, { claims: claims(A) })))
    expect(error.code).toBe('ERR_TOKEN_EXPIRED')
  })
})
