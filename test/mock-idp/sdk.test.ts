// The other side: idtoken-verify's own verifier against the mock IdP. Every catalogue token is
// rejected with exactly the error the catalogue names, good tokens of every algorithm verify, a
// login's ID token verifies with its nonce, and rotation costs one refetch.
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createVerifier, IdTokenError, type IdTokenErrorCode, type IdTokenErrorReason } from '../../src/index.ts'
import {
  BAD_TOKEN_NAMES,
  createMockIdp,
  SIGNING_ALGORITHMS,
  type ExpectedError,
  type MockIdp,
} from '../../mock-idp/index.ts'

// The mock spells the SDK's codes and reasons out instead of importing them (it never imports src/): these fail
// `tsc -p test` when the SDK adds, renames or drops one the catalogue's type does not follow.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const reasonsFollowTheSdk: Same<NonNullable<ExpectedError['reason']>, IdTokenErrorReason> = true
const codesAreTheSdks: ExpectedError['code'] extends IdTokenErrorCode ? true : false = true
void [reasonsFollowTheSdk, codesAreTheSdks]

let clock = Date.UTC(2030, 0, 1)
let idp: MockIdp
const server = setupServer()
beforeAll(async () => {
  idp = await createMockIdp({ algorithms: [...SIGNING_ALGORITHMS], now: () => clock })
  server.use(...idp.handlers)
  server.listen({ onUnhandledRequest: 'error' })
})
beforeEach(() => {
  clock = Date.UTC(2030, 0, 1)
  idp.reset()
})
afterAll(() => server.close())

const verifier = () => createVerifier({ issuer: idp.issuer, audience: idp.clientId, cache: 'memory', now: () => clock })

describe('the SDK against the mock IdP', () => {
  it.each(SIGNING_ALGORITHMS)('%s: a good token verifies', async (alg) => {
    const { payload, header } = await verifier().verify(await idp.mintIdToken({ nonce: 'n' }, { alg }), { nonce: 'n' })
    expect(header.alg).toBe(alg)
    expect(payload.sub).toBe('test-user')
  })

  it.each(BAD_TOKEN_NAMES)("%s is rejected with the catalogue's error", async (name) => {
    const bad = await idp.mintBadToken(name)
    const error = await verifier()
      .verify(bad.token, bad.checks)
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(error).toBeInstanceOf(IdTokenError)
    const { code, claim, reason } = error as IdTokenError
    expect(code).toBe(bad.expectedError.code)
    if (bad.expectedError.claim !== undefined) expect(claim).toBe(bad.expectedError.claim)
    // Strict both ways: a missing catalogue reason fails as much as a token refused for another cause.
    expect(reason).toBe(bad.expectedError.reason)
  })

  it("a login's ID token verifies with its nonce and at_hash", async () => {
    const verifierCode = 'v'.repeat(43)
    const challenge = Buffer.from(
      await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifierCode)),
    ).toString('base64url')
    const authorize = new URL(idp.endpoints.authorize)
    authorize.search = new URLSearchParams({
      client_id: idp.clientId,
      redirect_uri: 'https://app.test/cb',
      response_type: 'code',
      scope: 'openid',
      nonce: 'login-nonce',
      state: 's',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }).toString()
    const callback = new URL(String((await fetch(authorize, { redirect: 'manual' })).headers.get('location')))
    const tokens = (await (
      await fetch(idp.endpoints.token, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: idp.clientId,
          redirect_uri: 'https://app.test/cb',
          code: String(callback.searchParams.get('code')),
          code_verifier: verifierCode,
        }),
      })
    ).json()) as { id_token: string; access_token: string }
    const { payload } = await verifier().verify(tokens.id_token, {
      nonce: 'login-nonce',
      accessToken: tokens.access_token,
    })
    expect(payload).toMatchObject({ sub: 'test-user', nonce: 'login-nonce' })
    await expect(verifier().verify(tokens.id_token, { nonce: 'other' })).rejects.toMatchObject({
      code: 'ERR_CLAIM_INVALID',
      claim: 'nonce',
    })
  })

  it('rotation: old tokens verify during the overlap, fail after retirement, the new key costs one refetch', async () => {
    const v = verifier()
    const oldKid = idp.signingKid()
    const oldToken = await idp.mintIdToken()
    await v.verify(oldToken)
    const jwksBefore = idp.requestCount('jwks')
    await idp.rotateKeys()
    await v.verify(await idp.mintIdToken())
    expect(idp.requestCount('jwks')).toBe(jwksBefore + 1)
    await v.verify(oldToken)
    idp.retireKey(oldKid)
    clock += 3_600_000
    const fresh = createVerifier({ issuer: idp.issuer, audience: idp.clientId, cache: 'memory', now: () => clock })
    await expect(fresh.verify(await idp.mintIdToken({}, { kid: oldKid }))).rejects.toMatchObject({
      code: 'ERR_KEY_NOT_FOUND',
    })
  })
})
