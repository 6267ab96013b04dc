// The logout-token verifier (OpenID Connect Back-Channel Logout 1.0 §2.4, §2.6) over the in-memory fake
// provider: typ, the events claim, sub/sid, the prohibited nonce, the short iat window, exp when present, the
// replay guard (default and custom, consulted only for tokens that passed everything else), cross-profile
// tokens, and every error code. Tokens are signed by jose.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createLogoutTokenVerifier,
  ERROR_CODES,
  type LogoutTokenVerifier,
  type LogoutTokenVerifierOptions,
  type ReplayEntry,
} from '../../src/index.ts'
import { ALGS, CLIENT, ISSUER, keysForAllAlgs, sign, type Alg, type TestKey } from '../helpers/issuer.ts'
import { harness, type Harness } from '../helpers/harness.ts'
import { segment, signSegments, withSignature } from '../helpers/forge.ts'
import { accessToken, expectRejection, LOGOUT_EVENT, logoutClaims, logoutToken, T } from '../helpers/profiles.ts'

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

function logout(options: Partial<LogoutTokenVerifierOptions> = {}, on: Harness = h): LogoutTokenVerifier {
  return on.loadWith(createLogoutTokenVerifier, { cooldown: 0, ...options }).verifier
}
const reject = (v: LogoutTokenVerifier, token: string, code: Parameters<typeof expectRejection>[2], claim?: string) =>
  expectRejection(v, token, code, claim === undefined ? { produced } : { claim, produced })
const untyped = (claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
  signSegments(keys.RS256, segment({ alg: 'RS256', kid: keys.RS256.kid, ...header }), segment(claims))

describe('typ', () => {
  it("logout+jwt and application/logout+jwt verify, in any case; the algorithms are the ID tokens' (discovery)", async () => {
    const v = logout()
    for (const typ of ['logout+jwt', 'Logout+JWT', 'application/logout+jwt']) {
      const { payload } = await v.verify(await logoutToken(keys.ES256, { header: { typ } }))
      expect(payload).toMatchObject({
        iss: ISSUER,
        aud: CLIENT,
        sub: 'user-1',
        sid: 'session-1',
        events: { [LOGOUT_EVENT]: {} },
      })
    }
  })

  it('JWT, at+jwt, secevent+jwt and a missing typ are ERR_HEADER_UNSUPPORTED; acceptMissingTyp admits only the missing one', async () => {
    for (const typ of ['JWT', 'at+jwt', 'secevent+jwt', 'logout+jwt+x']) {
      await reject(logout(), await logoutToken(keys.RS256, { header: { typ } }), 'ERR_HEADER_UNSUPPORTED')
      await reject(
        logout({ acceptMissingTyp: true }),
        await logoutToken(keys.RS256, { header: { typ } }),
        'ERR_HEADER_UNSUPPORTED',
      )
    }
    const error = await reject(logout(), await untyped(logoutClaims()), 'ERR_HEADER_UNSUPPORTED')
    expect(error.message).toBe('the header has no "typ": a logout token must be typed "logout+jwt"')
    await logout({ acceptMissingTyp: true }).verify(await untyped(logoutClaims()))
  })
})

describe('claims (§2.4, §2.6)', () => {
  for (const claim of ['iss', 'aud', 'iat', 'jti', 'events']) {
    it(`"${claim}" is required`, async () => {
      await reject(logout(), await logoutToken(keys.RS256, { omit: [claim] }), 'ERR_CLAIM_INVALID', claim)
    })
  }

  it('sub, sid or both; sub not empty', async () => {
    await logout().verify(await logoutToken(keys.RS256, { omit: ['sub'] }))
    await logout().verify(await logoutToken(keys.RS256, { omit: ['sid'] }))
    await reject(logout(), await logoutToken(keys.RS256, { omit: ['sub', 'sid'] }), 'ERR_CLAIM_INVALID', 'sid')
    await reject(logout(), await logoutToken(keys.RS256, { claims: { sub: '' } }), 'ERR_CLAIM_INVALID', 'sub')
  })

  it('events: an object with the back-channel logout member, whose value is an object', async () => {
    await logout().verify(
      await logoutToken(keys.RS256, { claims: { events: { [LOGOUT_EVENT]: { reason: 'x' }, other: 1 } } }),
    )
    await reject(logout(), await logoutToken(keys.RS256, { claims: { events: {} } }), 'ERR_CLAIM_INVALID', 'events')
    await reject(
      logout(),
      await logoutToken(keys.RS256, { claims: { events: { 'http://schemas.openid.net/event/other': {} } } }),
      'ERR_CLAIM_INVALID',
      'events',
    )
    for (const value of [true, null, [], 'x']) {
      await reject(
        logout(),
        await logoutToken(keys.RS256, { claims: { events: { [LOGOUT_EVENT]: value } } }),
        'ERR_CLAIM_INVALID',
        'events',
      )
    }
    for (const events of [[LOGOUT_EVENT], LOGOUT_EVENT, null]) {
      await reject(logout(), await logoutToken(keys.RS256, { claims: { events } }), 'ERR_TOKEN_MALFORMED', 'events')
    }
  })

  it('nonce is prohibited, whatever its value', async () => {
    for (const nonce of ['n-1', '']) {
      const error = await reject(
        logout(),
        await logoutToken(keys.RS256, { claims: { nonce } }),
        'ERR_CLAIM_INVALID',
        'nonce',
      )
      expect(error.message).toBe('a logout token must not have a "nonce" claim')
    }
  })

  it('iat within maxTokenAge (default 120 s, + tolerance); exp required (errata set 1); iss and aud exactly', async () => {
    await logout().verify(await logoutToken(keys.RS256, { claims: { iat: T - 180 } }))
    await reject(logout(), await logoutToken(keys.RS256, { claims: { iat: T - 181 } }), 'ERR_CLAIM_INVALID', 'iat')
    await logout({ maxTokenAge: 600 }).verify(await logoutToken(keys.RS256, { claims: { iat: T - 600 } }))
    await reject(logout(), await logoutToken(keys.RS256, { omit: ['exp'] }), 'ERR_CLAIM_INVALID', 'exp')
    await reject(logout(), await logoutToken(keys.RS256, { claims: { iat: T + 61 } }), 'ERR_TOKEN_NOT_YET_VALID', 'iat')
    await reject(logout(), await logoutToken(keys.RS256, { claims: { exp: T - 60 } }), 'ERR_TOKEN_EXPIRED', 'exp')
    await reject(logout(), await logoutToken(keys.RS256, { claims: { iss: `${ISSUER}/` } }), 'ERR_CLAIM_INVALID', 'iss')
    await reject(
      logout(),
      await logoutToken(keys.RS256, { claims: { aud: 'another-client' } }),
      'ERR_CLAIM_INVALID',
      'aud',
    )
  })
})

describe('replay (§2.6 step 8)', () => {
  it('the default guard refuses a jti seen by this verifier, per issuer; another verifier has its own memory', async () => {
    const v = logout()
    const token = await logoutToken(keys.RS256, { claims: { jti: 'once' } })
    await v.verify(token)
    const error = await reject(v, token, 'ERR_CLAIM_INVALID', 'jti')
    expect(error.message).toBe('the logout token was received before ("jti")')
    await reject(
      v,
      await logoutToken(keys.RS256, { claims: { jti: 'once', sid: 'other' } }),
      'ERR_CLAIM_INVALID',
      'jti',
    )
    await v.verify(await logoutToken(keys.RS256, { claims: { jti: 'twice' } }))
    await logout().verify(token)
  })

  it('concurrent deliveries of one token: exactly one passes', async () => {
    const v = logout()
    const token = await logoutToken(keys.RS256)
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => v.verify(token)))
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1)
  })

  it('a custom guard gets jti, iss and when the token stops verifying; it runs only for tokens that passed everything else', async () => {
    const entries: ReplayEntry[] = []
    const v = logout({
      replay: (entry) => (entries.push(entry), entries.length > 1),
      check: ({ payload }) => {
        if (payload.sid === 'refused') throw new Error('unknown session')
      },
    })
    await v.verify(await logoutToken(keys.RS256, { claims: { jti: 'a' } }))
    expect(entries).toEqual([{ jti: 'a', iss: ISSUER, expiresAt: T + 120 + 60 }])
    await reject(v, await logoutToken(keys.RS256, { claims: { nonce: 'n' } }), 'ERR_CLAIM_INVALID', 'nonce')
    await reject(v, await logoutToken(keys.RS256, { claims: { sid: 'refused' } }), 'ERR_CLAIM_INVALID')
    expect(entries).toHaveLength(1)
    await reject(v, await logoutToken(keys.RS256, { claims: { jti: 'b', exp: T + 30 } }), 'ERR_CLAIM_INVALID', 'jti')
    expect(entries[1]).toEqual({ jti: 'b', iss: ISSUER, expiresAt: T + 30 + 60 })
  })

  it('an async guard, and replay: false', async () => {
    const v = logout({ replay: async () => true })
    await reject(v, await logoutToken(keys.RS256), 'ERR_CLAIM_INVALID', 'jti')
    const off = logout({ replay: false })
    const token = await logoutToken(keys.RS256)
    await off.verify(token)
    await off.verify(token)
  })
})

describe('cross-profile tokens', () => {
  it('an ID token and an access token are ERR_HEADER_UNSUPPORTED; untyped (acceptMissingTyp), an ID token has no events', async () => {
    await reject(logout(), await sign(keys.RS256, { claims: { jti: 'x', sid: 's' } }), 'ERR_HEADER_UNSUPPORTED')
    await reject(logout(), await accessToken(keys.RS256, { claims: { aud: CLIENT } }), 'ERR_HEADER_UNSUPPORTED')
    const idToken = await untyped({
      iss: ISSUER,
      aud: CLIENT,
      sub: 'user-1',
      iat: T,
      exp: T + 600,
      jti: 'x',
      nonce: 'n',
    })
    await reject(logout({ acceptMissingTyp: true }), idToken, 'ERR_CLAIM_INVALID', 'events')
  })

  it('the ID-token verifier refuses a logout token by its typ', async () => {
    const ids = h.load().verifier
    await expectRejection(ids, await logoutToken(keys.RS256), 'ERR_HEADER_UNSUPPORTED')
  })
})

describe('the shared core', () => {
  it('every remaining error code: malformed, alg, unknown kid, bad signature, outage, broken discovery', async () => {
    const good = await logoutToken(keys.RS256)
    await reject(logout(), 'x', 'ERR_TOKEN_MALFORMED')
    await reject(logout({ algorithms: ['ES256'] }), good, 'ERR_ALG_NOT_ALLOWED')
    await reject(
      logout(),
      `${segment({ alg: 'none', typ: 'logout+jwt' })}.${segment(logoutClaims())}.`,
      'ERR_ALG_NOT_ALLOWED',
    )
    await reject(logout(), await logoutToken({ ...keys.RS256, kid: 'unknown' }), 'ERR_KEY_NOT_FOUND')
    await reject(logout(), withSignature(good, new Uint8Array(256).fill(1)), 'ERR_SIGNATURE_INVALID')
    const down = harness({ key: keys.RS256 })
    down.idp.fault = 'network'
    await reject(logout({}, down), good, 'ERR_JWKS_UNAVAILABLE')
    await reject(
      logout({}, harness({ key: keys.RS256, discovery: { jwks_uri: 'http://insecure.example.test/jwks' } })),
      good,
      'ERR_JWKS_INVALID',
    )
  })

  it('misuse is a TypeError naming the function', async () => {
    expect(() => createLogoutTokenVerifier({ audience: CLIENT } as LogoutTokenVerifierOptions)).toThrow(
      /^createLogoutTokenVerifier: "issuer"/,
    )
    expect(() => logout({ replay: 'memory' as never })).toThrow(TypeError)
    expect(() => logout({ acceptMissingTyp: 1 as never })).toThrow(TypeError)
    await expect(
      (logout().verify as (t: string, c: unknown) => Promise<unknown>)(await logoutToken(keys.RS256), { nonce: 'n' }),
    ).rejects.toThrow(TypeError)
  })
})
