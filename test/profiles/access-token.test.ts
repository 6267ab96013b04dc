// The access-token verifier (RFC 9068) end to end over the in-memory fake provider: the typ rule, the
// required claims, the authorization checks, the plain-JWT mode for providers that need it, option misuse,
// the key set shared with the ID-token verifier, and every error code. Tokens are signed by jose.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createAccessTokenVerifier,
  ERROR_CODES,
  memoryStore,
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
} from '../../src/index.ts'
import { ALGS, CLIENT, ISSUER, keysForAllAlgs, sign, type Alg, type TestKey } from '../helpers/issuer.ts'
import { harness, type Harness } from '../helpers/harness.ts'
import { segment, signSegments, withSignature } from '../helpers/forge.ts'
import { accessClaims, accessToken, API, expectRejection, logoutToken, T } from '../helpers/profiles.ts'

let keys: Record<Alg, TestKey>
let h: Harness
beforeAll(async () => {
  keys = await keysForAllAlgs()
  h = harness({ keys: ALGS.map((alg) => keys[alg].publicJwk) })
})

const produced = new Set<string>()
afterAll(() => {
  expect([...produced].sort()).toEqual([...ERROR_CODES].sort())
})

function api(options: Partial<AccessTokenVerifierOptions> = {}, on: Harness = h): AccessTokenVerifier {
  return on.loadWith(createAccessTokenVerifier, { audience: API, cooldown: 0, ...options }).verifier
}
const reject = (
  v: AccessTokenVerifier,
  token: string,
  code: Parameters<typeof expectRejection>[2],
  options: Parameters<typeof expectRejection>[3] = {},
) => expectRejection(v, token, code, { ...options, produced })

describe('typ (RFC 9068 §4 step 1)', () => {
  it('at+jwt and application/at+jwt verify, in any case', async () => {
    const v = api()
    for (const typ of ['at+jwt', 'AT+JWT', 'application/at+jwt', 'Application/AT+JWT']) {
      const { payload, header } = await v.verify(await accessToken(keys.RS256, { header: { typ } }))
      expect(header.typ).toBe(typ)
      expect(payload).toMatchObject({ iss: ISSUER, aud: API, sub: 'user-1', client_id: CLIENT, jti: 'at-1' })
    }
  })

  it('JWT, none, logout+jwt, secevent+jwt and near misses are ERR_HEADER_UNSUPPORTED', async () => {
    const v = api()
    for (const typ of [
      'JWT',
      'application/jwt',
      'logout+jwt',
      'secevent+jwt',
      'at+jwt ',
      'at+JWT; charset=utf-8',
      'jwt+at',
      '',
    ]) {
      const error = await reject(v, await accessToken(keys.RS256, { header: { typ } }), 'ERR_HEADER_UNSUPPORTED')
      expect(error.message).toBe('the header "typ" names a token kind other than an access token ("at+jwt")')
    }
    const untyped = await signSegments(
      keys.RS256,
      segment({ alg: 'RS256', kid: keys.RS256.kid }),
      segment(accessClaims()),
    )
    expect((await reject(v, untyped, 'ERR_HEADER_UNSUPPORTED')).message).toBe(
      'the header has no "typ": an access token must be typed "at+jwt"',
    )
    await reject(v, await accessToken(keys.RS256, { header: { typ: 5 } }), 'ERR_TOKEN_MALFORMED')
  })

  it('crit and b64 are refused as for ID tokens', async () => {
    const v = api()
    const raw = (header: Record<string, unknown>) =>
      signSegments(
        keys.RS256,
        segment({ alg: 'RS256', kid: keys.RS256.kid, typ: 'at+jwt', ...header }),
        segment(accessClaims()),
      )
    await reject(v, await raw({ crit: ['exp'], exp: 1 }), 'ERR_HEADER_UNSUPPORTED')
    const error = await reject(v, await raw({ b64: false }), 'ERR_HEADER_UNSUPPORTED')
    expect(error.message).toBe('the header has "b64": unencoded payloads are not access tokens')
  })
})

describe('algorithms', () => {
  it('default allowlist RS256, whatever discovery announces for ID tokens; "algorithms" widens it', async () => {
    await api().verify(await accessToken(keys.RS256))
    await reject(api(), await accessToken(keys.ES256), 'ERR_ALG_NOT_ALLOWED')
    await reject(api(), await accessToken(keys.PS256), 'ERR_ALG_NOT_ALLOWED')
    const all = api({ algorithms: [...ALGS] })
    for (const alg of ALGS)
      await expect(all.verify(await accessToken(keys[alg]))).resolves.toMatchObject({ header: { alg } })
  })

  it('alg none and HS256 are ERR_ALG_NOT_ALLOWED', async () => {
    const payload = segment(accessClaims())
    await reject(api(), `${segment({ alg: 'none', typ: 'at+jwt' })}.${payload}.`, 'ERR_ALG_NOT_ALLOWED')
    await reject(
      api(),
      `${segment({ alg: 'HS256', typ: 'at+jwt', kid: keys.RS256.kid })}.${payload}.AAAA`,
      'ERR_ALG_NOT_ALLOWED',
    )
    expect(() => api({ algorithms: ['HS256' as 'RS256'] })).toThrow(TypeError)
  })
})

describe('claims (RFC 9068 §2.2, §4)', () => {
  for (const claim of ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti']) {
    it(`"${claim}" is required`, async () => {
      const error = await reject(api(), await accessToken(keys.RS256, { omit: [claim] }), 'ERR_CLAIM_INVALID', {
        claim,
      })
      // Without iss the core refuses the token by its issuer before any key is fetched.
      if (claim !== 'iss') expect(error.message).toBe(`the required "${claim}" claim is missing`)
    })
  }

  it('iss exactly; aud contains the resource (string or array); a client id as aud is refused', async () => {
    const v = api()
    await reject(v, await accessToken(keys.RS256, { claims: { iss: `${ISSUER}/` } }), 'ERR_CLAIM_INVALID', {
      claim: 'iss',
    })
    await v.verify(await accessToken(keys.RS256, { claims: { aud: ['https://other.example.test', API] } }))
    await reject(v, await accessToken(keys.RS256, { claims: { aud: CLIENT } }), 'ERR_CLAIM_INVALID', { claim: 'aud' })
    await api({ audience: ['https://other.example.test', API] }).verify(await accessToken(keys.RS256))
  })

  it('exp, nbf and iat with the clock tolerance; maxTokenAge', async () => {
    const v = api()
    await reject(v, await accessToken(keys.RS256, { claims: { exp: T - 60 } }), 'ERR_TOKEN_EXPIRED', { claim: 'exp' })
    await v.verify(await accessToken(keys.RS256, { claims: { exp: T - 59 } }))
    await reject(v, await accessToken(keys.RS256, { claims: { nbf: T + 61 } }), 'ERR_TOKEN_NOT_YET_VALID', {
      claim: 'nbf',
    })
    await reject(v, await accessToken(keys.RS256, { claims: { iat: T + 61 } }), 'ERR_TOKEN_NOT_YET_VALID', {
      claim: 'iat',
    })
    await reject(
      api({ maxTokenAge: 300 }),
      await accessToken(keys.RS256, { claims: { iat: T - 400 } }),
      'ERR_CLAIM_INVALID',
      { claim: 'iat' },
    )
  })

  it('registered claims of the wrong type, client_id and scope included, are ERR_TOKEN_MALFORMED', async () => {
    for (const [claim, value] of [
      ['client_id', 5],
      ['scope', ['a', 'b']],
      ['exp', '1'],
      ['jti', 1],
      ['sub', null],
    ] as const) {
      await reject(api(), await accessToken(keys.RS256, { claims: { [claim]: value } }), 'ERR_TOKEN_MALFORMED', {
        claim,
      })
    }
  })

  it('sub empty is refused; the subject check compares it', async () => {
    await reject(api(), await accessToken(keys.RS256, { claims: { sub: '' } }), 'ERR_CLAIM_INVALID', { claim: 'sub' })
    await api().verify(await accessToken(keys.RS256), { subject: 'user-1' })
    await reject(api(), await accessToken(keys.RS256), 'ERR_CLAIM_INVALID', {
      claim: 'sub',
      checks: { subject: 'user-2' },
    })
  })
})

describe('authorization checks', () => {
  it('scopes: every one must be granted (creation time and per call add up); case-sensitive; naming only what is missing', async () => {
    const v = api({ scopes: ['invoices:read'] })
    await v.verify(await accessToken(keys.RS256))
    await v.verify(await accessToken(keys.RS256, { claims: { scope: 'invoices:write invoices:read' } }), {
      scopes: ['invoices:write'],
    })
    const error = await reject(v, await accessToken(keys.RS256), 'ERR_CLAIM_INVALID', {
      claim: 'scope',
      checks: { scopes: ['invoices:write', 'admin'] },
    })
    expect(error.message).toBe('the "scope" claim lacks the required scope "invoices:write" and "admin"')
    await reject(v, await accessToken(keys.RS256, { claims: { scope: 'Invoices:Read' } }), 'ERR_CLAIM_INVALID', {
      claim: 'scope',
    })
    await reject(v, await accessToken(keys.RS256, { omit: ['scope'] }), 'ERR_CLAIM_INVALID', { claim: 'scope' })
    // A scope that only contains the wanted one as a substring is not it.
    await reject(v, await accessToken(keys.RS256, { claims: { scope: 'invoices:read-all' } }), 'ERR_CLAIM_INVALID', {
      claim: 'scope',
    })
  })

  it('clientIds: client_id must be allowed', async () => {
    await api({ clientIds: [CLIENT, 'other'] }).verify(await accessToken(keys.RS256))
    await reject(api({ clientIds: ['other'] }), await accessToken(keys.RS256), 'ERR_CLAIM_INVALID', {
      claim: 'client_id',
    })
  })

  it('acr and maxAuthAge (creation time, replaced per call)', async () => {
    const v = api({ acr: ['urn:mace:incommon:iap:silver'], maxAuthAge: 300 })
    const strong = await accessToken(keys.RS256, {
      claims: { acr: 'urn:mace:incommon:iap:silver', auth_time: T - 100 },
    })
    await v.verify(strong)
    await reject(v, await accessToken(keys.RS256, { claims: { auth_time: T - 100 } }), 'ERR_CLAIM_INVALID', {
      claim: 'acr',
    })
    await reject(
      v,
      await accessToken(keys.RS256, { claims: { acr: 'weak', auth_time: T - 100 } }),
      'ERR_CLAIM_INVALID',
      { claim: 'acr' },
    )
    await reject(
      v,
      await accessToken(keys.RS256, { claims: { acr: 'urn:mace:incommon:iap:silver' } }),
      'ERR_CLAIM_INVALID',
      { claim: 'auth_time' },
    )
    await reject(v, strong, 'ERR_CLAIM_INVALID', { claim: 'auth_time', checks: { maxAuthAge: 30 } })
    await v.verify(await accessToken(keys.RS256, { claims: { acr: 'other', auth_time: T - 100 } }), { acr: ['other'] })
    await reject(api(), await accessToken(keys.RS256, { claims: { auth_time: T + 3600 } }), 'ERR_CLAIM_INVALID', {
      claim: 'auth_time',
    })
  })

  it('the check hook sees the access-token payload and the verifying key', async () => {
    const seen: unknown[] = []
    const v = api({ check: ({ payload, key }) => void seen.push([payload.client_id, key.kid]) })
    await v.verify(await accessToken(keys.RS256))
    expect(seen).toEqual([[CLIENT, keys.RS256.kid]])
    const refusing = api({
      check: () => {
        throw new Error('no')
      },
    })
    await reject(refusing, await accessToken(keys.RS256), 'ERR_CLAIM_INVALID')
  })
})

describe('providers whose access tokens are plain JWTs: only through an explicit rule', () => {
  // Keycloak: typ "JWT" in the header, typ "Bearer" in the payload, azp instead of client_id.
  const keycloakCheck: AccessTokenVerifierOptions['check'] = ({ payload }) => {
    if (payload.typ !== 'Bearer') throw new Error('not a Keycloak access token')
  }

  it('acceptJwtTyp needs a check; requiredClaims and audienceClaim need acceptJwtTyp', () => {
    expect(() => api({ acceptJwtTyp: true })).toThrow(/"acceptJwtTyp" needs a "check"/)
    expect(() => api({ requiredClaims: ['sub'] })).toThrow(TypeError)
    expect(() => api({ audienceClaim: 'client_id' })).toThrow(TypeError)
    expect(() => api({ acceptJwtTyp: true, check: keycloakCheck, requiredClaims: ['nonce' as 'sub'] })).toThrow(
      TypeError,
    )
  })

  it('a Keycloak-style token (typ JWT, no client_id) passes its preset rule; an ID token of the same provider does not', async () => {
    const v = api({ acceptJwtTyp: true, requiredClaims: ['sub', 'iat', 'jti'], check: keycloakCheck })
    const keycloak = await sign(keys.RS256, {
      claims: { ...accessClaims({ typ: 'Bearer', azp: CLIENT }), client_id: undefined },
    })
    await v.verify(keycloak)
    await v.verify(await accessToken(keys.RS256, { claims: { typ: 'Bearer' } })) // at+jwt still accepted
    // An ID token for the API's audience (a confused provider) has no typ "Bearer": refused by the check.
    const idToken = await sign(keys.RS256, { claims: { aud: API, jti: 'id-1', nonce: 'n' } })
    await reject(v, idToken, 'ERR_CLAIM_INVALID')
    // Without the option the same plain JWT is another token kind.
    await reject(api(), keycloak, 'ERR_HEADER_UNSUPPORTED')
  })

  it('Cognito-style: no aud, the audience is client_id, token_use "access" checked', async () => {
    const v = api({
      audience: 'cognito-app-client',
      acceptJwtTyp: true,
      audienceClaim: 'client_id',
      requiredClaims: ['sub', 'iat', 'jti'],
      check: ({ payload }) => {
        if (payload.token_use !== 'access') throw new Error('not an access token')
      },
    })
    const claims = { ...accessClaims({ client_id: 'cognito-app-client', token_use: 'access' }), aud: undefined }
    await v.verify(await sign(keys.RS256, { claims }))
    await reject(v, await sign(keys.RS256, { claims: { ...claims, client_id: 'other-client' } }), 'ERR_CLAIM_INVALID', {
      claim: 'client_id',
    })
    await reject(v, await sign(keys.RS256, { claims: { ...claims, token_use: 'id' } }), 'ERR_CLAIM_INVALID')
  })
})

describe('cross-profile tokens', () => {
  it('an ID token and a logout token of the same provider are ERR_HEADER_UNSUPPORTED', async () => {
    await reject(
      api(),
      await sign(keys.RS256, { claims: { aud: API, client_id: CLIENT, jti: 'x' } }),
      'ERR_HEADER_UNSUPPORTED',
    )
    await reject(
      api(),
      await logoutToken(keys.RS256, { claims: { aud: API, client_id: CLIENT } }),
      'ERR_HEADER_UNSUPPORTED',
    )
  })

  it('the ID-token verifier refuses an access token by its typ', async () => {
    const ids = h.load({ audience: API }).verifier
    await expectRejection(ids, await accessToken(keys.RS256), 'ERR_HEADER_UNSUPPORTED')
  })

  it('an ID token signed with a JWT typ that reaches aud gets a hint (acceptJwtTyp)', async () => {
    const v = api({ acceptJwtTyp: true, check: () => {} })
    const error = await reject(
      v,
      await sign(keys.RS256, { claims: { nonce: 'n', client_id: CLIENT, jti: 'x' } }),
      'ERR_CLAIM_INVALID',
      { claim: 'aud' },
    )
    expect(error.message).toContain('(the token looks like an ID token, not an access token)')
  })
})

describe('the shared core', () => {
  it('an access-token verifier and an ID-token verifier sharing a store fetch the key set once', async () => {
    const shared = harness({ key: keys.RS256 })
    const target = shared.idp
    const store = memoryStore()
    await shared.load({ cache: store }).verifier.verify(await sign(keys.RS256))
    await api({ cache: store }, shared).verify(await accessToken(keys.RS256))
    expect(target.requests).toHaveLength(2)
  })

  it('several issuers: routed by iss to configured issuers only', async () => {
    const v = api({ issuer: [ISSUER, 'https://other-issuer.example.test'], jwksUri: `${ISSUER}/jwks` })
    await v.verify(await accessToken(keys.RS256))
    await v.verify(await accessToken(keys.RS256, { claims: { iss: 'https://other-issuer.example.test' } }))
    await reject(
      v,
      await accessToken(keys.RS256, { claims: { iss: 'https://evil.example.test' } }),
      'ERR_CLAIM_INVALID',
      { claim: 'iss' },
    )
  })

  it('every remaining error code: malformed, unknown kid, bad signature, outage, broken discovery', async () => {
    const good = await accessToken(keys.RS256)
    await reject(api(), 'a.b', 'ERR_TOKEN_MALFORMED')
    await reject(api(), await accessToken({ ...keys.RS256, kid: 'unknown' }), 'ERR_KEY_NOT_FOUND')
    await reject(api(), withSignature(good, new Uint8Array(256).fill(1)), 'ERR_SIGNATURE_INVALID')
    const down = harness({ key: keys.RS256 })
    down.idp.fault = 503
    await reject(api({}, down), good, 'ERR_JWKS_UNAVAILABLE')
    await reject(
      api({}, harness({ key: keys.RS256, discovery: { issuer: 'https://evil.example.test' } })),
      good,
      'ERR_JWKS_INVALID',
    )
  })
})

describe('misuse', () => {
  it('options and per-call checks are TypeErrors naming the function', () => {
    expect(() => createAccessTokenVerifier({ issuer: ISSUER } as AccessTokenVerifierOptions)).toThrow(
      /^createAccessTokenVerifier: "audience"/,
    )
    expect(() => api({ scopes: ['two words'] })).toThrow(TypeError)
    expect(() => api({ clientIds: [] })).toThrow(TypeError)
    expect(() => api({ maxAuthAge: -1 })).toThrow(TypeError)
    expect(() => api({ acceptJwtTyp: 'yes' as unknown as boolean })).toThrow(TypeError)
  })

  it('an unknown or mistyped check rejects with a TypeError', async () => {
    const token = await accessToken(keys.RS256)
    await expect(api().verify(token, { scope: ['a'] } as never)).rejects.toThrow(/unknown check "scope"/)
    await expect(api().verify(token, { nonce: 'n' } as never)).rejects.toThrow(TypeError)
    await expect(api().verify(token, { scopes: 'a' } as never)).rejects.toThrow(TypeError)
    await expect(api().verify(token, { maxAuthAge: '5' } as never)).rejects.toThrow(TypeError)
  })
})
