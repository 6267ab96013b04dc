/**
 * The stable codes an {@link IdTokenError} can carry. Compare against these, never against messages.
 *
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
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

/** One of {@link ERROR_CODES}. */
export type IdTokenErrorCode = (typeof ERROR_CODES)[number]

/** Options for constructing an {@link IdTokenError}. */
export interface IdTokenErrorOptions {
  /** The claim that failed, for claim and time failures. */
  claim?: string | undefined
  /** The underlying error (a fetch failure, a JSON syntax error, ...). */
  cause?: unknown
  /** Seconds the provider's clock was estimated ahead of ours, when `serverTime` corrected a time check. */
  skew?: number
}

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
 */
export class IdTokenError extends Error {
  override name = 'IdTokenError'
  /** Why the token or key set was rejected. */
  readonly code: IdTokenErrorCode
  /** For `ERR_CLAIM_INVALID`, `ERR_TOKEN_EXPIRED`, `ERR_TOKEN_NOT_YET_VALID` and claim type errors: the claim. */
  readonly claim: string | undefined
  /** Set when `serverTime` corrected the clock for this check: the provider's clock minus ours, in seconds. */
  readonly skew: number | undefined

  constructor(code: IdTokenErrorCode, message: string, options?: IdTokenErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.claim = options?.claim
    this.skew = options?.skew
  }
}
