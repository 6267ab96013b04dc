// The verifier end to end over the in-memory fake provider: algorithms, every error code, the claim
// rules of OpenID Connect Core 3.1.3.7, the allowlist, discovery, fetch sharing and option misuse.
// Time is the injected clock; nothing sleeps.
import { createHash } from 'node:crypto'
import type * as jose from 'jose'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  createVerifier,
  ERROR_CODES,
  IdTokenError,
  type IdTokenErrorCode,
  type IdTokenVerifier,
  type VerifierOptions,
} from '../../src/index.ts'
import {
  ALGS,
  CLIENT,
  defaultClaims,
  ISSUER,
  keysForAllAlgs,
  makeKey,
  NOW,
  sign,
  type Alg,
  type TestKey,
} from '../helpers/issuer.ts'
import { harness } from '../helpers/harness.ts'
import { b64u, expectCode, forge, segment, signSegments, withSignature, type Expectation } from '../helpers/forge.ts'

const T = Math.floor(NOW / 1000)
const DISCOVERY_URL = `${ISSUER}/.well-known/openid-configuration`
const JWKS_URL = `${ISSUER}/jwks`

let keys: Record<Alg, TestKey>
let allJwks: jose.JWK[]
beforeAll(async () => {
  keys = await keysForAllAlgs()
  allJwks = ALGS.map((alg) => keys[alg].publicJwk)
})
afterEach(() => {
  vi.useRealTimers()
})

const setup = (options: Partial<VerifierOptions> = {}, discovery: Record<string, unknown> = {}, jwks = allJwks) =>
  harness({ key: keys.RS256, keys: jwks, discovery }, options)

// Which codes this file has produced: the last test checks that every documented code is among them.
const produced = new Set<string>()
async function expectError(
  verifier: IdTokenVerifier,
  token: unknown,
  code: IdTokenErrorCode,
  expectation?: Expectation,
): Promise<IdTokenError> {
  const error = await expectCode(verifier, token, code, expectation)
  produced.add(error.code)
  return error
}

/** OIDC Core 3.1.3.6: base64url of the left half of the hash of the ASCII value, computed with node:crypto. */
function leftHalfHash(hash: 'sha256' | 'sha384' | 'sha512', value: string): string {
  const digest = createHash(hash).update(value, 'ascii').digest()
  return b64u(new Uint8Array(digest.subarray(0, digest.length / 2)))
}

describe('algorithms', () => {
  it('every one of the ten algorithms verifies a jose-signed token (allowlist from discovery)', async () => {
    const { verifier } = setup()
    for (const alg of ALGS) {
      const { payload, header } = await verifier.verify(await sign(keys[alg], { claims: { nonce: `n-${alg}` } }))
      expect(header).toMatchObject({ alg, kid: keys[alg].kid, typ: 'JWT' })
      expect(payload).toMatchObject({ iss: ISSUER, aud: CLIENT, sub: 'user-1', nonce: `n-${alg}` })
    }
  })

  it('"Ed25519" in the header is an alias of EdDSA for an OKP/Ed25519 key (published with alg EdDSA or Ed25519)', async () => {
    const token = await sign(keys.EdDSA, { header: { alg: 'Ed25519' } })
    await expect(setup({ algorithms: ['Ed25519'] }).verifier.verify(token)).resolves.toMatchObject({
      header: { alg: 'Ed25519' },
    })
    const announced = setup({}, { id_token_signing_alg_values_supported: ['Ed25519'] })
    await expect(announced.verifier.verify(token)).resolves.toBeDefined()
    // The key's alg may use either name for either header spelling.
    const renamed = setup({ algorithms: ['EdDSA'] }, {}, [{ ...keys.EdDSA.publicJwk, alg: 'Ed25519' }])
    await expect(renamed.verifier.verify(await sign(keys.EdDSA))).resolves.toBeDefined()
  })

  it('the allowlist compares header values exactly: allowing EdDSA does not allow the "Ed25519" spelling', async () => {
    const token = await sign(keys.EdDSA, { header: { alg: 'Ed25519' } })
    await expectError(setup({ algorithms: ['EdDSA'] }).verifier, token, 'ERR_ALG_NOT_ALLOWED')
    // Discovery announcing only the ten classic names does not allow it either.
    await expectError(setup().verifier, token, 'ERR_ALG_NOT_ALLOWED')
  })

  it('an Ed25519 header never selects a non-Ed25519 key', async () => {
    const { verifier } = setup({ algorithms: ['Ed25519'] })
    await expectError(
      verifier,
      await signSegments(keys.EdDSA, segment({ alg: 'Ed25519', kid: keys.ES256.kid }), segment(defaultClaims())),
      'ERR_KEY_NOT_FOUND',
    )
  })
})

describe('error codes of the token itself', () => {
  it('ERR_TOKEN_MALFORMED, ERR_HEADER_UNSUPPORTED, ERR_ALG_NOT_ALLOWED, ERR_KEY_NOT_FOUND, ERR_SIGNATURE_INVALID', async () => {
    const { verifier } = setup({ cooldown: 0 })
    const good = await sign(keys.ES256)
    await expectError(verifier, 'not.a-token', 'ERR_TOKEN_MALFORMED')
    await expectError(verifier, await forge(keys.ES256, { crit: ['exp'], exp: T }), 'ERR_HEADER_UNSUPPORTED')
    await expectError(verifier, `${segment({ alg: 'HS256' })}.${segment(defaultClaims())}.AAAA`, 'ERR_ALG_NOT_ALLOWED')
    await expectError(verifier, await sign({ ...keys.ES256, kid: 'unknown' }), 'ERR_KEY_NOT_FOUND')
    await expectError(verifier, withSignature(good, new Uint8Array(64).fill(1)), 'ERR_SIGNATURE_INVALID')
    await expect(verifier.verify(good)).resolves.toBeDefined()
  })

  it('several usable keys for a token without kid is ERR_KEY_NOT_FOUND (ambiguity is refused, not tried in turn)', async () => {
    const second = await makeKey('ES256', 'second-es256')
    const { verifier } = setup({}, {}, [keys.ES256.publicJwk, second.publicJwk])
    const noKid = await signSegments(keys.ES256, segment({ alg: 'ES256' }), segment(defaultClaims()))
    await expectError(verifier, noKid, 'ERR_KEY_NOT_FOUND')
    const alone = setup({}, {}, [keys.ES256.publicJwk, keys.RS256.publicJwk])
    await expect(alone.verifier.verify(noKid)).resolves.toBeDefined()
  })
})

describe('ERR_JWKS_UNAVAILABLE', () => {
  it('HTTP 500 from discovery', async () => {
    const { idp, verifier } = setup()
    idp.fault = 500
    await expectError(verifier, await sign(keys.RS256), 'ERR_JWKS_UNAVAILABLE')
    expect(idp.count('/.well-known/openid-configuration')).toBe(1)
  })

  it('HTTP 503 from the key set is an outage; 404 is a configuration mistake (ERR_JWKS_INVALID)', async () => {
    for (const [status, code] of [
      [503, 'ERR_JWKS_UNAVAILABLE'],
      [404, 'ERR_JWKS_INVALID'],
    ] as const) {
      const { idp, verifier } = setup()
      idp.faults['/jwks'] = status
      await expectError(verifier, await sign(keys.RS256), code)
      expect(idp.count('/jwks')).toBe(1)
    }
  })

  it('a network error, with the cause kept', async () => {
    const { idp, verifier } = setup()
    idp.fault = 'network'
    const error = await expectError(verifier, await sign(keys.RS256), 'ERR_JWKS_UNAVAILABLE')
    expect(error.cause).toBeInstanceOf(TypeError)
  })

  it('a timeout: a fetch that never answers is aborted after `timeout` ms', async () => {
    const { idp, verifier } = setup({ timeout: 50 })
    idp.fault = 'hang'
    const requests = idp.requests
    const error = await expectError(verifier, await sign(keys.RS256), 'ERR_JWKS_UNAVAILABLE')
    expect((error.cause as Error).name).toBe('TimeoutError')
    expect(requests).toEqual([DISCOVERY_URL])
  })

  it('a failure is not kept: once the provider is back (after the back-off), verification works', async () => {
    const { idp, verifier, clock } = setup()
    idp.fault = 'network'
    await expectError(verifier, await sign(keys.RS256), 'ERR_JWKS_UNAVAILABLE')
    idp.fault = undefined
    clock.advance(60)
    await expect(verifier.verify(await sign(keys.RS256, { claims: defaultClaims(clock.now()) }))).resolves.toBeDefined()
  })
})

describe('ERR_JWKS_INVALID', () => {
  it('the discovery document names another issuer (also: only a trailing slash differs)', async () => {
    await expectError(
      setup({}, { issuer: 'https://other.example.test' }).verifier,
      await sign(keys.RS256),
      'ERR_JWKS_INVALID',
    )
    await expectError(setup({}, { issuer: `${ISSUER}/` }).verifier, await sign(keys.RS256), 'ERR_JWKS_INVALID')
    const slashed = setup({ issuer: `${ISSUER}/` })
    await expectError(slashed.verifier, await sign(keys.RS256, { claims: { iss: `${ISSUER}/` } }), 'ERR_JWKS_INVALID')
    // The document is requested at issuer + /.well-known/openid-configuration either way.
    expect(slashed.idp.requests).toEqual([DISCOVERY_URL])
  })

  it('the discovery document downgrades jwks_uri to http, or has none, or a bad one', async () => {
    for (const jwksUri of [
      'http://issuer.example.test/jwks',
      undefined,
      'not a url',
      42,
      'ftp://issuer.example.test/jwks',
    ]) {
      const { idp, verifier } = setup({}, { jwks_uri: jwksUri })
      await expectError(verifier, await sign(keys.RS256), 'ERR_JWKS_INVALID')
      expect(idp.count('/jwks')).toBe(0)
    }
  })

  it('the discovery document is not a JSON object, or announces algorithms as a non-array', async () => {
    const { idp, load } = setup()
    for (const body of ['[]', '"x"', 'null', '<html>']) {
      idp.faults['/.well-known/openid-configuration'] = { body }
      const { verifier } = load()
      await expectError(verifier, await sign(keys.RS256), 'ERR_JWKS_INVALID')
    }
    await expectError(
      setup({}, { id_token_signing_alg_values_supported: 'RS256' }).verifier,
      await sign(keys.RS256),
      'ERR_JWKS_INVALID',
    )
  })

  it('the key set is not JSON, or its "keys" is not an array', async () => {
    for (const body of ['not json', '{"keys":{}}', '{"keys":"x"}', '{}', '[]', 'null', '{"keys":null}']) {
      const { idp, verifier } = setup({ jwksUri: JWKS_URL })
      idp.faults['/jwks'] = { body }
      await expectError(verifier, await sign(keys.RS256), 'ERR_JWKS_INVALID')
    }
  })

  it('keys that are not understood are skipped, not fatal (RFC 7517 §5)', async () => {
    const { verifier } = setup({}, {}, [
      { kty: 'nope' },
      5,
      null,
      { kid: 'x' },
      keys.RS256.publicJwk,
    ] as unknown as jose.JWK[])
    await expect(verifier.verify(await sign(keys.RS256))).resolves.toBeDefined()
  })
})

describe('claims (OpenID Connect Core 3.1.3.7)', () => {
  let verifier: IdTokenVerifier
  beforeAll(() => {
    verifier = setup().verifier
  })
  const token = (claims: Record<string, unknown>, omit?: string[]): Promise<string> =>
    sign(keys.ES256, omit === undefined ? { claims } : { claims, omit })

  it('iss is compared exactly: a trailing slash differs either way', async () => {
    await expectError(verifier, await token({ iss: `${ISSUER}/` }), 'ERR_CLAIM_INVALID', { claim: 'iss' })
    const slashed = setup({ issuer: `${ISSUER}/`, jwksUri: JWKS_URL, algorithms: ['ES256'] }).verifier
    await expectError(slashed, await token({}), 'ERR_CLAIM_INVALID', { claim: 'iss' })
    await expect(slashed.verify(await token({ iss: `${ISSUER}/` }))).resolves.toBeDefined()
  })

  it('aud as a string or an array containing the client; audience option as a list', async () => {
    await expect(verifier.verify(await token({ aud: CLIENT }))).resolves.toBeDefined()
    await expect(verifier.verify(await token({ aud: [CLIENT] }))).resolves.toBeDefined()
    await expectError(verifier, await token({ aud: 'client-2' }), 'ERR_CLAIM_INVALID', { claim: 'aud' })
    await expectError(verifier, await token({ aud: ['client-2', 'client-3'], azp: 'client-2' }), 'ERR_CLAIM_INVALID', {
      claim: 'aud',
    })
    const several = setup({ audience: ['client-0', CLIENT] }).verifier
    await expect(several.verify(await token({ aud: 'client-0' }))).resolves.toBeDefined()
    await expectError(several, await token({ aud: 'client-9' }), 'ERR_CLAIM_INVALID', { claim: 'aud' })
  })

  it('azp: required with several aud, and must be (one of) our client id(s)', async () => {
    await expect(verifier.verify(await token({ azp: CLIENT }))).resolves.toBeDefined()
    await expect(verifier.verify(await token({ aud: [CLIENT, 'api'], azp: CLIENT }))).resolves.toBeDefined()
    await expectError(verifier, await token({ aud: [CLIENT, 'api'] }), 'ERR_CLAIM_INVALID', { claim: 'azp' })
    await expectError(verifier, await token({ azp: 'api' }), 'ERR_CLAIM_INVALID', { claim: 'azp' })
    await expectError(verifier, await token({ aud: [CLIENT, 'api'], azp: 'api' }), 'ERR_CLAIM_INVALID', {
      claim: 'azp',
    })
  })

  it('sub is required and not empty; the subject check compares it', async () => {
    await expectError(verifier, await token({}, ['sub']), 'ERR_CLAIM_INVALID', { claim: 'sub' })
    await expectError(verifier, await token({ sub: '' }), 'ERR_CLAIM_INVALID', { claim: 'sub' })
    await expect(verifier.verify(await token({}), { subject: 'user-1' })).resolves.toBeDefined()
    await expectError(verifier, await token({}), 'ERR_CLAIM_INVALID', { claim: 'sub', checks: { subject: 'user-2' } })
  })

  it('exp: expired exactly at exp + tolerance, valid one second before (default tolerance 60)', async () => {
    await expectError(verifier, await token({ exp: T - 60 }), 'ERR_TOKEN_EXPIRED', { claim: 'exp' })
    await expect(verifier.verify(await token({ exp: T - 59 }))).resolves.toBeDefined()
    await expectError(verifier, await token({}, ['exp']), 'ERR_CLAIM_INVALID', { claim: 'exp' })
  })

  it('exp with clockTolerance 0, at millisecond resolution of the clock', async () => {
    const strict = setup({ clockTolerance: 0 })
    await expectError(strict.verifier, await token({ exp: T }), 'ERR_TOKEN_EXPIRED', { claim: 'exp' })
    await expect(strict.verifier.verify(await token({ exp: T + 1 }))).resolves.toBeDefined()
    strict.clock.set(NOW + 999)
    await expect(strict.verifier.verify(await token({ exp: T + 1 }))).resolves.toBeDefined()
    strict.clock.set(NOW + 1000)
    await expectError(strict.verifier, await token({ exp: T + 1 }), 'ERR_TOKEN_EXPIRED', { claim: 'exp' })
  })

  it('nbf: valid up to now + tolerance, rejected one second beyond', async () => {
    await expect(verifier.verify(await token({ nbf: T + 60 }))).resolves.toBeDefined()
    await expectError(verifier, await token({ nbf: T + 61 }), 'ERR_TOKEN_NOT_YET_VALID', { claim: 'nbf' })
    const strict = setup({ clockTolerance: 0 }).verifier
    await expect(strict.verify(await token({ nbf: T }))).resolves.toBeDefined()
    await expectError(strict, await token({ nbf: T + 1 }), 'ERR_TOKEN_NOT_YET_VALID', { claim: 'nbf' })
  })

  it('iat: required, and not later than now + tolerance', async () => {
    await expectError(verifier, await token({}, ['iat']), 'ERR_CLAIM_INVALID', { claim: 'iat' })
    await expect(verifier.verify(await token({ iat: T + 60 }))).resolves.toBeDefined()
    await expectError(verifier, await token({ iat: T + 61 }), 'ERR_TOKEN_NOT_YET_VALID', { claim: 'iat' })
    const wide = setup({ clockTolerance: 300 }).verifier
    await expect(wide.verify(await token({ iat: T + 300 }))).resolves.toBeDefined()
    await expectError(wide, await token({ iat: T + 301 }), 'ERR_TOKEN_NOT_YET_VALID', { claim: 'iat' })
  })

  it('maxTokenAge: iat older than maxTokenAge (+ tolerance, as in jose) is ERR_CLAIM_INVALID on iat', async () => {
    const aged = setup({ maxTokenAge: 300 }).verifier
    await expect(aged.verify(await token({ iat: T - 360 }))).resolves.toBeDefined()
    await expectError(aged, await token({ iat: T - 361 }), 'ERR_CLAIM_INVALID', { claim: 'iat' })
    const exact = setup({ maxTokenAge: 300, clockTolerance: 0 }).verifier
    await expect(exact.verify(await token({ iat: T - 300 }))).resolves.toBeDefined()
    await expectError(exact, await token({ iat: T - 301 }), 'ERR_CLAIM_INVALID', { claim: 'iat' })
    // Without maxTokenAge an old iat is fine as long as exp holds.
    await expect(verifier.verify(await token({ iat: T - 86_400 }))).resolves.toBeDefined()
  })

  it('nonce: required and equal when asked for; ignored otherwise', async () => {
    await expect(verifier.verify(await token({ nonce: 'n-1' }), { nonce: 'n-1' })).resolves.toBeDefined()
    await expectError(verifier, await token({}), 'ERR_CLAIM_INVALID', { claim: 'nonce', checks: { nonce: 'n-1' } })
    await expectError(verifier, await token({ nonce: 'n-2' }), 'ERR_CLAIM_INVALID', {
      claim: 'nonce',
      checks: { nonce: 'n-1' },
    })
    await expectError(verifier, await token({ nonce: 'N-1' }), 'ERR_CLAIM_INVALID', {
      claim: 'nonce',
      checks: { nonce: 'n-1' },
    })
    await expect(verifier.verify(await token({ nonce: 'n-1' }))).resolves.toBeDefined()
  })

  it('maxAge: auth_time required, not older than maxAge + tolerance, and never in the future', async () => {
    await expectError(verifier, await token({}), 'ERR_CLAIM_INVALID', { claim: 'auth_time', checks: { maxAge: 600 } })
    await expect(verifier.verify(await token({ auth_time: T - 660 }), { maxAge: 600 })).resolves.toBeDefined()
    await expectError(verifier, await token({ auth_time: T - 661 }), 'ERR_CLAIM_INVALID', {
      claim: 'auth_time',
      checks: { maxAge: 600 },
    })
    await expect(verifier.verify(await token({ auth_time: T - 60 }), { maxAge: 0 })).resolves.toBeDefined()
    await expectError(verifier, await token({ auth_time: T - 61 }), 'ERR_CLAIM_INVALID', {
      claim: 'auth_time',
      checks: { maxAge: 0 },
    })
    await expect(verifier.verify(await token({ auth_time: T + 60 }), { maxAge: 600 })).resolves.toBeDefined()
    await expectError(verifier, await token({ auth_time: T + 61 }), 'ERR_CLAIM_INVALID', {
      claim: 'auth_time',
      checks: { maxAge: 600 },
    })
    await expectError(verifier, await token({ auth_time: T + 61 }), 'ERR_CLAIM_INVALID', { claim: 'auth_time' })
    // Without maxAge, an old auth_time is fine.
    await expect(verifier.verify(await token({ auth_time: T - 10 * 86_400 }))).resolves.toBeDefined()
  })

  for (const [alg, hash] of [
    ['RS256', 'sha256'],
    ['ES384', 'sha384'],
    ['EdDSA', 'sha512'],
  ] as const) {
    it(`${alg}: at_hash and c_hash with ${hash.toUpperCase()} (computed independently)`, async () => {
      const accessToken = 'ya29.a0AfH6SMC-access-token'
      const code = 'SplxlOBeZQQYbYS6WxSbIA'
      const claims = { at_hash: leftHalfHash(hash, accessToken), c_hash: leftHalfHash(hash, code) }
      const good = await sign(keys[alg], { claims })
      await expect(verifier.verify(good, { accessToken, code })).resolves.toBeDefined()
      await expect(verifier.verify(good, { accessToken })).resolves.toBeDefined()
      await expect(verifier.verify(good, { code })).resolves.toBeDefined()
      await expectError(verifier, good, 'ERR_CLAIM_INVALID', {
        claim: 'at_hash',
        checks: { accessToken: `${accessToken}x` },
      })
      await expectError(verifier, good, 'ERR_CLAIM_INVALID', { claim: 'c_hash', checks: { code: `${code}x` } })
      const missing = await sign(keys[alg])
      await expectError(verifier, missing, 'ERR_CLAIM_INVALID', { claim: 'at_hash', checks: { accessToken } })
      await expectError(verifier, missing, 'ERR_CLAIM_INVALID', { claim: 'c_hash', checks: { code } })
      // The hash follows the token's alg: a hash of another size is refused.
      const other = hash === 'sha256' ? 'sha512' : 'sha256'
      const wrongHash = await sign(keys[alg], { claims: { at_hash: leftHalfHash(other, accessToken) } })
      await expectError(verifier, wrongHash, 'ERR_CLAIM_INVALID', { claim: 'at_hash', checks: { accessToken } })
      // Not asked for, not checked.
      await expect(
        verifier.verify(await sign(keys[alg], { claims: { at_hash: 'bogus', c_hash: 'bogus' } })),
      ).resolves.toBeDefined()
    })
  }
})

describe('algorithm allowlist', () => {
  it('an explicit option wins over discovery (which is still used for jwks_uri)', async () => {
    const { idp, verifier } = setup({ algorithms: ['ES256'] }, { id_token_signing_alg_values_supported: ['RS256'] })
    await expect(verifier.verify(await sign(keys.ES256))).resolves.toBeDefined()
    await expectError(verifier, await sign(keys.RS256), 'ERR_ALG_NOT_ALLOWED')
    expect(idp.count('/.well-known/openid-configuration')).toBe(1)
  })

  it('from discovery: the announced algorithms we support; HS256 and none announced there are ignored', async () => {
    const { verifier } = setup(
      {},
      { id_token_signing_alg_values_supported: ['RS256', 'HS256', 'none', 'ES256', 'ES256K', 7] },
    )
    await expect(verifier.verify(await sign(keys.RS256))).resolves.toBeDefined()
    await expect(verifier.verify(await sign(keys.ES256))).resolves.toBeDefined()
    await expectError(verifier, await sign(keys.PS256), 'ERR_ALG_NOT_ALLOWED')
    await expectError(
      verifier,
      `${segment({ alg: 'HS256', kid: keys.RS256.kid })}.${segment(defaultClaims())}.AAAA`,
      'ERR_ALG_NOT_ALLOWED',
    )
    await expectError(verifier, `${segment({ alg: 'none' })}.${segment(defaultClaims())}.`, 'ERR_ALG_NOT_ALLOWED')
  })

  it('discovery without id_token_signing_alg_values_supported means RS256 only', async () => {
    const { idp, verifier } = setup()
    delete idp.discovery.id_token_signing_alg_values_supported
    await expect(verifier.verify(await sign(keys.RS256))).resolves.toBeDefined()
    await expectError(verifier, await sign(keys.ES256), 'ERR_ALG_NOT_ALLOWED')
  })

  it('discovery announcing only unsupported algorithms allows nothing', async () => {
    const { verifier } = setup({}, { id_token_signing_alg_values_supported: ['HS256', 'none'] })
    for (const alg of ['RS256', 'ES256', 'EdDSA'] as const)
      await expectError(verifier, await sign(keys[alg]), 'ERR_ALG_NOT_ALLOWED')
  })

  it('with jwksUri and no algorithms: RS256 only, and no discovery request', async () => {
    const { idp, verifier } = setup({ jwksUri: JWKS_URL })
    await expect(verifier.verify(await sign(keys.RS256))).resolves.toBeDefined()
    for (const alg of ['RS384', 'PS256', 'ES256', 'EdDSA'] as const)
      await expectError(verifier, await sign(keys[alg]), 'ERR_ALG_NOT_ALLOWED')
    expect(idp.requests).toEqual([JWKS_URL])
  })
})

describe('discovery and fetching', () => {
  it('keys come from the jwks_uri the discovery document names', async () => {
    const { idp, verifier } = setup({}, { jwks_uri: 'https://keys.example.test/jwks' })
    await expect(verifier.verify(await sign(keys.RS256))).resolves.toBeDefined()
    expect(idp.requests).toEqual([DISCOVERY_URL, 'https://keys.example.test/jwks'])
  })

  it('50 concurrent verifications on a fresh verifier share one discovery and one key set fetch', async () => {
    const { idp, verifier } = setup()
    const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => sign(keys[ALGS[i % ALGS.length]!])))
    const results = await Promise.all(tokens.map((t) => verifier.verify(t)))
    expect(results).toHaveLength(50)
    expect(idp.count('/.well-known/openid-configuration')).toBe(1)
    expect(idp.count('/jwks')).toBe(1)
    // Warm: no further requests.
    await verifier.verify(tokens[0]!)
    expect(idp.requests).toHaveLength(2)
  })

  it('an unknown kid triggers exactly one refetch, which finds a rotated-in key', async () => {
    const { idp, verifier } = setup()
    await verifier.verify(await sign(keys.ES256))
    expect(idp.count('/jwks')).toBe(1)
    const rotated = await makeKey('ES256', 'rotated-in')
    idp.keys.push(rotated.publicJwk)
    await expect(verifier.verify(await sign(rotated))).resolves.toMatchObject({ header: { kid: 'rotated-in' } })
    expect(idp.count('/jwks')).toBe(2)
    await verifier.verify(await sign(rotated))
    expect(idp.count('/jwks')).toBe(2)
  })

  it('a flood of 100 unknown kids costs one refetch per cooldown window', async () => {
    const { idp, verifier, clock } = setup({ cooldown: 30 })
    await verifier.verify(await sign(keys.ES256))
    expect(idp.count('/jwks')).toBe(1)
    const flood = async (): Promise<void> => {
      const tokens = await Promise.all(
        Array.from({ length: 100 }, () =>
          sign(
            { ...keys.ES256, kid: `k-${Math.random().toString(36).slice(2)}` },
            { claims: defaultClaims(clock.now()) },
          ),
        ),
      )
      const outcomes = await Promise.allSettled(tokens.map((t) => verifier.verify(t)))
      for (const outcome of outcomes) {
        expect(outcome.status).toBe('rejected')
        expect(((outcome as PromiseRejectedResult).reason as IdTokenError).code).toBe('ERR_KEY_NOT_FOUND')
      }
      produced.add('ERR_KEY_NOT_FOUND')
    }
    await flood()
    expect(idp.count('/jwks')).toBe(2)
    clock.advance(30) // the next window opens
    await flood()
    expect(idp.count('/jwks')).toBe(3)

    // Inside the window a flood is refused at once, without a request and without waiting...
    clock.advance(10)
    await flood()
    expect(idp.count('/jwks')).toBe(3)
    // ...except within `timeout` (5 s) of the next permitted refetch, which the tokens then wait for: one
    // refetch for all of them. Drive both clocks.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    clock.advance(17)
    const tokens = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        sign({ ...keys.ES256, kid: `late-${i}` }, { claims: defaultClaims(clock.now()) }),
      ),
    )
    const pending = Promise.allSettled(tokens.map((t) => verifier.verify(t)))
    await vi.advanceTimersByTimeAsync(2_000)
    expect(idp.count('/jwks')).toBe(3)
    clock.advance(3)
    await vi.advanceTimersByTimeAsync(1_000)
    const outcomes = await pending
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true)
    expect(idp.count('/jwks')).toBe(4)
    expect(idp.count('/.well-known/openid-configuration')).toBe(1)
  })

  it('jku, x5u and jwk headers are never fetched', async () => {
    const { idp, verifier } = setup()
    const attacker = await makeKey('ES256', 'attacker')
    const header = {
      jku: 'https://attacker.example/jwks',
      x5u: 'https://attacker.example/x5u',
      jwk: attacker.publicJwk,
    }
    await expect(verifier.verify(await sign(keys.ES256, { header }))).resolves.toBeDefined()
    await expectError(verifier, await sign({ ...attacker, kid: keys.ES256.kid }, { header }), 'ERR_SIGNATURE_INVALID')
    expect(idp.requests).toEqual([DISCOVERY_URL, JWKS_URL])
  })

  it('refresh() fetches discovery and key set again each time, ignoring freshness', async () => {
    const { idp, verifier } = setup()
    await verifier.refresh()
    expect([idp.count('/.well-known/openid-configuration'), idp.count('/jwks')]).toEqual([1, 1])
    await verifier.verify(await sign(keys.RS256))
    expect(idp.requests).toHaveLength(2)
    await verifier.refresh()
    await verifier.refresh()
    expect([idp.count('/.well-known/openid-configuration'), idp.count('/jwks')]).toEqual([3, 3])
  })

  it('refresh() picks up a new key and newly announced algorithms', async () => {
    const { idp, verifier } = setup({}, { id_token_signing_alg_values_supported: ['RS256'] })
    await verifier.verify(await sign(keys.RS256))
    await expectError(verifier, await sign(keys.ES256), 'ERR_ALG_NOT_ALLOWED')
    idp.discovery.id_token_signing_alg_values_supported = ['RS256', 'ES256']
    const added = await makeKey('ES256', 'added')
    idp.keys.push(added.publicJwk)
    await verifier.refresh()
    await expect(verifier.verify(await sign(keys.ES256))).resolves.toBeDefined()
    await expect(verifier.verify(await sign(added))).resolves.toBeDefined()
  })

  it('refresh() with jwksUri fetches only the key set, and rejects like a verification when it fails', async () => {
    const { idp, verifier } = setup({ jwksUri: JWKS_URL })
    await verifier.refresh()
    expect(idp.requests).toEqual([JWKS_URL])
    idp.fault = 502
    const error = await verifier.refresh().then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(IdTokenError)
    expect((error as IdTokenError).code).toBe('ERR_JWKS_UNAVAILABLE')
  })
})

describe('misuse is a TypeError', () => {
  const base: VerifierOptions = { issuer: ISSUER, audience: CLIENT, cache: 'memory' }
  const bad: Array<[string, unknown]> = [
    ['no options', undefined],
    ['null options', null],
    ['missing issuer', { audience: CLIENT }],
    ['empty issuer', { ...base, issuer: '' }],
    ['numeric issuer', { ...base, issuer: 42 }],
    ['missing audience', { issuer: ISSUER }],
    ['empty audience', { ...base, audience: '' }],
    ['empty audience list', { ...base, audience: [] }],
    ['audience list with an empty string', { ...base, audience: [CLIENT, ''] }],
    ['audience list with a number', { ...base, audience: [CLIENT, 1] }],
    ['HS256 in algorithms', { ...base, algorithms: ['HS256'] }],
    ['none in algorithms', { ...base, algorithms: ['RS256', 'none'] }],
    ['lower-case alg', { ...base, algorithms: ['rs256'] }],
    ['empty algorithms', { ...base, algorithms: [] }],
    ['algorithms as a string', { ...base, algorithms: 'RS256' }],
    ['negative clockTolerance', { ...base, clockTolerance: -1 }],
    ['NaN clockTolerance', { ...base, clockTolerance: Number.NaN }],
    ['infinite clockTolerance', { ...base, clockTolerance: Number.POSITIVE_INFINITY }],
    ['string clockTolerance', { ...base, clockTolerance: '60' }],
    ['negative maxTokenAge', { ...base, maxTokenAge: -1 }],
    ['zero timeout', { ...base, timeout: 0 }],
    ['negative cooldown', { ...base, cooldown: -1 }],
    ['zero maxTokenLength', { ...base, maxTokenLength: 0 }],
    ['relative jwksUri', { ...base, jwksUri: '/jwks' }],
    ['jwksUri not a URL', { ...base, jwksUri: 'not a url' }],
    ['numeric jwksUri', { ...base, jwksUri: 42 }],
    ['ftp jwksUri', { ...base, jwksUri: 'ftp://issuer.example.test/jwks' }],
    ['javascript: jwksUri', { ...base, jwksUri: 'javascript:alert(1)' }],
    ['http jwksUri for an https issuer', { ...base, jwksUri: 'http://issuer.example.test/jwks' }],
    ['unknown cache', { ...base, cache: 'redis' }],
    ['cache object without methods', { ...base, cache: {} }],
    ['now not a function', { ...base, now: 1 }],
    ['fetch not a function', { ...base, fetch: 'https://proxy' }],
  ]
  for (const [name, options] of bad) {
    it(`createVerifier: ${name}`, () => {
      expect(() => createVerifier(options as VerifierOptions)).toThrow(TypeError)
    })
  }

  it('verify: checks of the wrong types reject with a TypeError before anything is fetched', async () => {
    const { idp, verifier } = setup()
    const token = await sign(keys.RS256)
    const checks: unknown[] = [
      null,
      'n-1',
      { nonce: 5 },
      { subject: {} },
      { accessToken: 1 },
      { code: [] },
      { maxAge: -1 },
      { maxAge: '5' },
      { maxAge: Number.NaN },
      { maxAge: Number.POSITIVE_INFINITY },
    ]
    for (const value of checks) {
      await expect(verifier.verify(token, value as never)).rejects.toThrow(TypeError)
    }
    expect(idp.requests).toHaveLength(0)
  })
})

describe('errors carry no token content', () => {
  it('a payload that is not JSON gives no cause that would quote it', async () => {
    const { verifier } = setup()
    const header = b64u(JSON.stringify({ alg: 'RS256', kid: keys.RS256.kid }))
    const payload = b64u('{"nonce":topsecret}')
    const error = await verifier.verify(`${header}.${payload}.AAAA`).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(IdTokenError)
    expect((error as IdTokenError).code).toBe('ERR_TOKEN_MALFORMED')
    expect((error as IdTokenError).cause).toBeUndefined()
    expect(JSON.stringify(error) + String(error)).not.toContain('topsecret')
  })
})

describe('coverage', () => {
  it('every documented error code was produced by a test in this file', () => {
    expect([...produced].sort()).toEqual([...ERROR_CODES].sort())
  })
})
