// The claim rules every token profile shares (RFC 7519 §4.1 meanings), in one place: ID, access and logout
// tokens call them in their own order, so one failure reads the same in every profile.
import { fail } from './fail.ts'
import { issuerHint, type Issuers } from './issuers.ts'

export interface ClaimPolicy {
  readonly issuers: Issuers
  readonly audiences: readonly string[]
  /** Seconds. */
  readonly clockTolerance: number
  /** Seconds, or undefined for no limit. */
  readonly maxTokenAge: number | undefined
  /** Appended to an `iss` failure: what other kind of token this one looks like, or ''. */
  readonly hint: (payload: Record<string, unknown>) => string
}

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

/** Every claim of `names` is present; `hint` adds what other kind of token a payload looks like. */
export function checkRequired(
  payload: Record<string, unknown>,
  names: readonly string[],
  hint?: (payload: Record<string, unknown>) => string,
): void {
  for (const claim of names) {
    if (!Object.hasOwn(payload, claim)) {
      fail('ERR_CLAIM_INVALID', `the required "${claim}" claim is missing${hint?.(payload) ?? ''}`, { claim })
    }
  }
}

/** `iss` is a configured issuer, and `aud` (required before) contains one of the configured audiences. */
export function checkIssuerAndAudience(payload: JwtClaims, policy: ClaimPolicy): void {
  if (policy.issuers.match(payload.iss) === undefined) checkIssuer(payload, policy)
  const aud = payload.aud!
  // A single audience without an array and a closure: this runs for every token.
  const ours =
    typeof aud === 'string' ? policy.audiences.includes(aud) : aud.some((value) => policy.audiences.includes(value))
  if (!ours) {
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

/** Refuses a token whose `iss` is none of the configured issuers, naming them (never the token's value). */
export function checkIssuer(payload: Record<string, unknown>, policy: ClaimPolicy): never {
  const configured = policy.issuers.configured
  return fail(
    'ERR_CLAIM_INVALID',
    `the "iss" claim is not the configured issuer ${listed(configured)}` +
      `${typeof payload.iss === 'string' ? issuerHint(payload.iss, configured) : ''}${policy.hint(payload)}`,
    { claim: 'iss' },
  )
}

// Configuration, not token content: safe to quote.
export const listed = (values: readonly string[]): string => values.map((value) => JSON.stringify(value)).join(' or ')
