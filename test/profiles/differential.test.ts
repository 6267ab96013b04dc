// Differential check of the access-token and logout-token verifiers against jose 6 `jwtVerify`, configured with
// the rules jose has (`typ`, `requiredClaims`, issuer, audience, algorithms, tolerance, `maxTokenAge`) over the
// same key set and clock. Both must agree on every case below, except those listed as STRICTER, each with why
// (the rules of RFC 9068 and Back-Channel Logout 1.0 that jose has no option for).
import * as jose from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  createAccessTokenVerifier,
  createLogoutTokenVerifier,
  IdTokenError,
  type SupportedAlgorithm,
} from '../../src/index.ts'
import { ALGS, CLIENT, ISSUER, keysForAllAlgs, NOW, sign, type Alg, type TestKey } from '../helpers/issuer.ts'
import { harness } from '../helpers/harness.ts'
import { fakeIdp } from '../helpers/idp.ts'
import { segment, signSegments, withSignature } from '../helpers/forge.ts'
import { accessClaims, accessToken, API, LOGOUT_EVENT, logoutClaims, logoutToken, T } from '../helpers/profiles.ts'

const ALGORITHMS: SupportedAlgorithm[] = [...ALGS]
type Outcome = { accepted: true } | { accepted: false; code: string }

let keys: Record<Alg, TestKey>
beforeAll(async () => {
  keys = await keysForAllAlgs()
})

interface Profile {
  ours(token: string): Promise<Outcome>
  jose(token: string): Promise<Outcome>
}

async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    await run()
    return { accepted: true }
  } catch (error) {
    if (error instanceof IdTokenError) return { accepted: false, code: error.code }
    const e = error as { code?: string; name: string }
    if (e.code === undefined) throw error
    return { accepted: false, code: e.code }
  }
}

function profiles(): { access: Profile; logout: Profile } {
  const jwks = ALGS.map((alg) => keys[alg].publicJwk)
  const remote = jose.createRemoteJWKSet(new URL(`${ISSUER}/jwks`), { [jose.customFetch]: fakeIdp(jwks).fetch })
  const ours = harness({ keys: jwks }, { algorithms: ALGORITHMS })
  const access = ours.loadWith(createAccessTokenVerifier, { audience: API }).verifier
  const logout = ours.loadWith(createLogoutTokenVerifier, { audience: CLIENT, replay: false }).verifier
  const base = { issuer: ISSUER, algorithms: ALGORITHMS, clockTolerance: 60, currentDate: new Date(NOW) }
  return {
    access: {
      ours: (token) => outcome(() => access.verify(token)),
      jose: (token) =>
        outcome(() =>
          jose.jwtVerify(token, remote, {
            ...base,
            audience: API,
            typ: 'at+jwt',
            requiredClaims: ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'],
          }),
        ),
    },
    logout: {
      ours: (token) => outcome(() => logout.verify(token)),
      jose: (token) =>
        outcome(() =>
          jose.jwtVerify(token, remote, {
            ...base,
            audience: CLIENT,
            typ: 'logout+jwt',
            requiredClaims: ['iss', 'aud', 'iat', 'jti', 'events'],
            maxTokenAge: 120,
          }),
        ),
    },
  }
}

interface Case {
  readonly name: string
  readonly profile: 'access' | 'logout'
  readonly token: () => Promise<string>
  /** Our code; absent when both accept. */
  readonly ours?: string
  /** Why jose accepts what we refuse; absent when both agree. */
  readonly stricter?: string
}

const A = 'access' as const
const L = 'logout' as const
const CASES: Case[] = [
  ...ALGS.map((alg): Case => ({ name: `access token, ${alg}`, profile: A, token: () => accessToken(keys[alg]) })),
  ...ALGS.map((alg): Case => ({ name: `logout token, ${alg}`, profile: L, token: () => logoutToken(keys[alg]) })),
  {
    name: 'application/at+jwt in capitals',
    profile: A,
    token: () => accessToken(keys.ES256, { header: { typ: 'Application/AT+JWT' } }),
  },
  {
    name: 'application/logout+jwt',
    profile: L,
    token: () => logoutToken(keys.ES256, { header: { typ: 'application/logout+jwt' } }),
  },
  {
    name: 'logout token without exp',
    profile: L,
    ours: 'ERR_CLAIM_INVALID',
    stricter: 'Back-Channel Logout 1.0 errata set 1: exp is required',
    token: () => logoutToken(keys.ES256, { omit: ['exp'] }),
  },
  {
    name: 'access token with typ JWT',
    profile: A,
    ours: 'ERR_HEADER_UNSUPPORTED',
    token: () => accessToken(keys.ES256, { header: { typ: 'JWT' } }),
  },
  {
    name: 'ID token to the access-token verifier',
    profile: A,
    ours: 'ERR_HEADER_UNSUPPORTED',
    token: () => sign(keys.ES256, { claims: accessClaims() }),
  },
  {
    name: 'logout token to the access-token verifier',
    profile: A,
    ours: 'ERR_HEADER_UNSUPPORTED',
    token: () => accessToken(keys.ES256, { header: { typ: 'logout+jwt' } }),
  },
  {
    name: 'access token to the logout verifier',
    profile: L,
    ours: 'ERR_HEADER_UNSUPPORTED',
    token: () => logoutToken(keys.ES256, { header: { typ: 'at+jwt' } }),
  },
  {
    name: 'untyped logout token',
    profile: L,
    ours: 'ERR_HEADER_UNSUPPORTED',
    token: () => signSegments(keys.ES256, segment({ alg: 'ES256', kid: keys.ES256.kid }), segment(logoutClaims())),
  },
  ...['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'].map((claim): Case => ({
    name: `access token without ${claim}`,
    profile: A,
    ours: 'ERR_CLAIM_INVALID',
    token: () => accessToken(keys.ES256, { omit: [claim] }),
  })),
  ...['iss', 'aud', 'iat', 'jti', 'events'].map((claim): Case => ({
    name: `logout token without ${claim}`,
    profile: L,
    ours: 'ERR_CLAIM_INVALID',
    token: () => logoutToken(keys.ES256, { omit: [claim] }),
  })),
  {
    name: 'access token for another resource',
    profile: A,
    ours: 'ERR_CLAIM_INVALID',
    token: () => accessToken(keys.ES256, { claims: { aud: CLIENT } }),
  },
  {
    name: 'access token from another issuer',
    profile: A,
    ours: 'ERR_CLAIM_INVALID',
    token: () => accessToken(keys.ES256, { claims: { iss: 'https://other.example.test' } }),
  },
  {
    name: 'access token expired',
    profile: A,
    ours: 'ERR_TOKEN_EXPIRED',
    token: () => accessToken(keys.ES256, { claims: { exp: T - 61 } }),
  },
  {
    name: 'access token not yet valid',
    profile: A,
    ours: 'ERR_TOKEN_NOT_YET_VALID',
    token: () => accessToken(keys.ES256, { claims: { nbf: T + 61 } }),
  },
  {
    name: 'logout token older than 120 s',
    profile: L,
    ours: 'ERR_CLAIM_INVALID',
    token: () => logoutToken(keys.ES256, { claims: { iat: T - 200 }, omit: ['exp'] }),
  },
  {
    name: 'logout token expired',
    profile: L,
    ours: 'ERR_TOKEN_EXPIRED',
    token: () => logoutToken(keys.ES256, { claims: { exp: T - 61 } }),
  },
  {
    name: 'logout token for another client',
    profile: L,
    ours: 'ERR_CLAIM_INVALID',
    token: () => logoutToken(keys.ES256, { claims: { aud: 'other' } }),
  },
  {
    name: 'access token, alg none',
    profile: A,
    ours: 'ERR_ALG_NOT_ALLOWED',
    token: async () => `${segment({ alg: 'none', typ: 'at+jwt' })}.${segment(accessClaims())}.`,
  },
  {
    name: 'logout token, bad signature',
    profile: L,
    ours: 'ERR_SIGNATURE_INVALID',
    token: async () => withSignature(await logoutToken(keys.ES256), new Uint8Array(64).fill(1)),
  },

  // What jose has no option for.
  {
    name: 'access token with a numeric client_id',
    profile: A,
    ours: 'ERR_TOKEN_MALFORMED',
    stricter: 'RFC 9068 §2.2: client_id is a string',
    token: () => accessToken(keys.ES256, { claims: { client_id: 7 } }),
  },
  {
    name: 'access token with an empty sub',
    profile: A,
    ours: 'ERR_CLAIM_INVALID',
    stricter: 'sub identifies someone',
    token: () => accessToken(keys.ES256, { claims: { sub: '' } }),
  },
  {
    name: 'logout token with a nonce',
    profile: L,
    ours: 'ERR_CLAIM_INVALID',
    stricter: 'Back-Channel Logout §2.4: nonce is prohibited',
    token: () => logoutToken(keys.ES256, { claims: { nonce: 'n' } }),
  },
  {
    name: 'logout token with neither sub nor sid',
    profile: L,
    ours: 'ERR_CLAIM_INVALID',
    stricter: '§2.4: sub or sid',
    token: () => logoutToken(keys.ES256, { omit: ['sub', 'sid'] }),
  },
  {
    name: 'logout token whose events lack the logout member',
    profile: L,
    ours: 'ERR_CLAIM_INVALID',
    stricter: '§2.4: the member declares a logout token',
    token: () => logoutToken(keys.ES256, { claims: { events: { 'urn:other': {} } } }),
  },
  {
    name: 'logout token whose logout event is not an object',
    profile: L,
    ours: 'ERR_CLAIM_INVALID',
    stricter: '§2.4: its value is a JSON object',
    token: () => logoutToken(keys.ES256, { claims: { events: { [LOGOUT_EVENT]: true } } }),
  },
  {
    name: 'logout token whose events is an array',
    profile: L,
    ours: 'ERR_TOKEN_MALFORMED',
    stricter: '§2.4: events is a JSON object',
    token: () => logoutToken(keys.ES256, { claims: { events: [LOGOUT_EVENT] } }),
  },
]

describe('access and logout tokens: ours and jose agree, or ours is stricter for a documented reason', () => {
  let both: ReturnType<typeof profiles>
  beforeAll(() => {
    both = profiles()
  })

  for (const testCase of CASES) {
    const verdict =
      testCase.ours === undefined
        ? 'both accept'
        : testCase.stricter === undefined
          ? 'both reject'
          : `stricter (${testCase.stricter})`
    it(`${verdict}: ${testCase.name}`, async () => {
      const token = await testCase.token()
      const { ours, jose: theirs } = both[testCase.profile]
      const [a, b] = await Promise.all([ours(token), theirs(token)])
      expect(a).toEqual(testCase.ours === undefined ? { accepted: true } : { accepted: false, code: testCase.ours })
      expect(b.accepted).toBe(testCase.ours === undefined || testCase.stricter !== undefined)
    })
  }
})
