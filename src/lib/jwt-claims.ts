// Claim rules that access and logout tokens share with ID tokens (RFC 7519 §4.1 meanings). The ID-token
// profile keeps its own inline copy in claims.ts (OpenID Connect Core 3.1.3.7 order, and the default bundle's
// size); the messages here are the same, so one failure reads the same in every profile.
import { fail } from './fail.ts'
import { checkIssuer, listed, type ClaimPolicy } from './claims.ts'

/** The claims every profile shares, by their registered meaning. */
export interface JwtClaims {
  readonly iss: string
  readonly aud?: string | readonly string[] | undefined
  readonly exp?: number | undefined
  readonly iat?: number | undefined
  readonly nbf?: number | undefined
  readonly sub?: string | undefined
  readonly [claim: string]: unknown
}

export function checkRequired(payload: object, names: readonly string[]): void {
  for (const claim of names) {
    if (!Object.hasOwn(payload, claim)) fail('ERR_CLAIM_INVALID', `the required "${claim}" claim is missing`, { claim })
  }
}

/** `iss` is a configured issuer, and `aud` (required before) contains one of the configured audiences. */
export function checkIssuerAndAudience(payload: JwtClaims, policy: ClaimPolicy): void {
  if (policy.issuers.match(payload.iss) === undefined) checkIssuer(payload, policy)
  const aud = payload.aud!
  const audiences = typeof aud === 'string' ? [aud] : aud
  if (!audiences.some((value) => policy.audiences.includes(value))) {
    fail(
      'ERR_CLAIM_INVALID',
      `the "aud" claim does not contain the configured audience ${listed(policy.audiences)}${policy.hint(payload)}`,
      { claim: 'aud' },
    )
  }
}

/** `exp` when present (a profile that requires it checked that before), `nbf`, `iat` and `maxTokenAge`. */
export function checkTimes(payload: JwtClaims, policy: ClaimPolicy, now: number): void {
  const tolerance = policy.clockTolerance
  if (payload.exp !== undefined && payload.exp + tolerance <= now)
    fail('ERR_TOKEN_EXPIRED', 'the token has expired ("exp")', { claim: 'exp' })
  if (payload.nbf !== undefined && payload.nbf > now + tolerance) {
    fail('ERR_TOKEN_NOT_YET_VALID', 'the token is not valid yet ("nbf")', { claim: 'nbf' })
  }
  const iat = payload.iat
  if (iat === undefined) return
  if (iat > now + tolerance)
    fail('ERR_TOKEN_NOT_YET_VALID', 'the token was issued in the future ("iat")', { claim: 'iat' })
  if (policy.maxTokenAge !== undefined && now - iat > policy.maxTokenAge + tolerance) {
    fail('ERR_CLAIM_INVALID', 'the token is older than maxTokenAge ("iat")', { claim: 'iat' })
  }
}

/** `sub`, when present, is not empty. */
export function checkSubject(payload: JwtClaims): void {
  if (payload.sub !== undefined && payload.sub.length === 0)
    fail('ERR_CLAIM_INVALID', 'the "sub" claim is empty', { claim: 'sub' })
}
