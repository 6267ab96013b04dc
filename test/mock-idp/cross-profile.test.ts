// The cross-profile catalogue: each token is genuine (its own kind's verifier accepts it, and jose without a typ
// rule accepts it for the target's audience), and the target verifier refuses it with the catalogue's error.
import { createLocalJWKSet, jwtVerify } from 'jose'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAccessTokenVerifier, createLogoutTokenVerifier, createVerifier, IdTokenError } from '../../src/index.ts'
import {
  BAD_TOKEN_CATALOGUE,
  CROSS_PROFILE_CATALOGUE,
  CROSS_PROFILE_NAMES,
  createMockIdp,
  type MockIdp,
} from '../../mock-idp/index.ts'

const API = 'https://api.example.test'
let idp: MockIdp
const server = setupServer()
beforeAll(async () => {
  idp = await createMockIdp({ algorithms: ['RS256'], accessTokenAudience: API })
  server.use(...idp.handlers)
  server.listen({ onUnhandledRequest: 'error' })
})
afterAll(() => server.close())

// The targets as the catalogue assumes them; `anyAudience` for the controls, whose tokens are addressed elsewhere.
const verifiers = (anyAudience = false) => ({
  id: createVerifier({ issuer: idp.issuer, audience: [idp.clientId, API], cache: 'memory' }),
  access: createAccessTokenVerifier({
    issuer: idp.issuer,
    audience: anyAudience ? [API, idp.clientId] : API,
    cache: 'memory',
  }),
  logout: createLogoutTokenVerifier({
    issuer: idp.issuer,
    audience: anyAudience ? [idp.clientId, API] : idp.clientId,
    cache: 'memory',
  }),
})
// What each token really is.
const KIND = {
  idTokenAsAccessToken: 'id',
  logoutTokenAsAccessToken: 'logout',
  idTokenAsLogoutToken: 'id',
  accessTokenAsLogoutToken: 'access',
} as const

describe('the cross-profile catalogue', () => {
  it('covers both directions for the access and logout verifiers; the ID side is in the bad-token catalogue', () => {
    expect(CROSS_PROFILE_NAMES.map((name) => CROSS_PROFILE_CATALOGUE[name].target).sort()).toEqual([
      'access',
      'access',
      'logout',
      'logout',
    ])
    expect(BAD_TOKEN_CATALOGUE.accessTokenAsIdToken.expectedError.code).toBe('ERR_HEADER_UNSUPPORTED')
    expect(BAD_TOKEN_CATALOGUE.logoutTokenAsIdToken.expectedError.code).toBe('ERR_HEADER_UNSUPPORTED')
    for (const name of CROSS_PROFILE_NAMES) {
      const { code, reason } = CROSS_PROFILE_CATALOGUE[name].expectedError
      expect(code === 'ERR_KEY_NOT_FOUND', name).toBe(reason !== undefined)
    }
  })

  for (const name of [
    'idTokenAsAccessToken',
    'logoutTokenAsAccessToken',
    'idTokenAsLogoutToken',
    'accessTokenAsLogoutToken',
  ] as const) {
    it(`${name}: genuine, and refused by its target`, async () => {
      const v = verifiers()
      const minted = await idp.mintCrossProfileToken(name)
      expect(minted).toMatchObject({
        name,
        target: CROSS_PROFILE_CATALOGUE[name].target,
        expectedError: CROSS_PROFILE_CATALOGUE[name].expectedError,
      })
      // Without a typ rule, a JWT library accepts it for the target's audience: only the kind tells them apart.
      const audience = minted.target === 'access' ? API : idp.clientId
      await jwtVerify(minted.token, createLocalJWKSet(idp.jwks()), {
        issuer: idp.issuer,
        audience,
        currentDate: new Date(idp.nowSeconds() * 1000),
      })
      await verifiers(true)[KIND[name]].verify(minted.token)
      const error = await v[minted.target].verify(minted.token).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(IdTokenError)
      expect(error).toMatchObject(minted.expectedError)
      // toMatchObject skips members the catalogue leaves out: a reason must be stated to be expected.
      expect((error as IdTokenError).reason).toBe(minted.expectedError.reason)
    })
  }

  it('logoutTokenAsIdToken: genuine (the logout verifier accepts it) and refused by the ID-token verifier', async () => {
    const bad = await idp.mintBadToken('logoutTokenAsIdToken')
    await verifiers().logout.verify(bad.token)
    await expect(verifiers().id.verify(bad.token)).rejects.toMatchObject({ code: 'ERR_HEADER_UNSUPPORTED' })
  })

  it('an unknown name is a TypeError', async () => {
    await expect(idp.mintCrossProfileToken('nope' as never)).rejects.toThrow(TypeError)
  })
})
