import { algorithmSpec, type AlgorithmSpec } from './algorithms.ts'
import { fail } from './fail.ts'

/**
 * The protected header of a verified token. Only `alg` is guaranteed; the rest is as the issuer sent it.
 * `jwk`, `jku`, `x5u` and `x5c` may be present but were never used to find the key.
 *
 * @example
 * ```ts
 * const { header } = await verifier.verify(idToken)
 * console.log(`signed with ${header.alg} by key ${header.kid ?? '(no kid)'}`)
 * ```
 * @see [RFC 7515 §4.1](https://www.rfc-editor.org/rfc/rfc7515#section-4.1)
 */
export interface JwsHeader {
  /** The signature algorithm: one of the allowlist. */
  readonly alg: string
  /** The id of the key in the issuer's key set that verified the signature. */
  readonly kid?: string
  /** Absent, `JWT` or `application/jwt` (case-insensitive): other token kinds are refused. */
  readonly typ?: string
  /** Any other header member, as the issuer sent it. */
  readonly [member: string]: unknown
}

// RFC 7515 §4.1.9: typ is a media type, compared case-insensitively, "application/" optional.
// An ID token is a plain JWT; at+jwt, logout+jwt, secevent+jwt and friends are other token kinds.
const ID_TOKEN_TYPES = new Set(['jwt', 'application/jwt'])

/** Types first, then the members a verifier must refuse to process (RFC 7515 §4.1.11, RFC 7797). */
export function checkHeader(header: Record<string, unknown>): JwsHeader {
  const { alg, kid, typ } = header
  if (typeof alg !== 'string') fail('ERR_TOKEN_MALFORMED', 'the header "alg" is missing or not a string')
  if (kid !== undefined && typeof kid !== 'string') fail('ERR_TOKEN_MALFORMED', 'the header "kid" is not a string')
  if (typ !== undefined && typeof typ !== 'string') fail('ERR_TOKEN_MALFORMED', 'the header "typ" is not a string')
  return header as JwsHeader
}

/** The registry entry of `alg` when the allowlist has it. */
export function allowedAlgorithm(allowed: ReadonlySet<string>, alg: string): AlgorithmSpec {
  return (
    (allowed.has(alg) ? algorithmSpec(alg) : undefined) ??
    fail('ERR_ALG_NOT_ALLOWED', 'the header "alg" is not an allowed algorithm')
  )
}

export function checkHeaderSupported(header: JwsHeader): void {
  if (Object.hasOwn(header, 'crit')) {
    fail('ERR_HEADER_UNSUPPORTED', 'the header has "crit": no critical extensions are understood')
  }
  if (Object.hasOwn(header, 'b64') && header.b64 !== true) {
    fail('ERR_HEADER_UNSUPPORTED', 'the header has "b64": unencoded payloads are not ID tokens')
  }
  if (header.typ !== undefined && !ID_TOKEN_TYPES.has(header.typ.toLowerCase())) {
    fail('ERR_HEADER_UNSUPPORTED', 'the header "typ" names a token kind other than an ID token')
  }
}
