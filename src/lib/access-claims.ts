// RFC 9068 §4: the claim rules of JWT access tokens, in the order the RFC validates them, plus the
// resource server's authorization checks (scope, client, authentication strength).
import { checkClaimTypes } from './claims.ts'
import { fail } from './fail.ts'
import {
  checkIssuer,
  checkRequired,
  checkSubject,
  checkTimes,
  listed,
  type ClaimPolicy,
  type JwtClaims,
} from './jwt-claims.ts'

/**
 * The claims of a verified JWT access token (RFC 9068 §2.2). Registered claims are type-checked: one of the
 * wrong type makes the token `ERR_TOKEN_MALFORMED`. Other claims are `unknown`: check their type before use.
 *
 * @example
 * ```ts
 * const { payload } = await api.verify(accessToken)
 * console.log(payload.sub, payload.client_id, payload.scope)
 * ```
 * @see [RFC 9068 §2.2](https://www.rfc-editor.org/rfc/rfc9068#section-2.2)
 */
export interface AccessTokenPayload {
  /** Issuer: one of the `issuer` option's. */
  readonly iss: string
  /** The resource(s) the token is for: contains one of the `audience` option's. */
  readonly aud: string | readonly string[]
  /** Expiry, in seconds since the epoch. */
  readonly exp: number
  /** The resource owner, or the client itself for a client-credentials grant (absent only where `requiredClaims` leaves it out). */
  readonly sub: string
  /** The client the token was issued to (absent only where `requiredClaims` leaves it out). */
  readonly client_id: string
  /** Issued at, in seconds since the epoch (absent only where `requiredClaims` leaves it out). */
  readonly iat: number
  /** The token's unique id (absent only where `requiredClaims` leaves it out). */
  readonly jti: string
  /** The granted scopes, space-separated (RFC 6749 §3.3). */
  readonly scope?: string
  /** Not before, in seconds since the epoch. */
  readonly nbf?: number
  /** When the end-user authenticated, in seconds since the epoch. */
  readonly auth_time?: number
  /** Authentication context class reference. */
  readonly acr?: string
  /** Authentication methods references. */
  readonly amr?: readonly string[]
  /** Any other claim (`groups`, `roles`, `entitlements`, a provider's own), as the issuer sent it. */
  readonly [claim: string]: unknown
}

/**
 * Per-call checks of {@link AccessTokenVerifier.verify}: what only this route knows. They add to the
 * verifier's own `scopes`, and replace its `acr` and `maxAuthAge`.
 *
 * @example
 * ```ts
 * await api.verify(token, { scopes: ['invoices:write'] })
 * ```
 * @see [RFC 9068 §4](https://www.rfc-editor.org/rfc/rfc9068#section-4)
 */
export interface AccessTokenChecks {
  /** Scopes this call needs: every one must be in the `scope` claim. */
  scopes?: readonly string[] | undefined
  /** Accepted `acr` values: `acr` is then required and must be one of them. */
  acr?: readonly string[] | undefined
  /** Seconds: `auth_time` is then required and must be at most this old. */
  maxAuthAge?: number | undefined
  /** The expected `sub`. */
  subject?: string | undefined
}

/** Which claims a profile of access tokens requires beyond `iss`, `exp` and its audience claim. */
export type AccessTokenClaimName = 'sub' | 'client_id' | 'iat' | 'jti'

export interface AccessPolicy {
  readonly required: readonly string[]
  /** `aud` (RFC 9068), or `client_id` for providers whose access tokens carry no `aud` (Cognito). */
  readonly audienceClaim: 'aud' | 'client_id'
  readonly scopes: readonly string[]
  readonly clientIds: readonly string[] | undefined
  readonly acr: readonly string[] | undefined
  readonly maxAuthAge: number | undefined
}

export const ACCESS_TOKEN_CLAIMS: readonly AccessTokenClaimName[] = ['sub', 'client_id', 'iat', 'jti']

/** Shape before values: the registered claims (as for ID tokens), then `client_id` and `scope`. */
export function checkAccessClaimTypes(payload: Record<string, unknown>): AccessTokenPayload {
  checkClaimTypes(payload)
  for (const claim of ['client_id', 'scope']) {
    if (Object.hasOwn(payload, claim) && typeof payload[claim] !== 'string') {
      fail('ERR_TOKEN_MALFORMED', `the "${claim}" claim is not a string`, { claim })
    }
  }
  return payload as unknown as AccessTokenPayload
}

/** RFC 9068 §4 steps 3, 4 and 7, then the authorization checks. `now` is in seconds. */
export function checkAccessClaims(
  payload: AccessTokenPayload,
  policy: ClaimPolicy,
  access: AccessPolicy,
  checks: AccessTokenChecks,
  now: number,
): void {
  checkRequired(payload, access.required)
  if (policy.issuers.match(payload.iss) === undefined) checkIssuer(payload, policy)
  const claim = access.audienceClaim
  const aud = payload[claim] as string | readonly string[]
  const audiences = typeof aud === 'string' ? [aud] : aud
  if (!audiences.some((value) => policy.audiences.includes(value))) {
    fail(
      'ERR_CLAIM_INVALID',
      `the "${claim}" claim does not contain the configured audience ${listed(policy.audiences)}${policy.hint(payload)}`,
      { claim },
    )
  }
  checkSubject(payload as JwtClaims)
  checkTimes(payload as JwtClaims, policy, now)

  if (access.clientIds !== undefined && !access.clientIds.includes(payload.client_id)) {
    fail('ERR_CLAIM_INVALID', `the "client_id" claim is not an allowed client ${listed(access.clientIds)}`, {
      claim: 'client_id',
    })
  }
  const scopes = checks.scopes === undefined ? access.scopes : [...access.scopes, ...checks.scopes]
  if (scopes.length > 0) {
    // RFC 6749 §3.3: space-delimited, case-sensitive.
    const granted = new Set(payload.scope?.split(' '))
    const missing = scopes.filter((scope) => !granted.has(scope))
    if (missing.length > 0)
      fail(
        'ERR_CLAIM_INVALID',
        `the "scope" claim lacks the required scope ${missing.map((scope) => JSON.stringify(scope)).join(' and ')}`,
        { claim: 'scope' },
      )
  }
  const acr = checks.acr ?? access.acr
  if (acr !== undefined && (payload.acr === undefined || !acr.includes(payload.acr))) {
    fail(
      'ERR_CLAIM_INVALID',
      `the "acr" claim is ${payload.acr === undefined ? 'missing' : 'not an accepted value'}: accepted are ${listed(acr)}`,
      { claim: 'acr' },
    )
  }
  const tolerance = policy.clockTolerance
  const maxAuthAge = checks.maxAuthAge ?? access.maxAuthAge
  if (maxAuthAge !== undefined) {
    const authTime = payload.auth_time
    if (authTime === undefined)
      fail('ERR_CLAIM_INVALID', 'the "auth_time" claim is required with maxAuthAge', { claim: 'auth_time' })
    if (authTime + maxAuthAge + tolerance < now) {
      fail('ERR_CLAIM_INVALID', 'the end-user authenticated longer ago than maxAuthAge ("auth_time")', {
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

// ID tokens are JWTs with an audience too, and end up at APIs.
export function idTokenHint(payload: Record<string, unknown>): string {
  const looksLikeIdToken = payload.nonce !== undefined || payload.at_hash !== undefined || payload.c_hash !== undefined
  return looksLikeIdToken ? ' (the token looks like an ID token, not an access token)' : ''
}
