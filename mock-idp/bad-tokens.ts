// The bad-token catalogue: one token per way an ID token must be rejected, each with the error a
// correct verifier reports. Codes and reasons are spelled out here instead of imported from src/, so the
// mock IdP stays independent of the SDK it tests.
import { exportSPKI } from 'jose'
import { b64u, b64uJson, utf8 } from './lib/encoding.ts'
import { signCompact, signSegments } from './lib/sign.ts'
import { defaultSub, mintIdToken, mintLogoutToken, pickKey, type TokenContext } from './lib/tokens.ts'
import type { BadToken, BadTokenAcceptance, BadTokenName, ExpectedError, VerifyChecks } from './types.ts'

/**
 * The nonce, access token and code that catalogue entries tell the verifier to expect.
 *
 * @example
 * ```ts
 * const token = await idp.mintIdToken({ nonce: EXPECTED_CHECKS.nonce })
 * await verifier.verify(token, { nonce: EXPECTED_CHECKS.nonce })
 * ```
 * @see [OpenID Connect Core 1.0 §3.1.3.7](https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation) steps 11–13
 */
export const EXPECTED_CHECKS: {
  /** The `nonce` the `wrongNonce` and `missingNonce` entries are checked against. */
  readonly nonce: string
  /** The access token `wrongAtHash` is checked against. */
  readonly accessToken: string
  /** The authorization code `wrongCHash` is checked against. */
  readonly code: string
} = Object.freeze({
  nonce: 'expected-nonce',
  accessToken: 'expected-access-token',
  code: 'expected-code',
})

/**
 * What each bad token is and what a verifier must say about it: a {@link BAD_TOKEN_CATALOGUE} entry.
 *
 * @example
 * ```ts
 * const info: BadTokenInfo = BAD_TOKEN_CATALOGUE.expired
 * console.log(info.description, info.expectedError.code)
 * ```
 * @see [RFC 8725](https://www.rfc-editor.org/rfc/rfc8725) (JWT best current practices)
 */
export interface BadTokenInfo {
  /** Why a verifier must reject the token. */
  readonly description: string
  /** The error a correct verifier reports: `code`, and `claim` or `reason` where the code covers several causes. */
  readonly expectedError: ExpectedError
  /** The `verify()` checks to pass; `{}` when none are needed. */
  readonly checks: VerifyChecks
  /** What it means when an API that has only the token accepts it (see {@link BadTokenAcceptance}). */
  readonly acceptance: BadTokenAcceptance
}

/** A catalogue entry and how to mint its token. */
export interface BadTokenRecord extends BadTokenInfo {
  /** Mints the token; `claims` override the entry's own. */
  build(ctx: TokenContext, claims: Record<string, unknown>): Promise<string>
}

const malformed = { code: 'ERR_TOKEN_MALFORMED' } as const
const claim = (name: string): ExpectedError => ({ code: 'ERR_CLAIM_INVALID', claim: name })
// The reason is stated with the code: several causes share it, and the entry must fail for its own.
const noKey = (reason: NonNullable<ExpectedError['reason']>): ExpectedError => ({ code: 'ERR_KEY_NOT_FOUND', reason })

function segments(token: string): [string, string, string] {
  const [h = '', p = '', s = ''] = token.split('.')
  return [h, p, s]
}

const shifted = (ctx: TokenContext, seconds: number): number => ctx.nowSeconds() + seconds

async function signRawPayload(ctx: TokenContext, payload: string): Promise<string> {
  const signer = ctx.ring.signer()
  return signCompact({ alg: signer.alg, typ: 'JWT', kid: signer.kid }, utf8(payload), signer)
}

function base64urlDecode(segment: string): Uint8Array {
  const binary = atob(segment.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(binary, (ch) => ch.charCodeAt(0))
}

/**
 * One record per bad token: what it is, what a verifier must say, the checks to pass and how to mint it. The
 * catalogue, the names (`BadTokenName`, {@link BAD_TOKEN_NAMES}) and the minting all derive from it. Each entry is
 * asserted to the record type: isolatedDeclarations wants a declared type, and the names type needs only the keys.
 */
export const BAD_TOKENS = {
  expired: {
    description: '`exp` an hour in the past (beyond any clock tolerance)',
    expectedError: { code: 'ERR_TOKEN_EXPIRED' },
    checks: {},
    acceptance: 'hole',
    build: (ctx, c) => mintIdToken(ctx, { iat: shifted(ctx, -7200), exp: shifted(ctx, -3600), ...c }),
  } as BadTokenRecord,
  notYetValid: {
    description: '`nbf` an hour in the future',
    expectedError: { code: 'ERR_TOKEN_NOT_YET_VALID' },
    checks: {},
    acceptance: 'hole',
    build: (ctx, c) => mintIdToken(ctx, { nbf: shifted(ctx, 3600), ...c }),
  } as BadTokenRecord,
  issuedInFuture: {
    description: '`iat` an hour in the future',
    expectedError: { code: 'ERR_TOKEN_NOT_YET_VALID' },
    checks: {},
    acceptance: 'hole',
    build: (ctx, c) => mintIdToken(ctx, { iat: shifted(ctx, 3600), exp: shifted(ctx, 7200), ...c }),
  } as BadTokenRecord,
  wrongIssuer: {
    description: '`iss` of another issuer',
    expectedError: claim('iss'),
    checks: {},
    acceptance: 'hole',
    build: (ctx, c) => mintIdToken(ctx, { iss: 'https://attacker.example.test', ...c }),
  } as BadTokenRecord,
  wrongAudience: {
    description: '`aud` of another client only',
    expectedError: claim('aud'),
    checks: {},
    acceptance: 'hole',
    build: (ctx, c) => mintIdToken(ctx, { aud: 'another-client', ...c }),
  } as BadTokenRecord,
  wrongAzp: {
    description: 'several audiences, `azp` names another client (OIDC Core 3.1.3.7 step 5)',
    expectedError: claim('azp'),
    checks: {},
    acceptance: 'hole',
    build: (ctx, c) => mintIdToken(ctx, { aud: [ctx.clientId, 'another-client'], azp: 'another-client', ...c }),
  } as BadTokenRecord,
  wrongNonce: {
    description: '`nonce` differs from the one the client sent',
    expectedError: claim('nonce'),
    checks: { nonce: EXPECTED_CHECKS.nonce },
    acceptance: 'needs-context',
    build: (ctx, c) => mintIdToken(ctx, { nonce: 'attacker-nonce', ...c }),
  } as BadTokenRecord,
  missingNonce: {
    description: 'no `nonce` although the client sent one',
    expectedError: claim('nonce'),
    checks: { nonce: EXPECTED_CHECKS.nonce },
    acceptance: 'needs-context',
    build: (ctx, c) => mintIdToken(ctx, { nonce: undefined, ...c }),
  } as BadTokenRecord,
  authTimeTooOld: {
    description: '`auth_time` two hours ago, checked with `maxAge` 600',
    expectedError: claim('auth_time'),
    checks: { maxAge: 600 },
    acceptance: 'needs-context',
    build: (ctx, c) => mintIdToken(ctx, { auth_time: shifted(ctx, -7200), ...c }),
  } as BadTokenRecord,
  wrongAtHash: {
    description: '`at_hash` of another access token',
    expectedError: claim('at_hash'),
    checks: { accessToken: EXPECTED_CHECKS.accessToken },
    acceptance: 'needs-context',
    build: (ctx, c) => mintIdToken(ctx, c, { accessToken: 'another-access-token' }),
  } as BadTokenRecord,
  wrongCHash: {
    description: '`c_hash` of another authorization code',
    expectedError: claim('c_hash'),
    checks: { code: EXPECTED_CHECKS.code },
    acceptance: 'needs-context',
    build: (ctx, c) => mintIdToken(ctx, c, { code: 'another-code' }),
  } as BadTokenRecord,
  missingSub: {
    description: 'no `sub` claim (required, OIDC Core 2)',
    expectedError: claim('sub'),
    checks: {},
    acceptance: 'hole',
    build: (ctx, c) => mintIdToken(ctx, { sub: undefined, ...c }),
  } as BadTokenRecord,
  missingIat: {
    description: 'no `iat` claim (required, OIDC Core 2)',
    expectedError: claim('iat'),
    checks: {},
    acceptance: 'hole',
    build: (ctx, c) => mintIdToken(ctx, { iat: undefined, ...c }),
  } as BadTokenRecord,
  missingExp: {
    description: 'no `exp` claim (required, OIDC Core 2): a token that would never expire',
    expectedError: claim('exp'),
    checks: {},
    acceptance: 'hole',
    build: (ctx, c) => mintIdToken(ctx, { exp: undefined, ...c }),
  } as BadTokenRecord,
  expNotNumber: {
    description: '`exp` is a string, not a NumericDate',
    expectedError: malformed,
    checks: {},
    acceptance: 'hole',
    build: (ctx, c) => mintIdToken(ctx, { exp: String(shifted(ctx, 3600)), ...c }),
  } as BadTokenRecord,
  unpublishedKey: {
    description: "signed by a key the JWKS does not contain, under that key's own `kid`",
    expectedError: noKey('unknown-kid'),
    checks: {},
    acceptance: 'hole',
    build: (ctx, c) => mintIdToken(ctx, c, { signWith: 'unpublished' }),
  } as BadTokenRecord,
  impersonatedKid: {
    description: 'signed by an unpublished key under the `kid` of the published signing key',
    expectedError: { code: 'ERR_SIGNATURE_INVALID' },
    checks: {},
    acceptance: 'hole',
    build: (ctx, c) => mintIdToken(ctx, c, { signWith: 'unpublished', header: { kid: ctx.ring.signer().kid } }),
  } as BadTokenRecord,
  tamperedPayload: {
    description: 'a valid token whose payload was changed afterwards (`sub` replaced)',
    expectedError: { code: 'ERR_SIGNATURE_INVALID' },
    checks: {},
    acceptance: 'hole',
    build: async (ctx, c) => {
      const [h, p, s] = segments(await mintIdToken(ctx, c))
      const payload: unknown = JSON.parse(new TextDecoder().decode(base64urlDecode(p)))
      return `${h}.${b64uJson({ ...(payload as object), sub: `${defaultSub(ctx)}-admin` })}.${s}`
    },
  } as BadTokenRecord,
  badSignature: {
    description: 'a valid token with one signature byte flipped',
    expectedError: { code: 'ERR_SIGNATURE_INVALID' },
    checks: {},
    acceptance: 'hole',
    build: async (ctx, c) => {
      const [h, p, s] = segments(await mintIdToken(ctx, c))
      const signature = base64urlDecode(s)
      signature[0] = (signature[0] ?? 0) ^ 0x01
      return `${h}.${p}.${b64u(signature)}`
    },
  } as BadTokenRecord,
  algNone: {
    description: 'unsecured JWS: `alg: none` and an empty signature (RFC 7518 3.6)',
    expectedError: { code: 'ERR_ALG_NOT_ALLOWED' },
    checks: {},
    acceptance: 'hole',
    build: async (ctx, c) => {
      const [, p] = segments(await mintIdToken(ctx, c))
      return `${b64uJson({ alg: 'none', typ: 'JWT' })}.${p}.`
    },
  } as BadTokenRecord,
  hmacWithPublicKey: {
    description: "HS256 keyed with the published key's SPKI PEM: the algorithm-confusion attack",
    expectedError: { code: 'ERR_ALG_NOT_ALLOWED' },
    checks: {},
    acceptance: 'hole',
    build: async (ctx, c) => {
      const signer = ctx.ring.signer()
      const [, p] = segments(await mintIdToken(ctx, c))
      const h = b64uJson({ alg: 'HS256', typ: 'JWT', kid: signer.kid })
      // jose will not HMAC with a public key, which is the point; WebCrypto will.
      const pem = await exportSPKI(signer.publicKey)
      const key = await crypto.subtle.importKey('raw', utf8(pem), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      const mac = await crypto.subtle.sign('HMAC', key, utf8(`${h}.${p}`))
      return `${h}.${p}.${b64u(new Uint8Array(mac))}`
    },
  } as BadTokenRecord,
  unknownKid: {
    description: 'signed by the signing key but the header names a `kid` that is not published',
    expectedError: noKey('unknown-kid'),
    checks: {},
    acceptance: 'hole',
    build: (ctx, c) => mintIdToken(ctx, c, { header: { kid: 'kid-that-is-not-published' } }),
  } as BadTokenRecord,
  missingKid: {
    description:
      'no `kid` while the JWKS holds several keys for its `alg` (OIDC Core 10.1): the provider publishes a second key of its default alg for that',
    expectedError: noKey('ambiguous'),
    checks: {},
    acceptance: 'provider-rule',
    // The ring publishes a second key of the default alg from creation on (the decoy), so the token is
    // ambiguous for a verifier whatever key set it cached; staging a key here would not reach one that
    // cached the set before.
    build: (ctx, c) => mintIdToken(ctx, c, { header: { kid: undefined } }),
  } as BadTokenRecord,
  embeddedJwk: {
    description: "header `jwk` carries the attacker's key that signed it, `kid` of the published key (RFC 8725 3.10)",
    expectedError: { code: 'ERR_SIGNATURE_INVALID' },
    checks: {},
    acceptance: 'hole',
    build: async (ctx, c) => {
      const attacker = await pickKey(ctx, { signWith: 'unpublished' })
      return mintIdToken(ctx, c, {
        signWith: 'unpublished',
        header: { kid: ctx.ring.signer().kid, jwk: attacker.publicJwk },
      })
    },
  } as BadTokenRecord,
  embeddedJku: {
    description: "header `jku` points at an attacker's key set; a verifier must not fetch it",
    expectedError: noKey('unknown-kid'),
    checks: {},
    acceptance: 'hole',
    build: (ctx, c) =>
      mintIdToken(ctx, c, { signWith: 'unpublished', header: { jku: 'https://attacker.example.test/jwks.json' } }),
  } as BadTokenRecord,
  accessTokenAsIdToken: {
    description: 'header `typ: at+jwt`: an access token (RFC 9068) presented as an ID token',
    expectedError: { code: 'ERR_HEADER_UNSUPPORTED' },
    checks: {},
    acceptance: 'hole',
    build: (ctx, c) => mintIdToken(ctx, c, { header: { typ: 'at+jwt' } }),
  } as BadTokenRecord,
  logoutTokenAsIdToken: {
    description:
      'header `typ: logout+jwt`: a back-channel logout token (with every ID-token claim) presented as an ID token',
    expectedError: { code: 'ERR_HEADER_UNSUPPORTED' },
    checks: {},
    acceptance: 'hole',
    build: (ctx, c) => mintLogoutToken(ctx, { exp: shifted(ctx, 3600), ...c }),
  } as BadTokenRecord,
  critHeader: {
    description: '`crit` names an extension the verifier does not understand (RFC 7515 4.1.11)',
    expectedError: { code: 'ERR_HEADER_UNSUPPORTED' },
    checks: {},
    acceptance: 'hole',
    build: (ctx, c) =>
      mintIdToken(ctx, c, { header: { crit: ['urn:example:must-understand'], 'urn:example:must-understand': true } }),
  } as BadTokenRecord,
  b64False: {
    description: '`b64: false` (RFC 7797) in `crit`: the payload would not be what it seems',
    expectedError: { code: 'ERR_HEADER_UNSUPPORTED' },
    checks: {},
    acceptance: 'hole',
    build: async (ctx, c) => {
      const signer = ctx.ring.signer()
      const [, p] = segments(await mintIdToken(ctx, c))
      return signSegments(
        b64uJson({ alg: signer.alg, typ: 'JWT', kid: signer.kid, b64: false, crit: ['b64'] }),
        p,
        signer,
      )
    },
  } as BadTokenRecord,
  badBase64: {
    description: 'a character outside the base64url alphabet in the payload segment',
    expectedError: malformed,
    checks: {},
    acceptance: 'hole',
    build: async (ctx, c) => {
      // Signed over the broken segment, so only the encoding is wrong.
      const [h, p] = segments(await mintIdToken(ctx, c))
      return signSegments(h, `${p.slice(0, 8)}*${p.slice(9)}`, ctx.ring.signer())
    },
  } as BadTokenRecord,
  twoParts: {
    description: 'header and payload only, no signature segment',
    expectedError: malformed,
    checks: {},
    acceptance: 'hole',
    build: async (ctx, c) => {
      const [h, p] = segments(await mintIdToken(ctx, c))
      return `${h}.${p}`
    },
  } as BadTokenRecord,
  fourParts: {
    description: 'a fourth segment appended',
    expectedError: malformed,
    checks: {},
    acceptance: 'hole',
    build: async (ctx, c) => `${await mintIdToken(ctx, c)}.e30`,
  } as BadTokenRecord,
  fiveParts: {
    description: 'five segments: a JWE, not a JWS',
    expectedError: malformed,
    checks: {},
    acceptance: 'hole',
    build: async (ctx) => {
      const h = b64uJson({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: ctx.ring.signer().kid })
      const part = (n: number): string => b64u(crypto.getRandomValues(new Uint8Array(n)))
      return `${h}.${part(256)}.${part(12)}.${part(64)}.${part(16)}`
    },
  } as BadTokenRecord,
  headerNotJson: {
    description: 'the protected header is not JSON (signed all the same)',
    expectedError: malformed,
    checks: {},
    acceptance: 'hole',
    build: async (ctx, c) => {
      const signer = ctx.ring.signer()
      const [, p] = segments(await mintIdToken(ctx, c))
      return signSegments(b64u(`{"alg":"${signer.alg}","kid":"${signer.kid}"`), p, signer)
    },
  } as BadTokenRecord,
  payloadNotJson: {
    description: 'the payload is not JSON (signed all the same)',
    expectedError: malformed,
    checks: {},
    acceptance: 'hole',
    build: (ctx) => signRawPayload(ctx, 'not a JSON payload'),
  } as BadTokenRecord,
  payloadNotObject: {
    description: 'the payload is a JSON array, not an object (signed all the same)',
    expectedError: malformed,
    checks: {},
    acceptance: 'hole',
    build: (ctx) => signRawPayload(ctx, JSON.stringify(['sub', defaultSub(ctx)])),
  } as BadTokenRecord,
}

/**
 * The bad-token catalogue: for each name, why the token is bad, the error a correct verifier
 * reports (an `idtoken-verify` `IdTokenError` code, the `claim` for claim failures, the `reason` for
 * `ERR_KEY_NOT_FOUND`) and the `verify()` checks to pass. Verifier assumed: `issuer` and `audience`
 * of the mock IdP, the IdP's clock, default 60 s tolerance.
 *
 * @example
 * ```ts
 * for (const [name, info] of Object.entries(BAD_TOKEN_CATALOGUE)) console.log(name, info.expectedError.code)
 * ```
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 */
export const BAD_TOKEN_CATALOGUE: Readonly<Record<BadTokenName, BadTokenInfo>> = Object.freeze(
  Object.fromEntries(
    Object.entries(BAD_TOKENS).map(([name, { description, expectedError, checks, acceptance }]) => [
      name,
      { description, expectedError, checks, acceptance },
    ]),
  ) as Record<BadTokenName, BadTokenInfo>,
)

/**
 * Every name of the bad-token catalogue, in catalogue order.
 *
 * @example
 * ```ts
 * it.each(BAD_TOKEN_NAMES)('rejects %s', async (name) => { ... })
 * ```
 * @see {@link BAD_TOKEN_CATALOGUE}
 */
export const BAD_TOKEN_NAMES: readonly BadTokenName[] = Object.freeze(Object.keys(BAD_TOKENS) as BadTokenName[])

export async function mintBadToken(
  ctx: TokenContext,
  name: BadTokenName,
  claims: Record<string, unknown> = {},
): Promise<BadToken> {
  if (!Object.hasOwn(BAD_TOKENS, name)) {
    throw new TypeError(`unknown bad token ${JSON.stringify(name)}; known: ${BAD_TOKEN_NAMES.join(', ')}`)
  }
  const { description, expectedError, checks, acceptance, build } = BAD_TOKENS[name]
  const token = await build(ctx, claims)
  return { name, token, description, expectedError: { ...expectedError }, checks: { ...checks }, acceptance }
}
