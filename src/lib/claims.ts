import { encodeBase64Url } from './base64url.ts'
import { fail } from './fail.ts'
import type { HashName } from './algorithms.ts'
import {
  checkIssuerAndAudience,
  checkRequired,
  checkSubject,
  checkTimes,
  listed,
  type ClaimPolicy,
} from './jwt-claims.ts'

/**
 * The claims of a verified ID token (OpenID Connect Core §2). Registered claims are type-checked: one of
 * the wrong type makes the token `ERR_TOKEN_MALFORMED`. Other claims (`email`, `name`, ...) are `unknown`:
 * check their type before use.
 *
 * @example
 * ```ts
 * const { payload } = await verifier.verify(idToken, { nonce })
 * const email = typeof payload.email === 'string' && payload.email_verified === true ? payload.email : undefined
 * ```
 * @see [OpenID Connect Core 1.0 §2](https://openid.net/specs/openid-connect-core-1_0.html#IDToken)
 * @see [RFC 7519 §4.1](https://www.rfc-editor.org/rfc/rfc7519#section-4.1) (registered claims)
 */
export interface IdTokenPayload {
  /** Issuer: equals the `issuer` option. */
  readonly iss: string
  /** Subject: the end-user's stable, non-empty identifier at this issuer. */
  readonly sub: string
  /** Audience: contains one of the `audience` option's client ids. */
  readonly aud: string | readonly string[]
  /** Expiry, in seconds since the epoch. */
  readonly exp: number
  /** Issued at, in seconds since the epoch. */
  readonly iat: number
  /** Not before, in seconds since the epoch. */
  readonly nbf?: number
  /** When the end-user authenticated, in seconds since the epoch. Required by the `maxAge` check. */
  readonly auth_time?: number
  /** The nonce of the authentication request; compared by the `nonce` check. */
  readonly nonce?: string
  /** Authorized party: the client the token was issued to. Required when `aud` has several values. */
  readonly azp?: string
  /** Access token hash; compared by the `accessToken` check. */
  readonly at_hash?: string
  /** Authorization code hash; compared by the `code` check. */
  readonly c_hash?: string
  /** Authentication context class reference. */
  readonly acr?: string
  /** Authentication methods references. */
  readonly amr?: readonly string[]
  /** Session id (OpenID Connect Front-/Back-Channel Logout). */
  readonly sid?: string
  /** JWT id. */
  readonly jti?: string
  /** Any other claim, as the issuer sent it. */
  readonly [claim: string]: unknown
}

/**
 * Per-call checks of {@link IdTokenVerifier.verify}: what only this sign-in knows. Asking for a check makes
 * its claim required.
 *
 * @example
 * ```ts
 * const { payload } = await verifier.verify(tokens.id_token, {
 *   nonce: sessionStorage.getItem('nonce') ?? undefined,
 *   accessToken: tokens.access_token,
 *   maxAge: 300,
 * })
 * ```
 * @see [OpenID Connect Core 1.0 §3.1.3.7](https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation) steps 11–13
 * @see [OpenID Connect Core 1.0 §3.2.2.9](https://openid.net/specs/openid-connect-core-1_0.html#ImplicitTokenValidation) (`at_hash`)
 * @see [OpenID Connect Core 1.0 §3.3.2.10](https://openid.net/specs/openid-connect-core-1_0.html#CodeValidation) (`c_hash`)
 */
export interface VerifyChecks {
  /** The nonce sent in the authentication request; the token's `nonce` must equal it. */
  nonce?: string | undefined
  /** The `max_age` sent, in seconds: `auth_time` is then required and must be recent enough. */
  maxAge?: number | undefined
  /** The access token issued with the ID token: `at_hash` is then required and must match. */
  accessToken?: string | undefined
  /** The authorization code issued with the ID token: `c_hash` is then required and must match. */
  code?: string | undefined
  /** The expected `sub`, for example when re-authenticating a known user. */
  subject?: string | undefined
}

type Kind = 'string' | 'number' | 'audience' | 'strings'
export const CLAIM_TYPES: ReadonlyArray<readonly [string, Kind]> = [
  ['iss', 'string'],
  ['sub', 'string'],
  ['aud', 'audience'],
  ['exp', 'number'],
  ['iat', 'number'],
  ['nbf', 'number'],
  ['auth_time', 'number'],
  ['nonce', 'string'],
  ['azp', 'string'],
  ['at_hash', 'string'],
  ['c_hash', 'string'],
  ['acr', 'string'],
  ['amr', 'strings'],
  ['sid', 'string'],
  ['jti', 'string'],
]
const REQUIRED = ['iss', 'sub', 'aud', 'exp', 'iat'] as const
// CLAIM_TYPES by name, for a walk over the payload's own few members instead of a lookup of each of the fifteen.
const KINDS: Readonly<Record<string, Kind>> = /* @__PURE__ */ Object.assign(
  Object.create(null) as Record<string, Kind>,
  Object.fromEntries(CLAIM_TYPES),
)

/** Shape before values: a registered claim of the wrong type makes the token malformed. */
export function checkClaimTypes(payload: Record<string, unknown>): IdTokenPayload {
  for (const name in payload) {
    const found = KINDS[name]
    if (found === undefined || hasKind(payload[name], found)) continue
    // One is wrong (or an inherited member looked so): the first in CLAIM_TYPES' order is the one reported.
    for (const [claim, kind] of CLAIM_TYPES) {
      if (Object.hasOwn(payload, claim) && !hasKind(payload[claim], kind))
        fail('ERR_TOKEN_MALFORMED', `the "${claim}" claim is not ${describe(kind)}`, { claim })
    }
  }
  return payload as IdTokenPayload
}

function hasKind(value: unknown, kind: Kind): boolean {
  return kind === 'string'
    ? typeof value === 'string'
    : kind === 'number'
      ? typeof value === 'number' && Number.isFinite(value)
      : kind === 'audience'
        ? typeof value === 'string' || isStringArray(value)
        : isStringArray(value)
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
}

function describe(kind: Kind): string {
  return kind === 'string'
    ? 'a string'
    : kind === 'number'
      ? 'a number'
      : kind === 'audience'
        ? 'a string or an array of strings'
        : 'an array of strings'
}

/** OpenID Connect Core 3.1.3.7 steps 2–5 and 9–13, in that order. `now` is in seconds. */
export function checkClaims(payload: IdTokenPayload, policy: ClaimPolicy, checks: VerifyChecks, now: number): void {
  checkRequired(payload, REQUIRED, accessTokenHint)
  checkIssuerAndAudience(payload, policy)
  // Several audiences: the party the token was issued to must be named, and must be us.
  if (typeof payload.aud !== 'string' && payload.aud.length > 1 && payload.azp === undefined) {
    fail('ERR_CLAIM_INVALID', 'the "azp" claim is required when "aud" has several values', { claim: 'azp' })
  }
  if (payload.azp !== undefined && !policy.audiences.includes(payload.azp)) {
    fail('ERR_CLAIM_INVALID', `the "azp" claim is not the configured client ${listed(policy.audiences)}`, {
      claim: 'azp',
    })
  }
  checkSubject(payload)
  checkTimes(payload, policy, now)
  const tolerance = policy.clockTolerance

  if (checks.nonce !== undefined && payload.nonce !== checks.nonce) {
    fail('ERR_CLAIM_INVALID', 'the "nonce" claim does not match', { claim: 'nonce' })
  }
  if (checks.maxAge !== undefined) {
    const authTime = payload.auth_time
    if (authTime === undefined)
      fail('ERR_CLAIM_INVALID', 'the "auth_time" claim is required with maxAge', { claim: 'auth_time' })
    if (authTime + checks.maxAge + tolerance < now) {
      fail('ERR_CLAIM_INVALID', 'the end-user authenticated longer ago than maxAge ("auth_time")', {
        claim: 'auth_time',
      })
    }
  }
  if (payload.auth_time !== undefined && payload.auth_time > now + tolerance) {
    fail('ERR_CLAIM_INVALID', 'the "auth_time" claim is in the future', { claim: 'auth_time' })
  }
  if (checks.subject !== undefined && payload.sub !== checks.subject) {
    fail('ERR_CLAIM_INVALID', 'the "sub" claim is not the expected subject', { claim: 'sub' })
  }
}

// Access tokens of several providers are JWTs too, and end up in ID-token verifiers.
export function accessTokenHint(payload: Record<string, unknown>): string {
  const looksLikeAccessToken =
    payload.scope !== undefined ||
    payload.scp !== undefined ||
    payload.client_id !== undefined ||
    payload.token_use === 'access' ||
    payload.typ === 'Bearer'
  return looksLikeAccessToken ? ' (the token looks like an access token, not an ID token)' : ''
}

const encoder = /* @__PURE__ */ new TextEncoder()

/**
 * OpenID Connect Core 3.1.3.6 / 3.3.2.11: base64url of the left half of the hash of the ASCII value,
 * with the hash of the token's `alg`. Asking for the check makes the claim required.
 */
export async function checkTokenHashes(payload: IdTokenPayload, checks: VerifyChecks, hash: HashName): Promise<void> {
  if (checks.accessToken !== undefined) await checkHash(payload.at_hash, checks.accessToken, hash, 'at_hash')
  if (checks.code !== undefined) await checkHash(payload.c_hash, checks.code, hash, 'c_hash')
}

async function checkHash(claimed: string | undefined, value: string, hash: HashName, claim: string): Promise<void> {
  if (claimed === undefined) fail('ERR_CLAIM_INVALID', `the "${claim}" claim is missing`, { claim })
  const digest = new Uint8Array(await crypto.subtle.digest(hash, encoder.encode(value)))
  if (encodeBase64Url(digest.subarray(0, digest.length >> 1)) !== claimed) {
    fail('ERR_CLAIM_INVALID', `the "${claim}" claim does not match`, { claim })
  }
}
