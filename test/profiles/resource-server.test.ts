// The resource-server helpers: reading a bearer token per RFC 6750 §2.1 (and refusing what §3.1 calls an
// invalid request), and the WWW-Authenticate challenge of §3 for each failure, never carrying token content.
import { beforeAll, describe, expect, it } from 'vitest'
import {
  BearerError,
  bearerToken,
  challenge,
  challengeResponse,
  createAccessTokenVerifier,
  IdTokenError,
} from '../../src/index.ts'
import { keysForAllAlgs, type TestKey } from '../helpers/issuer.ts'
import { harness } from '../helpers/harness.ts'
import { accessToken, API } from '../helpers/profiles.ts'

const request = (authorization?: string | string[], url = 'https://api.example.test/invoices'): Request => {
  const headers = new Headers()
  for (const value of typeof authorization === 'string' ? [authorization] : (authorization ?? []))
    headers.append('authorization', value)
  return new Request(url, { headers })
}

function invalidRequest(run: () => unknown): BearerError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(BearerError)
    expect((error as BearerError).error).toBe('invalid_request')
    return error as BearerError
  }
  throw new Error('expected a BearerError')
}

describe('bearerToken (RFC 6750 §2.1)', () => {
  it('reads the token68 after the scheme, in any case, after one or more spaces', () => {
    expect(bearerToken(request('Bearer abc.DEF-_~+/x=='))).toBe('abc.DEF-_~+/x==')
    expect(bearerToken(request('bearer a.b.c'))).toBe('a.b.c')
    expect(bearerToken(request('BEARER  a.b.c'))).toBe('a.b.c')
  })

  it('undefined without an Authorization header, or with another scheme', () => {
    expect(bearerToken(request())).toBeUndefined()
    expect(bearerToken(request('Basic dXNlcjpwYXNz'))).toBeUndefined()
    expect(bearerToken(request('Bearerish a.b.c'))).toBeUndefined()
  })

  it('malformed or repeated Bearer credentials are invalid_request, whose description quotes nothing', () => {
    const secret = 'eyJhbGciOiJSUzI1NiJ9'
    for (const header of [
      'Bearer',
      'Bearer ',
      `Bearer ${secret} extra`,
      `Bearer "${secret}"`,
      `Bearer ${secret},x`,
      `Bearer\t${secret}`,
      `Bearer ${secret}=a`,
    ]) {
      const error = invalidRequest(() => bearerToken(request(header)))
      expect(error.description).not.toContain(secret)
    }
    invalidRequest(() => bearerToken(request([`Bearer ${secret}`, 'Bearer b.c.d'])))
  })

  it('a token in the URI query as well (or instead) is invalid_request: it is never read from there', () => {
    invalidRequest(() => bearerToken(request('Bearer a.b.c', 'https://api.example.test/x?access_token=a.b.c')))
    invalidRequest(() => bearerToken(request(undefined, 'https://api.example.test/x?access_token=a.b.c')))
  })
})

describe('challenge (RFC 6750 §3)', () => {
  it('no credentials: the bare challenge, with realm and scope but no error', () => {
    expect(challenge()).toBe('Bearer')
    expect(challenge(undefined, { realm: 'api "v2"', scope: ['a', 'b'] })).toBe(
      'Bearer realm="api \\"v2\\"", scope="a b"',
    )
  })

  it('verification failures are invalid_token; a missing scope is insufficient_scope with the scopes needed', () => {
    const expired = new IdTokenError('ERR_TOKEN_EXPIRED', 'the token has expired ("exp")', { claim: 'exp' })
    expect(challenge(expired, { realm: 'api', scope: 'a' })).toBe(
      'Bearer realm="api", error="invalid_token", error_description="the token has expired (\'exp\')"',
    )
    const scope = new IdTokenError('ERR_CLAIM_INVALID', 'the "scope" claim lacks the required scope "a"', {
      claim: 'scope',
    })
    expect(challenge(scope, { scope: 'a b' })).toBe(
      'Bearer error="insufficient_scope", error_description="the \'scope\' claim lacks the required scope \'a\'", scope="a b"',
    )
  })

  it('invalid_request from a BearerError or by hand; outages carry no error code', () => {
    expect(challenge(new BearerError('bad header'))).toBe(
      'Bearer error="invalid_request", error_description="bad header"',
    )
    expect(challenge({ error: 'invalid_token' })).toBe('Bearer error="invalid_token"')
    expect(challenge(new IdTokenError('ERR_JWKS_UNAVAILABLE', 'down'), { realm: 'api' })).toBe('Bearer realm="api"')
    expect(() => challenge({ error: 'bad"code' })).toThrow(TypeError)
    expect(() => challenge(undefined, { scope: ['a"b'] })).toThrow(TypeError)
  })

  it('descriptions keep to the RFC 6750 grammar: no quote, backslash, control or non-ASCII character', () => {
    const header = challenge({ error: 'invalid_token', description: 'a "b" \\ c\r\nd é' })
    expect(header).toBe('Bearer error="invalid_token", error_description="a \'b\' ? c??d ?"')
  })

  it('challengeResponse: the status for each failure, the header, no body', async () => {
    const cases: Array<[Parameters<typeof challengeResponse>[0], number]> = [
      [undefined, 401],
      [new IdTokenError('ERR_SIGNATURE_INVALID', 'the signature does not verify'), 401],
      [new IdTokenError('ERR_CLAIM_INVALID', 'x', { claim: 'scope' }), 403],
      [new BearerError('x'), 400],
      [new IdTokenError('ERR_JWKS_UNAVAILABLE', 'x'), 503],
      [new IdTokenError('ERR_JWKS_INVALID', 'x'), 500],
    ]
    for (const [failure, status] of cases) {
      const response = challengeResponse(failure, { realm: 'api' })
      expect(response.status).toBe(status)
      expect(response.headers.get('www-authenticate')).toBe(challenge(failure, { realm: 'api' }))
      expect(await response.text()).toBe('')
    }
    expect(challengeResponse(new IdTokenError('ERR_JWKS_UNAVAILABLE', 'x')).headers.get('retry-after')).toBe('30')
  })
})

describe('end to end with the access-token verifier', () => {
  let key: TestKey
  beforeAll(async () => {
    key = (await keysForAllAlgs()).RS256
  })

  it('a real failure becomes a challenge that carries no part of the token', async () => {
    const api = harness({ key }).loadWith(createAccessTokenVerifier, { audience: API }).verifier
    const token = await accessToken(key, { claims: { scope: 'invoices:read', sub: 'secret-subject-value' } })
    const found = bearerToken(request(`Bearer ${token}`))!
    const error = (await api.verify(found, { scopes: ['invoices:write'] }).catch((e: unknown) => e)) as IdTokenError
    const header = challenge(error, { realm: 'api', scope: ['invoices:write'] })
    expect(header).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="the \'scope\' claim lacks the required scope \'invoices:write\'", scope="invoices:write"',
    )
    for (const part of [token, ...token.split('.'), 'secret-subject-value']) expect(header).not.toContain(part)
  })
})
