// The one place that knows about signature algorithms and their key types: key generation, public members,
// WebCrypto signing parameters and the hash that `at_hash`/`c_hash` use. Nothing else spells an algorithm name.

/** What the mock knows of each JWK key type it signs with (RFC 7518 §6). */
export interface KeyTypeEntry {
  /** The members of a public JWK of this type, besides `kty`. */
  readonly publicMembers: readonly ('n' | 'e' | 'crv' | 'x' | 'y')[]
  /** Key generation parameters beyond the alg's own (RFC 7518 §3.3: RSA keys of at least 2048 bits). */
  readonly generate: { readonly modulusLength?: number }
}

export const KEY_TYPES = {
  RSA: { publicMembers: ['n', 'e'], generate: { modulusLength: 2048 } } as KeyTypeEntry,
  EC: { publicMembers: ['crv', 'x', 'y'], generate: {} } as KeyTypeEntry,
  OKP: { publicMembers: ['crv', 'x'], generate: {} } as KeyTypeEntry,
}

/** A JWK `kty` of {@link KEY_TYPES}. */
export type KeyType = keyof typeof KEY_TYPES

export interface AlgorithmEntry {
  readonly kty: KeyType
  readonly crv?: string
  /** Digest for `at_hash`/`c_hash` (OIDC Core 3.1.3.6): the alg's hash; Ed25519 uses SHA-512. */
  readonly hash: 'SHA-256' | 'SHA-384' | 'SHA-512'
}

// Entries are asserted to AlgorithmEntry: isolatedDeclarations wants a declared type, and `SigningAlgorithm` needs
// only the names.
export const ALGORITHMS = {
  RS256: { kty: 'RSA', hash: 'SHA-256' } as AlgorithmEntry,
  RS384: { kty: 'RSA', hash: 'SHA-384' } as AlgorithmEntry,
  RS512: { kty: 'RSA', hash: 'SHA-512' } as AlgorithmEntry,
  PS256: { kty: 'RSA', hash: 'SHA-256' } as AlgorithmEntry,
  PS384: { kty: 'RSA', hash: 'SHA-384' } as AlgorithmEntry,
  PS512: { kty: 'RSA', hash: 'SHA-512' } as AlgorithmEntry,
  ES256: { kty: 'EC', crv: 'P-256', hash: 'SHA-256' } as AlgorithmEntry,
  ES384: { kty: 'EC', crv: 'P-384', hash: 'SHA-384' } as AlgorithmEntry,
  ES512: { kty: 'EC', crv: 'P-521', hash: 'SHA-512' } as AlgorithmEntry,
  EdDSA: { kty: 'OKP', crv: 'Ed25519', hash: 'SHA-512' } as AlgorithmEntry,
  Ed25519: { kty: 'OKP', crv: 'Ed25519', hash: 'SHA-512' } as AlgorithmEntry,
}

/**
 * A JWS `alg` the mock IdP can sign with: `RS256`, `RS384`, `RS512`, `PS256`, `PS384`, `PS512`, `ES256`, `ES384`,
 * `ES512`, `EdDSA` or `Ed25519`.
 *
 * @example
 * ```ts
 * const alg: SigningAlgorithm = 'ES256'
 * const token = await idp.mintIdToken({ sub: 'alice' }, { alg })
 * ```
 * @see [RFC 7518 §3.1](https://www.rfc-editor.org/rfc/rfc7518#section-3.1)
 * @see [RFC 8037 §3.1](https://www.rfc-editor.org/rfc/rfc8037#section-3.1) (EdDSA)
 */
export type SigningAlgorithm = keyof typeof ALGORITHMS

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
