/**
 * The stable codes an {@link IdTokenError} can carry. Compare against these, never against messages.
 * docs/errors.md says when each happens and what an application should do about it.
 *
 * @example
 * ```ts
 * import { ERROR_CODES } from 'idtoken-verify'
 *
 * const rejections = Object.fromEntries(ERROR_CODES.map((code) => [code, 0]))
 * ```
 * @see [OpenID Connect Core 1.0 §3.1.3.7](https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation)
 */
export const ERROR_CODES = [
  'ERR_TOKEN_MALFORMED',
  'ERR_HEADER_UNSUPPORTED',
  'ERR_ALG_NOT_ALLOWED',
  'ERR_KEY_NOT_FOUND',
  'ERR_SIGNATURE_INVALID',
  'ERR_TOKEN_EXPIRED',
  'ERR_TOKEN_NOT_YET_VALID',
  'ERR_CLAIM_INVALID',
  'ERR_JWKS_UNAVAILABLE',
  'ERR_JWKS_INVALID',
] as const

/**
 * One of {@link ERROR_CODES}: the `code` of an {@link IdTokenError}.
 *
 * @example
 * ```ts
 * function isRetryable(code: IdTokenErrorCode): boolean {
 *   return code === 'ERR_JWKS_UNAVAILABLE'
 * }
 * ```
 * @see [OpenID Connect Core 1.0 §3.1.3.7](https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation)
 */
export type IdTokenErrorCode = (typeof ERROR_CODES)[number]

/**
 * Options for constructing an {@link IdTokenError}, for a custom `JwksStore` or `fetch` wrapper that
 * wants to fail the way the verifier does.
 *
 * @example
 * ```ts
 * throw new IdTokenError('ERR_CLAIM_INVALID', 'the "acr" claim is too weak', { claim: 'acr' })
 * ```
 * @see [OpenID Connect Core 1.0 §3.1.3.7](https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation)
 */
export interface IdTokenErrorOptions {
  /** The claim that failed, for claim and time failures. */
  claim?: string | undefined
  /** The underlying error (a fetch failure, a JSON syntax error, ...). */
  cause?: unknown
  /** Seconds the provider's clock was estimated ahead of ours, when `serverTime` corrected a time check. */
  skew?: number
  /** Which of the causes a code covers, where it covers several (see {@link IdTokenErrorReason}). */
  reason?: IdTokenErrorReason | undefined
}

/**
 * The stable cause within a code that covers several, in {@link IdTokenError.reason}. For `ERR_KEY_NOT_FOUND`:
 * `'unknown-kid'` (no key in the set has the token's `kid`, or the set is empty), `'ambiguous'` (several keys
 * fit and the token does not say which), `'unusable'` (the key is there but may not verify this token: wrong
 * type, curve, `use`, `alg`, too short, a weak or private key) and `'import-failed'` (WebCrypto refused the key
 * material). Compare against these, never against messages.
 *
 * @example
 * ```ts
 * if (err instanceof IdTokenError && err.reason === 'unknown-kid') metrics.count('rotation-or-forgery')
 * ```
 * @see [OpenID Connect Core 1.0 §10.1.1](https://openid.net/specs/openid-connect-core-1_0.html#RotateSigKeys)
 */
export type IdTokenErrorReason = 'unknown-kid' | 'ambiguous' | 'unusable' | 'import-failed'

/**
 * Every rejection of the verifier. `code` is stable; `message` is for humans and never carries the
 * token, a claim value the token supplied, or key material.
 *
 * @example
 * ```ts
 * try {
 *   await verifier.verify(token, { nonce })
 * } catch (err) {
 *   if (err instanceof IdTokenError && err.code === 'ERR_TOKEN_EXPIRED') return signInAgain()
 *   throw err
 * }
 * ```
 * @see [OpenID Connect Core 1.0 §3.1.3.7](https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation)
 * @see [RFC 8725 §3](https://www.rfc-editor.org/rfc/rfc8725#section-3) (JWT best current practices)
 */
export class IdTokenError extends Error {
  /** Always `'IdTokenError'`. */
  override name = 'IdTokenError'
  /** Why the token or key set was rejected. */
  readonly code: IdTokenErrorCode
  /** For `ERR_CLAIM_INVALID`, `ERR_TOKEN_EXPIRED`, `ERR_TOKEN_NOT_YET_VALID` and claim type errors: the claim. */
  readonly claim: string | undefined
  /** Set when `serverTime` corrected the clock for this check: the provider's clock minus ours, in seconds. */
  readonly skew: number | undefined
  /** For `ERR_KEY_NOT_FOUND`: which of its causes, as an {@link IdTokenErrorReason}. */
  readonly reason: IdTokenErrorReason | undefined

  /**
   * Made by the verifier; applications construct one only to fail the same way (in a custom store, say).
   *
   * @param code the stable code.
   * @param message for humans: names the field that failed, never the token or key material.
   * @param options the failed `claim`, the `cause`, the clock `skew`, the `reason`.
   */
  constructor(code: IdTokenErrorCode, message: string, options?: IdTokenErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.claim = options?.claim
    this.skew = options?.skew
    this.reason = options?.reason
  }
}
