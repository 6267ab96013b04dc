// The attack classes of test/attacks.test.ts, replayed against the access-token and logout-token verifiers:
// alg none in every spelling, HMAC keyed with the RSA public key, embedded keys, and tokens of another profile.
import { createHmac, createPublicKey } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { createAccessTokenVerifier, createLogoutTokenVerifier } from '../../src/index.ts'
import { ALGS, CLIENT, ISSUER, keysForAllAlgs, sign, type Alg, type TestKey } from '../helpers/issuer.ts'
import { harness, type Harness } from '../helpers/harness.ts'
import { type FakeIdp } from '../helpers/idp.ts'
import { b64u, segment, signatureBytes, withSignature } from '../helpers/forge.ts'
import { accessClaims, accessToken, API, expectRejection, logoutClaims, logoutToken } from '../helpers/profiles.ts'

let keys: Record<Alg, TestKey>
let h: Harness
let idp: FakeIdp
beforeAll(async () => {
  keys = await keysForAllAlgs()
  // cooldown 0 for every verifier here: unknown kids would otherwise wait out the cooldown in real time.
  h = harness({ keys: ALGS.map((alg) => keys[alg].publicJwk) }, { cooldown: 0 })
  idp = h.idp
})

const PROFILES = [
  {
    name: 'access',
    typ: 'at+jwt',
    claims: accessClaims,
    make: () => h.loadWith(createAccessTokenVerifier, { audience: API, algorithms: [...ALGS] }).verifier,
  },
  {
    name: 'logout',
    typ: 'logout+jwt',
    claims: logoutClaims,
    make: () => h.loadWith(createLogoutTokenVerifier, { audience: CLIENT }).verifier,
  },
] as const

for (const profile of PROFILES) {
  describe(`${profile.name} tokens`, () => {
    it('alg none in any spelling, with or without a signature, is ERR_ALG_NOT_ALLOWED', async () => {
      const v = profile.make()
      const real = signatureBytes(await sign(keys.RS256))
      for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
        const unsigned = `${segment({ alg, typ: profile.typ })}.${segment(profile.claims())}.`
        await expectRejection(v, unsigned, 'ERR_ALG_NOT_ALLOWED')
        await expectRejection(v, withSignature(`${unsigned}x`, real), 'ERR_ALG_NOT_ALLOWED')
      }
    })

    it('HS256/384/512 keyed with the RSA public key (PEM, DER, JWK) is ERR_ALG_NOT_ALLOWED', async () => {
      const v = profile.make()
      const publicKey = createPublicKey({
        key: keys.RS256.publicJwk as import('node:crypto').JsonWebKey,
        format: 'jwk',
      })
      const secrets = [
        publicKey.export({ type: 'spki', format: 'pem' }),
        publicKey.export({ type: 'spki', format: 'der' }),
        JSON.stringify(keys.RS256.publicJwk),
      ]
      for (const alg of ['HS256', 'HS384', 'HS512']) {
        for (const secret of secrets) {
          const input = `${segment({ alg, kid: keys.RS256.kid, typ: profile.typ })}.${segment(profile.claims())}`
          const mac = createHmac(`sha${alg.slice(2)}`, secret)
            .update(input)
            .digest()
          await expectRejection(v, `${input}.${b64u(new Uint8Array(mac))}`, 'ERR_ALG_NOT_ALLOWED')
        }
      }
    })

    it('an embedded jwk or jku header is never used: a self-signed token is ERR_KEY_NOT_FOUND', async () => {
      const v = profile.make()
      const attacker = { ...keys.ES256, kid: 'attacker' }
      const header = { jwk: { ...keys.ES256.publicJwk, kid: 'attacker' }, jku: `${ISSUER}/attacker-jwks` }
      const token =
        profile.name === 'access' ? await accessToken(attacker, { header }) : await logoutToken(attacker, { header })
      await expectRejection(v, token, 'ERR_KEY_NOT_FOUND')
      expect(idp.requests.some((url) => url.includes('attacker'))).toBe(false)
    })
  })
}

describe('cross-profile confusion: each verifier refuses the other two kinds, signed by the right key for the right audience', () => {
  it('ID token → access and logout verifiers; access token → ID and logout; logout token → ID and access', async () => {
    const id = h.load({ audience: [CLIENT, API] }).verifier
    const access = h.loadWith(createAccessTokenVerifier, { audience: [CLIENT, API] }).verifier
    const logout = h.loadWith(createLogoutTokenVerifier, { audience: [CLIENT, API], acceptMissingTyp: true }).verifier
    // Every claim any profile requires, so that only the kind differs.
    const everything = { ...accessClaims(), ...logoutClaims(), aud: [CLIENT, API], azp: CLIENT }
    const idToken = await sign(keys.RS256, { claims: { ...everything, events: undefined } })
    const at = await accessToken(keys.RS256, { claims: everything })
    const lt = await logoutToken(keys.RS256, { claims: everything })
    await expectRejection(access, idToken, 'ERR_HEADER_UNSUPPORTED')
    await expectRejection(logout, idToken, 'ERR_HEADER_UNSUPPORTED')
    await expectRejection(id, at, 'ERR_HEADER_UNSUPPORTED')
    await expectRejection(logout, at, 'ERR_HEADER_UNSUPPORTED')
    await expectRejection(id, lt, 'ERR_HEADER_UNSUPPORTED')
    await expectRejection(access, lt, 'ERR_HEADER_UNSUPPORTED')
    // Controls: each verifier accepts its own kind.
    await id.verify(idToken)
    await access.verify(at)
    await logout.verify(lt)
  })
})
