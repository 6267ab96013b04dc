// The conformance suite: one file, run unchanged against the built package by a thin runner per runtime
// (test/runtimes/: Node, Deno, Bun, Chromium, Firefox). It takes the library as a parameter and uses only
// Web APIs (crypto.subtle, Response, URL, TextEncoder, btoa): no node: import, no test framework, no
// network. Tokens are signed here with WebCrypto directly, so the signer is independent of the SDK; the
// provider is an injected `fetch` that serves discovery and the key set from memory and counts requests.
// The clock is injected too (`now`), so nothing sleeps.
import type * as Sdk from '../../src/index.ts'

/** The SDK module as `import * as lib from 'idtoken-verify'` sees it. */
export type Library = typeof Sdk

export interface SuiteOptions {
  /** Receives one line per case and the summary line. */
  log?: (line: string) => void
}

export interface SuiteResult {
  passed: number
  failed: number
  /** `name: reason` of each failed case. */
  failures: string[]
}

type Alg = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA'
const ALGS: readonly Alg[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']

const ISSUER = 'https://idp.conformance.test'
const CLIENT = 'conformance-client'
const API = 'https://api.conformance.test'
const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'
const START = 1_800_000_000_000 // ms: a fixed clock, 2027-01-15
const encoder = new TextEncoder()

interface SigningKey {
  readonly alg: string
  readonly kid: string
  readonly privateKey: CryptoKey
  readonly sign: AlgorithmIdentifier | RsaPssParams | EcdsaParams
  readonly publicJwk: Record<string, unknown>
}

type Keys = Record<Alg, SigningKey>

// ---------------------------------------------------------------------------------------------------
// Signing with WebCrypto: compact JWS by hand (RFC 7515 §7.1).

function b64url(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

const b64json = (value: unknown): string => b64url(encoder.encode(JSON.stringify(value)))

async function signCompact(key: SigningKey, header: Record<string, unknown>, payload: unknown): Promise<string> {
  const input = `${b64json(header)}.${b64json(payload)}`
  const signature = await crypto.subtle.sign(key.sign, key.privateKey, encoder.encode(input))
  return `${input}.${b64url(new Uint8Array(signature))}`
}

const HASH: Record<string, string> = { '256': 'SHA-256', '384': 'SHA-384', '512': 'SHA-512' }
const CURVE: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }

/** Public members only, plus the metadata a provider publishes. */
function publicJwk(jwk: JsonWebKey, kid: string, alg: string): Record<string, unknown> {
  const { kty, crv, n, e, x, y } = jwk
  return Object.fromEntries(
    Object.entries({ kty, crv, n, e, x, y, kid, alg, use: 'sig' }).filter(([, v]) => v !== undefined),
  )
}

async function makeKeys(): Promise<Keys> {
  // One RSA modulus serves all six RSA algorithms (RSA generation is the slow part, in a browser most of all):
  // its private JWK is imported once per algorithm, and published under one kid per algorithm.
  const rsa = (await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair
  const rsaPrivate = await crypto.subtle.exportKey('jwk', rsa.privateKey)
  delete rsaPrivate.alg
  delete rsaPrivate.key_ops
  const keys: Partial<Keys> = {}
  await Promise.all(
    ALGS.map(async (alg) => {
      const kid = `kid-${alg}`
      const hash = HASH[alg.slice(2)]!
      if (alg.startsWith('RS') || alg.startsWith('PS')) {
        const pss = alg.startsWith('PS')
        const name = pss ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5'
        const privateKey = await crypto.subtle.importKey('jwk', rsaPrivate, { name, hash }, false, ['sign'])
        const sign = pss ? { name, saltLength: Number(alg.slice(2)) / 8 } : { name }
        keys[alg] = { alg, kid, privateKey, sign, publicJwk: publicJwk(rsaPrivate, kid, alg) }
      } else if (alg.startsWith('ES')) {
        const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: CURVE[alg]! }, true, [
          'sign',
          'verify',
        ])) as CryptoKeyPair
        const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey)
        keys[alg] = {
          alg,
          kid,
          privateKey: pair.privateKey,
          sign: { name: 'ECDSA', hash },
          publicJwk: publicJwk(jwk, kid, alg),
        }
      } else {
        const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair
        const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey)
        keys[alg] = {
          alg,
          kid,
          privateKey: pair.privateKey,
          sign: { name: 'Ed25519' },
          publicJwk: publicJwk(jwk, kid, alg),
        }
      }
    }),
  )
  return keys as Keys
}

/** The same key material published under another kid: for rotation. */
const withKid = (key: SigningKey, kid: string): SigningKey => ({ ...key, kid, publicJwk: { ...key.publicJwk, kid } })

// ---------------------------------------------------------------------------------------------------
// The provider: discovery and JWKS from memory, through an injected fetch that counts requests.

interface Provider {
  readonly fetch: typeof fetch
  jwks: unknown
  discovery: Record<string, unknown>
  /** Per path: an HTTP status to answer with, or 'network' to reject like a failed connection. */
  readonly faults: Map<string, number | 'network'>
  /** Extra response headers (Cache-Control ...). */
  headers: Record<string, string>
  count(path?: string): number
}

const DISCOVERY_PATH = '/.well-known/openid-configuration'
const JWKS_PATH = '/jwks'

function provider(keys: readonly SigningKey[], discovery: Record<string, unknown> = {}): Provider {
  const requests: string[] = []
  const state: Provider = {
    jwks: { keys: keys.map((key) => key.publicJwk) },
    discovery: {
      issuer: ISSUER,
      jwks_uri: `${ISSUER}${JWKS_PATH}`,
      id_token_signing_alg_values_supported: [...ALGS],
      ...discovery,
    },
    faults: new Map(),
    headers: {},
    count: (path) => (path === undefined ? requests.length : requests.filter((p) => p === path).length),
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
      if ((init?.method ?? 'GET') !== 'GET') throw new Error(`unexpected ${init?.method} ${url.href}`)
      requests.push(url.pathname)
      const fault = state.faults.get(url.pathname)
      if (fault === 'network') throw new TypeError('fetch failed (simulated network error)')
      if (fault !== undefined) return new Response('unavailable', { status: fault })
      const body =
        url.origin !== ISSUER
          ? undefined
          : url.pathname === DISCOVERY_PATH
            ? state.discovery
            : url.pathname === new URL(String(state.discovery.jwks_uri), ISSUER).pathname
              ? state.jwks
              : undefined
      if (body === undefined) return new Response('not found', { status: 404 })
      return new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'content-type': 'application/json', ...state.headers },
      })
    }) as typeof fetch,
  }
  return state
}

// ---------------------------------------------------------------------------------------------------
// Assertions: a failed one throws, and the runner records the case's name with the reason.

class CheckFailed extends Error {}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message)
}

function equal(actual: unknown, expected: unknown, what: string): void {
  check(Object.is(actual, expected), `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
}

async function rejects(lib: Library, promise: Promise<unknown>, code: string, claim?: string): Promise<void> {
  let outcome: unknown
  try {
    await promise
  } catch (error) {
    outcome = error
  }
  check(outcome !== undefined, `expected ${code}, but it resolved`)
  check(outcome instanceof lib.IdTokenError, `expected an IdTokenError ${code}, got ${String(outcome)}`)
  equal(outcome.code, code, 'code')
  if (claim !== undefined) equal(outcome.claim, claim, 'claim')
}

// ---------------------------------------------------------------------------------------------------
// The cases.

interface Context {
  readonly lib: Library
  readonly keys: Keys
  clock: number
  claims(extra?: Record<string, unknown>): Record<string, unknown>
  accessClaims(extra?: Record<string, unknown>): Record<string, unknown>
  logoutClaims(extra?: Record<string, unknown>): Record<string, unknown>
  token(key: SigningKey, extra?: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>
  verifier(idp: Provider, options?: Partial<Sdk.VerifierOptions>): Sdk.IdTokenVerifier
}

type Case = readonly [name: string, run: (t: Context) => Promise<void>]

const cases: Case[] = [
  // Every algorithm verifies, through discovery, with the key named by kid.
  ...ALGS.map((alg): Case => [
    `valid token: ${alg}`,
    async (t) => {
      const key = t.keys[alg]
      const v = t.verifier(provider(Object.values(t.keys)))
      const { payload, header } = await v.verify(await t.token(key, { nonce: `n-${alg}` }), { nonce: `n-${alg}` })
      equal(payload.sub, 'alice', 'payload.sub')
      equal(payload.nonce, `n-${alg}`, 'payload.nonce')
      equal(header.alg, alg, 'header.alg')
      equal(header.kid, key.kid, 'header.kid')
    },
  ]),
  [
    'valid token: Ed25519 (the fully-specified alias of EdDSA)',
    async (t) => {
      const v = t.verifier(provider([t.keys.EdDSA]), { algorithms: ['Ed25519'] })
      const { header } = await v.verify(await t.token({ ...t.keys.EdDSA, alg: 'Ed25519' }))
      equal(header.alg, 'Ed25519', 'header.alg')
    },
  ],
  [
    'valid token: aud array with azp, at_hash and c_hash checked',
    async (t) => {
      const v = t.verifier(provider([t.keys.ES384]))
      const half = async (value: string): Promise<string> =>
        b64url(new Uint8Array(await crypto.subtle.digest('SHA-384', encoder.encode(value))).subarray(0, 24))
      const token = await t.token(t.keys.ES384, {
        aud: [CLIENT, 'other'],
        azp: CLIENT,
        at_hash: await half('access-1'),
        c_hash: await half('code-1'),
      })
      const { payload } = await v.verify(token, { accessToken: 'access-1', code: 'code-1' })
      equal(payload.azp, CLIENT, 'payload.azp')
      await rejects(t.lib, v.verify(token, { accessToken: 'access-2' }), 'ERR_CLAIM_INVALID', 'at_hash')
    },
  ],

  // One case (at least) per error code.
  [
    'ERR_TOKEN_MALFORMED: not three parts',
    async (t) => {
      const v = t.verifier(provider([t.keys.RS256]))
      await rejects(t.lib, v.verify('not-a-token'), 'ERR_TOKEN_MALFORMED')
      await rejects(t.lib, v.verify('a.b.c.d.e'), 'ERR_TOKEN_MALFORMED')
    },
  ],
  [
    'ERR_TOKEN_MALFORMED: lax base64url and a payload that is not an object',
    async (t) => {
      const v = t.verifier(provider([t.keys.RS256]))
      const token = await t.token(t.keys.RS256)
      await rejects(
        t.lib,
        v.verify(`${token.split('.')[0]}=.${token.split('.').slice(1).join('.')}`),
        'ERR_TOKEN_MALFORMED',
      )
      // Where the platform has Uint8Array.fromBase64 (browsers, Deno, Bun) the SDK uses it and must stay exact.
      const [h, p, sig] = token.split('.') as [string, string, string]
      const nonCanonical = (text: string): string => {
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
        const last = alphabet.indexOf(text.at(-1)!)
        return text.slice(0, -1) + alphabet[last ^ 1]
      }
      for (const lax of [
        `${h}.${p.slice(0, 8)} ${p.slice(8)}.${sig}`, // whitespace inside
        `${h}.${p.slice(0, 8)}\n${p.slice(8)}.${sig}`,
        `${h}.${p}.${sig.replace(/-/g, '+').replace(/_/g, '/')}`, // the standard alphabet
        `${h}.${p}==.${sig}`, // padding
        `${h}.${p}.${nonCanonical(sig)}`, // unused bits set in the last character (an RSA-2048 signature is 342 characters: 4 spare bits)
      ]) {
        if (lax !== token) await rejects(t.lib, v.verify(lax), 'ERR_TOKEN_MALFORMED')
      }
      await rejects(
        t.lib,
        v.verify(await signCompact(t.keys.RS256, { alg: 'RS256', kid: 'kid-RS256' }, [1, 2])),
        'ERR_TOKEN_MALFORMED',
      )
    },
  ],
  [
    'ERR_TOKEN_MALFORMED: a registered claim of the wrong type',
    async (t) => {
      const v = t.verifier(provider([t.keys.RS256]))
      await rejects(
        t.lib,
        v.verify(await t.token(t.keys.RS256, { exp: String(t.clock / 1000 + 600) })),
        'ERR_TOKEN_MALFORMED',
        'exp',
      )
    },
  ],
  [
    'ERR_HEADER_UNSUPPORTED: crit, and a typ of another token kind',
    async (t) => {
      const v = t.verifier(provider([t.keys.ES256]))
      await rejects(
        t.lib,
        v.verify(await t.token(t.keys.ES256, {}, { crit: ['exp'], exp: 1 })),
        'ERR_HEADER_UNSUPPORTED',
      )
      await rejects(t.lib, v.verify(await t.token(t.keys.ES256, {}, { typ: 'at+jwt' })), 'ERR_HEADER_UNSUPPORTED')
    },
  ],
  [
    'ERR_ALG_NOT_ALLOWED: none and HS256',
    async (t) => {
      const v = t.verifier(provider([t.keys.RS256]))
      const payload = b64json(t.claims())
      await rejects(t.lib, v.verify(`${b64json({ alg: 'none' })}.${payload}.`), 'ERR_ALG_NOT_ALLOWED')
      await rejects(
        t.lib,
        v.verify(`${b64json({ alg: 'HS256', kid: 'kid-RS256' })}.${payload}.${b64url(new Uint8Array(32))}`),
        'ERR_ALG_NOT_ALLOWED',
      )
    },
  ],
  [
    'ERR_ALG_NOT_ALLOWED: an alg outside the configured allowlist',
    async (t) => {
      const v = t.verifier(provider(Object.values(t.keys)), { algorithms: ['ES256'] })
      await v.verify(await t.token(t.keys.ES256))
      await rejects(t.lib, v.verify(await t.token(t.keys.RS256)), 'ERR_ALG_NOT_ALLOWED')
    },
  ],
  [
    'ERR_KEY_NOT_FOUND: unknown kid, after exactly one refetch',
    async (t) => {
      const idp = provider([t.keys.PS256])
      const v = t.verifier(idp)
      await v.verify(await t.token(t.keys.PS256))
      equal(idp.count(JWKS_PATH), 1, 'key set requests after the first verification')
      await rejects(t.lib, v.verify(await t.token(withKid(t.keys.PS256, 'kid-unknown'))), 'ERR_KEY_NOT_FOUND')
      equal(idp.count(JWKS_PATH), 2, 'key set requests after an unknown kid')
    },
  ],
  [
    'ERR_KEY_NOT_FOUND: an embedded jwk/jku header is never followed',
    async (t) => {
      const idp = provider([t.keys.ES256])
      const v = t.verifier(idp)
      const attacker = withKid(t.keys.ES256, 'attacker')
      const token = await t.token(attacker, {}, { jwk: attacker.publicJwk, jku: `${ISSUER}/attacker-jwks` })
      await rejects(t.lib, v.verify(token), 'ERR_KEY_NOT_FOUND')
      equal(idp.count('/attacker-jwks'), 0, 'requests to the jku')
    },
  ],
  [
    'ERR_SIGNATURE_INVALID: altered payload, and a signature by another key',
    async (t) => {
      const v = t.verifier(provider(Object.values(t.keys)))
      const [header, , signature] = (await t.token(t.keys.RS256)).split('.')
      await rejects(
        t.lib,
        v.verify(`${header}.${b64json(t.claims({ sub: 'mallory' }))}.${signature}`),
        'ERR_SIGNATURE_INVALID',
      )
      // A well-formed ES256 signature under the published kid, made by a key the provider never published.
      const other = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
        'sign',
      ])) as CryptoKeyPair
      await rejects(
        t.lib,
        v.verify(await t.token({ ...t.keys.ES256, privateKey: other.privateKey })),
        'ERR_SIGNATURE_INVALID',
      )
    },
  ],
  [
    'ERR_TOKEN_EXPIRED: exp beyond the clock tolerance',
    async (t) => {
      const v = t.verifier(provider([t.keys.ES512]))
      const now = t.clock / 1000
      await rejects(
        t.lib,
        v.verify(await t.token(t.keys.ES512, { iat: now - 3600, exp: now - 61 })),
        'ERR_TOKEN_EXPIRED',
        'exp',
      )
      // Within the default 60 s of tolerance it still verifies.
      await v.verify(await t.token(t.keys.ES512, { iat: now - 3600, exp: now - 59 }))
    },
  ],
  [
    'ERR_TOKEN_NOT_YET_VALID: nbf and iat in the future',
    async (t) => {
      const v = t.verifier(provider([t.keys.EdDSA]))
      const now = t.clock / 1000
      await rejects(t.lib, v.verify(await t.token(t.keys.EdDSA, { nbf: now + 3600 })), 'ERR_TOKEN_NOT_YET_VALID', 'nbf')
      await rejects(
        t.lib,
        v.verify(await t.token(t.keys.EdDSA, { iat: now + 3600, exp: now + 7200 })),
        'ERR_TOKEN_NOT_YET_VALID',
        'iat',
      )
    },
  ],
  [
    'ERR_CLAIM_INVALID: nonce',
    async (t) => {
      const v = t.verifier(provider([t.keys.RS256]))
      await rejects(
        t.lib,
        v.verify(await t.token(t.keys.RS256, { nonce: 'n-1' }), { nonce: 'n-2' }),
        'ERR_CLAIM_INVALID',
        'nonce',
      )
      await rejects(t.lib, v.verify(await t.token(t.keys.RS256), { nonce: 'n-1' }), 'ERR_CLAIM_INVALID', 'nonce')
    },
  ],
  [
    'ERR_CLAIM_INVALID: aud',
    async (t) => {
      const v = t.verifier(provider([t.keys.RS256]))
      await rejects(t.lib, v.verify(await t.token(t.keys.RS256, { aud: 'someone-else' })), 'ERR_CLAIM_INVALID', 'aud')
    },
  ],
  [
    'ERR_CLAIM_INVALID: iss',
    async (t) => {
      const v = t.verifier(provider([t.keys.RS256]))
      await rejects(t.lib, v.verify(await t.token(t.keys.RS256, { iss: `${ISSUER}/` })), 'ERR_CLAIM_INVALID', 'iss')
    },
  ],
  [
    'ERR_JWKS_UNAVAILABLE: the key set answers 503',
    async (t) => {
      const idp = provider([t.keys.RS256])
      idp.faults.set(JWKS_PATH, 503)
      await rejects(t.lib, t.verifier(idp).verify(await t.token(t.keys.RS256)), 'ERR_JWKS_UNAVAILABLE')
      equal(idp.count(JWKS_PATH), 1, 'key set requests')
    },
  ],
  [
    'ERR_JWKS_UNAVAILABLE: discovery fails at the network level',
    async (t) => {
      const idp = provider([t.keys.RS256])
      idp.faults.set(DISCOVERY_PATH, 'network')
      await rejects(t.lib, t.verifier(idp).verify(await t.token(t.keys.RS256)), 'ERR_JWKS_UNAVAILABLE')
      equal(idp.count(JWKS_PATH), 0, 'key set requests')
    },
  ],
  [
    'ERR_JWKS_INVALID: discovery names another issuer',
    async (t) => {
      const idp = provider([t.keys.RS256], { issuer: 'https://evil.conformance.test' })
      await rejects(t.lib, t.verifier(idp).verify(await t.token(t.keys.RS256)), 'ERR_JWKS_INVALID')
      equal(idp.count(JWKS_PATH), 0, 'key set requests')
    },
  ],
  [
    'ERR_JWKS_INVALID: a key set that is not { keys: [...] }',
    async (t) => {
      const idp = provider([t.keys.RS256])
      idp.jwks = [t.keys.RS256.publicJwk]
      await rejects(t.lib, t.verifier(idp).verify(await t.token(t.keys.RS256)), 'ERR_JWKS_INVALID')
    },
  ],
  [
    'every error code is exported and covered above',
    async (t) => {
      const covered = new Set(cases.flatMap(([name]) => name.match(/^(ERR_[A-Z_]+)/)?.[1] ?? []))
      equal([...t.lib.ERROR_CODES].sort().join(' '), [...covered].sort().join(' '), 'error codes')
      const error = new t.lib.IdTokenError('ERR_CLAIM_INVALID', 'm', { claim: 'aud' })
      check(error instanceof Error && error.name === 'IdTokenError' && error.claim === 'aud', 'IdTokenError shape')
    },
  ],

  // Access tokens (RFC 9068) and logout tokens (Back-Channel Logout 1.0) on the same core.
  [
    'access token: at+jwt verifies with its required claims; an ID token and typ JWT are another kind',
    async (t) => {
      const v = t.lib.createAccessTokenVerifier({
        issuer: ISSUER,
        audience: API,
        fetch: provider([t.keys.RS256]).fetch,
        now: () => t.clock,
        cache: 'memory',
      })
      const { payload, header } = await v.verify(
        await signCompact(t.keys.RS256, { alg: 'RS256', kid: 'kid-RS256', typ: 'at+jwt' }, t.accessClaims()),
      )
      equal(payload.client_id, CLIENT, 'payload.client_id')
      equal(header.typ, 'at+jwt', 'header.typ')
      await v.verify(
        await signCompact(
          t.keys.RS256,
          { alg: 'RS256', kid: 'kid-RS256', typ: 'application/AT+JWT' },
          t.accessClaims(),
        ),
      )
      await rejects(
        t.lib,
        v.verify(await t.token(t.keys.RS256, { aud: API, client_id: CLIENT, jti: 'j' })),
        'ERR_HEADER_UNSUPPORTED',
      )
      const { jti: _jti, ...noJti } = t.accessClaims()
      await rejects(
        t.lib,
        v.verify(await signCompact(t.keys.RS256, { alg: 'RS256', kid: 'kid-RS256', typ: 'at+jwt' }, noJti)),
        'ERR_CLAIM_INVALID',
        'jti',
      )
      await rejects(
        t.lib,
        v.verify(
          await signCompact(
            t.keys.RS256,
            { alg: 'RS256', kid: 'kid-RS256', typ: 'at+jwt' },
            t.accessClaims({ aud: CLIENT }),
          ),
        ),
        'ERR_CLAIM_INVALID',
        'aud',
      )
    },
  ],
  [
    'access token: scopes and clientIds; RS256 unless configured, whatever discovery announces',
    async (t) => {
      const idp = provider([t.keys.RS256, t.keys.ES256])
      const v = t.lib.createAccessTokenVerifier({
        issuer: ISSUER,
        audience: API,
        fetch: idp.fetch,
        now: () => t.clock,
        cache: 'memory',
        scopes: ['read'],
        clientIds: [CLIENT],
      })
      const at = (key: SigningKey, extra: Record<string, unknown> = {}) =>
        signCompact(key, { alg: key.alg, kid: key.kid, typ: 'at+jwt' }, t.accessClaims(extra))
      await v.verify(await at(t.keys.RS256, { scope: 'read write' }), { scopes: ['write'] })
      await rejects(
        t.lib,
        v.verify(await at(t.keys.RS256, { scope: 'read' }), { scopes: ['write'] }),
        'ERR_CLAIM_INVALID',
        'scope',
      )
      await rejects(
        t.lib,
        v.verify(await at(t.keys.RS256, { scope: 'read', client_id: 'other' })),
        'ERR_CLAIM_INVALID',
        'client_id',
      )
      await rejects(t.lib, v.verify(await at(t.keys.ES256, { scope: 'read' })), 'ERR_ALG_NOT_ALLOWED')
    },
  ],
  [
    'logout token: verifies once (replay refused), with events, without nonce; other kinds refused',
    async (t) => {
      const v = t.lib.createLogoutTokenVerifier({
        issuer: ISSUER,
        audience: CLIENT,
        fetch: provider([t.keys.ES256]).fetch,
        now: () => t.clock,
        cache: 'memory',
      })
      const lt = (extra: Record<string, unknown> = {}, typ: string | null = 'logout+jwt') =>
        signCompact(
          t.keys.ES256,
          { alg: 'ES256', kid: 'kid-ES256', ...(typ === null ? {} : { typ }) },
          t.logoutClaims(extra),
        )
      const token = await lt()
      const { payload } = await v.verify(token)
      equal(payload.sid, 'session-1', 'payload.sid')
      await rejects(t.lib, v.verify(token), 'ERR_CLAIM_INVALID', 'jti')
      await rejects(t.lib, v.verify(await lt({ nonce: 'n' })), 'ERR_CLAIM_INVALID', 'nonce')
      await rejects(t.lib, v.verify(await lt({ events: { 'urn:other': {} } })), 'ERR_CLAIM_INVALID', 'events')
      await rejects(t.lib, v.verify(await lt({ iat: t.clock / 1000 - 300 })), 'ERR_CLAIM_INVALID', 'iat')
      await rejects(t.lib, v.verify(await lt({ jti: 'untyped' }, null)), 'ERR_HEADER_UNSUPPORTED')
      await rejects(
        t.lib,
        v.verify(await t.token(t.keys.ES256, { jti: 'x', events: { [LOGOUT_EVENT]: {} } })),
        'ERR_HEADER_UNSUPPORTED',
      )
      // The ID-token verifier refuses the logout token.
      await rejects(t.lib, t.verifier(provider([t.keys.ES256])).verify(await lt()), 'ERR_HEADER_UNSUPPORTED')
    },
  ],
  [
    'resource server: bearerToken and the RFC 6750 challenge',
    async (t) => {
      const request = (authorization: string) =>
        new Request('https://api.conformance.test/x', { headers: { authorization } })
      equal(t.lib.bearerToken(request('bearer  a.b.c')), 'a.b.c', 'token')
      equal(t.lib.bearerToken(new Request('https://api.conformance.test/x')), undefined, 'no header')
      let thrown: unknown
      try {
        t.lib.bearerToken(request('Bearer a.b.c, Bearer d.e.f'))
      } catch (error) {
        thrown = error
      }
      check(
        thrown instanceof t.lib.BearerError && thrown.error === 'invalid_request',
        'repeated credentials are invalid_request',
      )
      const scope = new t.lib.IdTokenError('ERR_CLAIM_INVALID', 'the "scope" claim lacks the required scope "w"', {
        claim: 'scope',
      })
      equal(
        t.lib.challenge(scope, { realm: 'api', scope: 'w' }),
        'Bearer realm="api", error="insufficient_scope", error_description="the \'scope\' claim lacks the required scope \'w\'", scope="w"',
        'challenge',
      )
      const response = t.lib.challengeResponse(
        new t.lib.IdTokenError('ERR_TOKEN_EXPIRED', 'the token has expired ("exp")'),
      )
      equal(response.status, 401, 'status')
      equal(
        response.headers.get('www-authenticate'),
        'Bearer error="invalid_token", error_description="the token has expired (\'exp\')"',
        'header',
      )
    },
  ],

  // Discovery.
  [
    'discovery: jwks_uri and the allowlist come from the discovery document',
    async (t) => {
      const idp = provider([t.keys.ES256, t.keys.RS256], {
        jwks_uri: `${ISSUER}/keys/v2`,
        id_token_signing_alg_values_supported: ['ES256', 'HS256', 'none'],
      })
      const v = t.verifier(idp)
      await v.verify(await t.token(t.keys.ES256))
      equal(idp.count(DISCOVERY_PATH), 1, 'discovery requests')
      equal(idp.count('/keys/v2'), 1, 'requests to the discovered jwks_uri')
      await rejects(t.lib, v.verify(await t.token(t.keys.RS256)), 'ERR_ALG_NOT_ALLOWED')
      equal(idp.count(), 2, 'requests in all')
    },
  ],
  [
    'discovery: the jwksUri option skips it, and the allowlist defaults to RS256',
    async (t) => {
      const idp = provider([t.keys.RS256, t.keys.ES256])
      const v = t.verifier(idp, { jwksUri: `${ISSUER}${JWKS_PATH}` })
      await v.verify(await t.token(t.keys.RS256))
      await rejects(t.lib, v.verify(await t.token(t.keys.ES256)), 'ERR_ALG_NOT_ALLOWED')
      equal(idp.count(DISCOVERY_PATH), 0, 'discovery requests')
      equal(idp.count(JWKS_PATH), 1, 'key set requests')
    },
  ],
  [
    'discovery: refresh() fetches both documents now',
    async (t) => {
      const idp = provider([t.keys.RS256])
      const v = t.verifier(idp)
      await v.verify(await t.token(t.keys.RS256))
      await v.refresh()
      equal(idp.count(DISCOVERY_PATH), 2, 'discovery requests')
      equal(idp.count(JWKS_PATH), 2, 'key set requests')
    },
  ],

  // Rotation.
  [
    'rotation: a new kid costs one refetch, then verifies from cache',
    async (t) => {
      const idp = provider([t.keys.ES256])
      const v = t.verifier(idp)
      await v.verify(await t.token(t.keys.ES256))
      const next = withKid(t.keys.ES256, 'kid-ES256-next')
      idp.jwks = { keys: [t.keys.ES256.publicJwk, next.publicJwk] }
      t.clock += 5_000
      const { header } = await v.verify(await t.token(next))
      equal(header.kid, 'kid-ES256-next', 'header.kid')
      equal(idp.count(JWKS_PATH), 2, 'key set requests after the rotation')
      await v.verify(await t.token(next))
      await v.verify(await t.token(t.keys.ES256))
      equal(idp.count(JWKS_PATH), 2, 'key set requests after verifying both keys again')
      equal(idp.count(DISCOVERY_PATH), 1, 'discovery requests')
    },
  ],
  [
    'rotation: concurrent unknown kids share one refetch, at most one per cooldown',
    async (t) => {
      const idp = provider([t.keys.EdDSA])
      const v = t.verifier(idp, { cooldown: 30 })
      await v.verify(await t.token(t.keys.EdDSA))
      const unknown = await t.token(withKid(t.keys.EdDSA, 'kid-unpublished'))
      await Promise.all(Array.from({ length: 8 }, () => rejects(t.lib, v.verify(unknown), 'ERR_KEY_NOT_FOUND')))
      equal(idp.count(JWKS_PATH), 2, 'key set requests after 8 concurrent unknown kids')
      // Past the cooldown (on the injected clock) the next unknown kid may refetch once more.
      t.clock += 31_000
      await rejects(t.lib, v.verify(unknown), 'ERR_KEY_NOT_FOUND')
      equal(idp.count(JWKS_PATH), 3, 'key set requests after the cooldown')
    },
  ],

  // Caching, with counted fetches.
  [
    'caching: the second verification makes no request',
    async (t) => {
      const idp = provider([t.keys.RS256])
      const v = t.verifier(idp)
      const token = await t.token(t.keys.RS256)
      await v.verify(token)
      equal(idp.count(), 2, 'requests for the first verification (discovery, key set)')
      await v.verify(token)
      await v.verify(await t.token(t.keys.RS256, { sub: 'bob' }))
      equal(idp.count(), 2, 'requests after two more verifications')
    },
  ],
  [
    'caching: concurrent first verifications share one fetch',
    async (t) => {
      const idp = provider([t.keys.PS384])
      const v = t.verifier(idp)
      const token = await t.token(t.keys.PS384)
      await Promise.all(Array.from({ length: 16 }, () => v.verify(token)))
      equal(idp.count(DISCOVERY_PATH), 1, 'discovery requests')
      equal(idp.count(JWKS_PATH), 1, 'key set requests')
    },
  ],
  [
    'caching: a second verifier sharing a memoryStore makes no request',
    async (t) => {
      const idp = provider([t.keys.ES256])
      const store = t.lib.memoryStore()
      const token = await t.token(t.keys.ES256)
      await t.verifier(idp, { cache: store }).verify(token)
      equal(idp.count(), 2, 'requests for the first verifier')
      await t.verifier(idp, { cache: store }).verify(token)
      equal(idp.count(), 2, 'requests after the second verifier')
    },
  ],
  [
    'caching: a custom key-value store (JSON in, JSON out, as Deno KV or Workers KV) keeps keys between isolates',
    async (t) => {
      const idp = provider([t.keys.EdDSA])
      // What a KV service holds: strings. Each "isolate" gets a new verifier and an adapter over the same map.
      const kv = new Map<string, string>()
      const adapter = () => ({
        get: async (key: string) => {
          const text = kv.get(key)
          return text === undefined ? undefined : JSON.parse(text)
        },
        set: async (key: string, entry: unknown) => void kv.set(key, JSON.stringify(entry)),
        delete: async (key: string) => void kv.delete(key),
      })
      const token = await t.token(t.keys.EdDSA)
      await t.verifier(idp, { cache: adapter() }).verify(token)
      equal(idp.count(), 2, 'requests for the first isolate')
      check(kv.size === 2, 'discovery and key set stored')
      await t.verifier(idp, { cache: adapter() }).verify(token)
      equal(idp.count(), 2, 'requests for the second isolate')
    },
  ],
  [
    'caching: Cache-Control max-age decides when keys are refetched',
    async (t) => {
      const idp = provider([t.keys.RS256])
      idp.headers = { 'cache-control': 'public, max-age=120' }
      const v = t.verifier(idp, { staleWhileRevalidate: 0 })
      await v.verify(await t.token(t.keys.RS256))
      t.clock += 89_000 // before the last quarter of the lifetime, where the set is renewed ahead of expiry
      await v.verify(await t.token(t.keys.RS256))
      equal(idp.count(), 2, 'requests while fresh')
      t.clock += 32_000
      await v.verify(await t.token(t.keys.RS256))
      equal(idp.count(), 4, 'requests once stale')
    },
  ],
  [
    'caching: a key the provider withdrew stops verifying at max-age',
    async (t) => {
      const idp = provider([t.keys.ES256, t.keys.RS256])
      idp.headers = { 'cache-control': 'max-age=120' }
      const v = t.verifier(idp) // default options: no stale use unless the response allows it
      await v.verify(await t.token(t.keys.RS256))
      idp.jwks = { keys: [t.keys.ES256.publicJwk] }
      t.clock += 121_000
      await rejects(t.lib, v.verify(await t.token(t.keys.RS256)), 'ERR_KEY_NOT_FOUND')
      await v.verify(await t.token(t.keys.ES256))
    },
  ],
  [
    'caching: stale keys keep verifying while the provider is down',
    async (t) => {
      const idp = provider([t.keys.ES384])
      const v = t.verifier(idp, { staleWhileRevalidate: 0 })
      await v.verify(await t.token(t.keys.ES384))
      idp.faults.set(DISCOVERY_PATH, 503)
      idp.faults.set(JWKS_PATH, 503)
      t.clock += 700_000 // past the default 600 s of freshness, within the default 6 h of stale-if-error
      await v.verify(await t.token(t.keys.ES384))
      check(idp.count() > 2, 'a refetch was attempted')
      await rejects(t.lib, v.refresh(), 'ERR_JWKS_UNAVAILABLE')
    },
  ],
]

/**
 * Runs every case against `lib`, logging `ok <name>` / `FAIL <name>: <reason>` and a final `N passed, N failed`.
 * Never throws for a failed case; it does throw if the keys cannot be made (no WebCrypto at all).
 */
export async function runSuite(lib: Library, options: SuiteOptions = {}): Promise<SuiteResult> {
  const log = options.log ?? ((line: string) => console.log(line))
  const keys = await makeKeys()
  const result: SuiteResult = { passed: 0, failed: 0, failures: [] }
  for (const [name, run] of cases) {
    const t: Context = {
      lib,
      keys,
      clock: START,
      claims(extra = {}) {
        const iat = Math.floor(this.clock / 1000)
        return { iss: ISSUER, aud: CLIENT, sub: 'alice', iat, exp: iat + 3600, ...extra }
      },
      accessClaims(extra = {}) {
        return this.claims({ aud: API, client_id: CLIENT, jti: 'at-1', scope: 'read', ...extra })
      },
      logoutClaims(extra = {}) {
        const iat = Math.floor(this.clock / 1000)
        return {
          iss: ISSUER,
          aud: CLIENT,
          sub: 'alice',
          sid: 'session-1',
          iat,
          exp: iat + 120,
          jti: `lt-${iat}`,
          events: { [LOGOUT_EVENT]: {} },
          ...extra,
        }
      },
      token(key, extra, header) {
        return signCompact(key, { alg: key.alg, kid: key.kid, typ: 'JWT', ...header }, this.claims(extra))
      },
      verifier(idp, overrides = {}) {
        // Explicit memory cache: a browser would otherwise default to IndexedDB, shared across cases.
        return lib.createVerifier({
          issuer: ISSUER,
          audience: CLIENT,
          fetch: idp.fetch,
          now: () => t.clock,
          cache: 'memory',
          ...overrides,
        })
      },
    }
    try {
      await run(t)
      result.passed++
      log(`ok   ${name}`)
    } catch (error) {
      const reason =
        error instanceof CheckFailed
          ? error.message
          : `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`
      result.failed++
      result.failures.push(`${name}: ${reason}`)
      log(`FAIL ${name}: ${reason}`)
    }
  }
  log(`${result.passed} passed, ${result.failed} failed`)
  return result
}

/** The number of cases, so runners can check that every case ran. */
export const CASE_COUNT: number = cases.length
