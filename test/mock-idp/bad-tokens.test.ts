// Every catalogue token is rejected by jose, an independent verifier, where jose can tell; where
// jose is laxer by design (it does not know OIDC: nonce, azp, at_hash, ...) the test performs the
// check an OIDC client adds on top, so each entry is still shown to be bad for the reason it names.
import { createHash } from 'node:crypto'
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  BAD_TOKEN_CATALOGUE,
  BAD_TOKEN_NAMES,
  createMockIdp,
  EXPECTED_CHECKS,
  type BadToken,
  type BadTokenName,
  type MockIdp,
} from '../../mock-idp/index.ts'

let idp: MockIdp
const server = setupServer()
beforeAll(async () => {
  idp = await createMockIdp({ algorithms: ['RS256', 'ES256'] })
  server.use(...idp.handlers)
  server.listen({ onUnhandledRequest: 'error' })
})
afterAll(() => server.close())

const half = (value: string): string =>
  createHash('sha256').update(value).digest().subarray(0, 16).toString('base64url')

type JoseCase = { options?: JWTVerifyOptions; code: string }
type AppCase = { jose: 'accepts'; check: (payload: JWTPayload, bad: BadToken) => boolean }

// For each entry: what jose says, or (jose accepting) the OIDC check that catches it.
const expectations: Record<BadTokenName, JoseCase | AppCase> = {
  expired: { code: 'ERR_JWT_EXPIRED' },
  notYetValid: { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' },
  // jose checks a future iat only together with maxTokenAge.
  issuedInFuture: { options: { maxTokenAge: '1h' }, code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' },
  wrongIssuer: { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' },
  wrongAudience: { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' },
  wrongAzp: { jose: 'accepts', check: (p) => Array.isArray(p.aud) && p.azp !== idp.clientId },
  wrongNonce: { jose: 'accepts', check: (p, bad) => p.nonce !== bad.checks.nonce },
  missingNonce: { jose: 'accepts', check: (p, bad) => p.nonce === undefined && bad.checks.nonce !== undefined },
  authTimeTooOld: {
    jose: 'accepts',
    check: (p, bad) => idp.nowSeconds() - Number(p.auth_time) > Number(bad.checks.maxAge) + 60,
  },
  wrongAtHash: { jose: 'accepts', check: (p, bad) => p.at_hash !== half(String(bad.checks.accessToken)) },
  wrongCHash: { jose: 'accepts', check: (p, bad) => p.c_hash !== half(String(bad.checks.code)) },
  missingSub: { options: { requiredClaims: ['sub'] }, code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' },
  missingIat: { options: { requiredClaims: ['iat'] }, code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' },
  missingExp: { options: { requiredClaims: ['exp'] }, code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' },
  expNotNumber: { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' },
  unpublishedKey: { code: 'ERR_JWKS_NO_MATCHING_KEY' },
  impersonatedKid: { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' },
  tamperedPayload: { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' },
  badSignature: { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' },
  algNone: { code: 'ERR_JOSE_ALG_NOT_ALLOWED' },
  hmacWithPublicKey: { code: 'ERR_JOSE_ALG_NOT_ALLOWED' },
  unknownKid: { code: 'ERR_JWKS_NO_MATCHING_KEY' },
  missingKid: { code: 'ERR_JWKS_MULTIPLE_MATCHING_KEYS' },
  embeddedJwk: { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' },
  embeddedJku: { code: 'ERR_JWKS_NO_MATCHING_KEY' },
  accessTokenAsIdToken: { options: { typ: 'JWT' }, code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' },
  logoutTokenAsIdToken: { options: { typ: 'JWT' }, code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' },
  critHeader: { code: 'ERR_JOSE_NOT_SUPPORTED' },
  b64False: { code: 'ERR_JWT_INVALID' },
  badBase64: { code: 'ERR_JWS_INVALID' },
  twoParts: { code: 'ERR_JWS_INVALID' },
  fourParts: { code: 'ERR_JWS_INVALID' },
  fiveParts: { code: 'ERR_JWS_INVALID' },
  headerNotJson: { code: 'ERR_JWS_INVALID' },
  payloadNotJson: { code: 'ERR_JWT_INVALID' },
  payloadNotObject: { code: 'ERR_JWT_INVALID' },
}

function verify(token: string, options: JWTVerifyOptions = {}): Promise<unknown> {
  return jwtVerify(token, createRemoteJWKSet(new URL(idp.jwksUri)), {
    issuer: idp.issuer,
    audience: idp.clientId,
    algorithms: ['RS256', 'ES256'],
    currentDate: new Date(idp.nowSeconds() * 1000),
    ...options,
  })
}

describe('the bad-token catalogue', () => {
  it('names and metadata agree', () => {
    expect([...BAD_TOKEN_NAMES].sort()).toEqual(Object.keys(expectations).sort())
    for (const name of BAD_TOKEN_NAMES) {
      const { expectedError, description } = BAD_TOKEN_CATALOGUE[name]
      expect(description.length).toBeGreaterThan(10)
      expect(expectedError.code).toMatch(
        /^ERR_(TOKEN_MALFORMED|HEADER_UNSUPPORTED|ALG_NOT_ALLOWED|KEY_NOT_FOUND|SIGNATURE_INVALID|TOKEN_EXPIRED|TOKEN_NOT_YET_VALID|CLAIM_INVALID)$/,
      )
      expect(expectedError.code === 'ERR_CLAIM_INVALID').toBe(expectedError.claim !== undefined)
      expect(expectedError.code === 'ERR_KEY_NOT_FOUND', name).toBe(expectedError.reason !== undefined)
    }
  })

  it.each(BAD_TOKEN_NAMES)('%s is rejected', async (name) => {
    const bad = await idp.mintBadToken(name)
    expect(bad).toMatchObject({
      name,
      expectedError: BAD_TOKEN_CATALOGUE[name].expectedError,
      checks: BAD_TOKEN_CATALOGUE[name].checks,
    })
    const expectation = expectations[name]
    if ('code' in expectation) {
      await expect(verify(bad.token, expectation.options)).rejects.toMatchObject({ code: expectation.code })
    } else {
      const { payload } = (await verify(bad.token)) as { payload: JWTPayload }
      expect(expectation.check(payload, bad)).toBe(true)
    }
  })

  it('acceptance: needs-context exactly where the verifier needs per-login checks, provider-rule for missingKid, else hole', async () => {
    for (const name of BAD_TOKEN_NAMES) {
      const { acceptance, checks } = BAD_TOKEN_CATALOGUE[name]
      const expected =
        Object.keys(checks).length > 0 ? 'needs-context' : name === 'missingKid' ? 'provider-rule' : 'hole'
      expect(acceptance, name).toBe(expected)
      expect((await idp.mintBadToken(name)).acceptance, name).toBe(expected)
    }
  })

  it('missingKid is ambiguous from creation on: two published keys of the default alg before any catalogue entry is minted', async () => {
    const fresh = await createMockIdp({ algorithms: ['ES256', 'RS256'] })
    expect(fresh.jwks().keys.filter((k) => k.alg === 'ES256')).toHaveLength(2)
    const bad = await fresh.mintBadToken('missingKid')
    expect(decodeProtectedHeader(bad.token).kid).toBeUndefined()
    expect(decodeProtectedHeader(bad.token).alg).toBe('ES256')
    expect(fresh.jwks().keys.filter((k) => k.alg === 'ES256')).toHaveLength(2)
  })

  it('the jose-lax entries differ from a good token only in what they name', async () => {
    const good = await idp.mintIdToken(
      { nonce: EXPECTED_CHECKS.nonce, auth_time: idp.nowSeconds() },
      {
        accessToken: EXPECTED_CHECKS.accessToken,
        code: EXPECTED_CHECKS.code,
      },
    )
    const { payload } = (await verify(good)) as { payload: JWTPayload }
    for (const [name, expectation] of Object.entries(expectations)) {
      if (!('check' in expectation) || name === 'missingNonce') continue
      const entry = BAD_TOKEN_CATALOGUE[name as BadTokenName]
      expect(
        expectation.check(payload, {
          name,
          token: good,
          description: '',
          expectedError: entry.expectedError,
          checks: entry.checks,
          acceptance: entry.acceptance,
        }),
        name,
      ).toBe(false)
    }
  })

  it("claims override the bad token's defaults, and the header tricks are what they say", async () => {
    const expired = await idp.mintBadToken('expired', { sub: 'bob' })
    expect(JSON.parse(Buffer.from(expired.token.split('.')[1] ?? '', 'base64url').toString())).toMatchObject({
      sub: 'bob',
    })
    expect(decodeProtectedHeader((await idp.mintBadToken('algNone')).token)).toEqual({ alg: 'none', typ: 'JWT' })
    const jwk = decodeProtectedHeader((await idp.mintBadToken('embeddedJwk')).token)
    expect(jwk.kid).toBe(idp.signingKid())
    expect(jwk.jwk).toMatchObject({ kty: 'RSA' })
    expect(jwk.jwk).not.toHaveProperty('d')
    expect(decodeProtectedHeader((await idp.mintBadToken('hmacWithPublicKey')).token)).toMatchObject({
      alg: 'HS256',
      kid: idp.signingKid(),
    })
    await expect(idp.mintBadToken('nope' as BadTokenName)).rejects.toThrow(TypeError)
  })

  it('badTokens() mints the whole catalogue', async () => {
    const all = await idp.badTokens()
    expect(all.map((b) => b.name)).toEqual([...BAD_TOKEN_NAMES])
    expect(new Set(all.map((b) => b.token)).size).toBe(all.length)
  })
})

describe('docs/mock-idp.md', () => {
  it('lists every catalogue entry with its expected error', async () => {
    const { readFileSync } = await import('node:fs')
    const doc = readFileSync(new URL('../../docs/mock-idp.md', import.meta.url), 'utf8')
    for (const name of BAD_TOKEN_NAMES) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${name}\` |`))
      expect(row, name).toBeDefined()
      const { code, claim, reason } = BAD_TOKEN_CATALOGUE[name].expectedError
      expect(row).toContain(`\`${code}\`${claim === undefined ? '' : ` (\`${claim}\`)`}`)
      // The whole cell, so that a reason left out of the row (or one too many) shows.
      const cell = `\`${code}\`${claim === undefined ? '' : ` (\`${claim}\`)`}${reason === undefined ? '' : `, reason \`${reason}\``}`
      expect(row, name).toContain(`| ${cell} |`)
    }
  })
})
