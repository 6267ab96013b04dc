// The one place that knows about signature algorithms: key generation, WebCrypto signing
// parameters and the hash that `at_hash`/`c_hash` use. Nothing else spells an algorithm name.

export interface AlgorithmEntry {
  readonly kty: 'RSA' | 'EC' | 'OKP'
  readonly crv?: string
  /** Digest for `at_hash`/`c_hash` (OIDC Core 3.1.3.6): the alg's hash; Ed25519 uses SHA-512. */
  readonly hash: 'SHA-256' | 'SHA-384' | 'SHA-512'
}

/**
 * A JWS `alg` the mock IdP can sign with.
 *
 * @example
 * ```ts
 * const alg: SigningAlgorithm = 'ES256'
 * const token = await idp.mintIdToken({ sub: 'alice' }, { alg })
 * ```
 * @see [RFC 7518 §3.1](https://www.rfc-editor.org/rfc/rfc7518#section-3.1)
 * @see [RFC 8037 §3.1](https://www.rfc-editor.org/rfc/rfc8037#section-3.1) (EdDSA)
 */
export type SigningAlgorithm =
  'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA' | 'Ed25519'

export const ALGORITHMS: Readonly<Record<SigningAlgorithm, AlgorithmEntry>> = {
  RS256: { kty: 'RSA', hash: 'SHA-256' },
  RS384: { kty: 'RSA', hash: 'SHA-384' },
  RS512: { kty: 'RSA', hash: 'SHA-512' },
  PS256: { kty: 'RSA', hash: 'SHA-256' },
  PS384: { kty: 'RSA', hash: 'SHA-384' },
  PS512: { kty: 'RSA', hash: 'SHA-512' },
  ES256: { kty: 'EC', crv: 'P-256', hash: 'SHA-256' },
  ES384: { kty: 'EC', crv: 'P-384', hash: 'SHA-384' },
  ES512: { kty: 'EC', crv: 'P-521', hash: 'SHA-512' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519', hash: 'SHA-512' },
  Ed25519: { kty: 'OKP', crv: 'Ed25519', hash: 'SHA-512' },
}

/**
 * Every `alg` the mock IdP can sign with, in a stable order (`Ed25519` is the fully-specified
 * name of `EdDSA` with Ed25519, RFC 9864).
 *
 * @example
 * ```ts
 * const idp = await createMockIdp({ algorithms: [...SIGNING_ALGORITHMS] })
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.1
 */
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = Object.freeze(
  Object.keys(ALGORITHMS) as SigningAlgorithm[],
)

export function algorithmEntry(alg: string): AlgorithmEntry {
  if (!Object.hasOwn(ALGORITHMS, alg)) {
    throw new TypeError(`unsupported "alg": ${JSON.stringify(alg)}; use one of ${SIGNING_ALGORITHMS.join(', ')}`)
  }
  return ALGORITHMS[alg as SigningAlgorithm]
}

export function isSigningAlgorithm(alg: unknown): alg is SigningAlgorithm {
  return typeof alg === 'string' && Object.hasOwn(ALGORITHMS, alg)
}
