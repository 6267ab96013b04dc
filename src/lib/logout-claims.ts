// OpenID Connect Back-Channel Logout 1.0 §2.4 and §2.6: the claim rules of logout tokens, in the order of
// the specification's validation steps (the replay check, step 8, runs last, in logout-token.ts).
import { checkClaimTypes } from './claims.ts'
import { fail } from './fail.ts'
import { isObject } from './jwks.ts'
import { checkIssuerAndAudience, checkRequired, checkSubject, checkTimes, type ClaimPolicy } from './jwt-claims.ts'

/** The member of `events` that makes a JWT a logout token. */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'

/**
 * The claims of a verified logout token. `sub`, `sid` or both are present: log out that user's sessions
 * (without `sid`: all of them), or that session.
 *
 * @example
 * ```ts
 * const { payload } = await logout.verify(logoutToken)
 * if (payload.sid !== undefined) sessions.deleteBySid(payload.iss, payload.sid)
 * else sessions.deleteAllOf(payload.iss, payload.sub!)
 * ```
 * @see [OpenID Connect Back-Channel Logout 1.0 §2.4](https://openid.net/specs/openid-connect-backchannel-1_0.html#LogoutToken)
 */
export interface LogoutTokenPayload {
  /** Issuer: one of the `issuer` option's. */
  readonly iss: string
  /** Audience: contains one of the `audience` option's client ids. */
  readonly aud: string | readonly string[]
  /** Issued at, in seconds since the epoch: within `maxTokenAge` (default 120 s) of now. */
  readonly iat: number
  /** The token's unique id: a token whose `jti` was seen before is refused. */
  readonly jti: string
  /** Contains `http://schemas.openid.net/event/backchannel-logout` with an object value. */
  readonly events: Readonly<Record<string, unknown>>
  /** The end-user whose sessions end. */
  readonly sub?: string
  /** The session that ends. */
  readonly sid?: string
  /** Expiry, in seconds since the epoch (required since errata set 1 of the specification, 2023). */
  readonly exp: number
  /** Any other claim, as the issuer sent it. */
  readonly [claim: string]: unknown
}

/** Shape before values: the registered claims (as for ID tokens), then `events`. */
export function checkLogoutClaimTypes(payload: Record<string, unknown>): LogoutTokenPayload {
  checkClaimTypes(payload)
  if (Object.hasOwn(payload, 'events') && !isObject(payload.events))
    fail('ERR_TOKEN_MALFORMED', 'the "events" claim is not a JSON object', { claim: 'events' })
  return payload as unknown as LogoutTokenPayload
}

// `exp` is required since errata set 1 (December 2023): a logout token must not be replayable for ever.
const REQUIRED = ['iss', 'aud', 'iat', 'exp', 'jti', 'events']

/** Back-Channel Logout 1.0 §2.6 steps 3–7. `now` is in seconds. */
export function checkLogoutClaims(payload: LogoutTokenPayload, policy: ClaimPolicy, now: number): void {
  checkRequired(payload, REQUIRED)
  checkIssuerAndAudience(payload, policy)
  checkTimes(payload, policy, now)
  if (payload.sub === undefined && payload.sid === undefined) {
    fail('ERR_CLAIM_INVALID', 'a logout token must have a "sub" or a "sid" claim, or both', { claim: 'sid' })
  }
  checkSubject(payload)
  if (!Object.hasOwn(payload.events, BACKCHANNEL_LOGOUT_EVENT)) {
    fail('ERR_CLAIM_INVALID', `the "events" claim has no "${BACKCHANNEL_LOGOUT_EVENT}" member`, { claim: 'events' })
  }
  if (!isObject(payload.events[BACKCHANNEL_LOGOUT_EVENT])) {
    fail('ERR_CLAIM_INVALID', `the "events" member "${BACKCHANNEL_LOGOUT_EVENT}" is not a JSON object`, {
      claim: 'events',
    })
  }
  // §2.4: prohibited, so that a logout token can never pass as an ID token in an authentication response.
  if (Object.hasOwn(payload, 'nonce'))
    fail('ERR_CLAIM_INVALID', 'a logout token must not have a "nonce" claim', { claim: 'nonce' })
}
