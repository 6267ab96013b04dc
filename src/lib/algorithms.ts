// The one place that knows the algorithms: key type, curve, WebCrypto parameters, signature shape and
// the hash OpenID Connect uses for at_hash/c_hash. Nothing else in src/ spells an algorithm name.

/**
 * The `alg` values the verifier can ever accept. `Ed25519` is the fully-specified alias of EdDSA (RFC 9864).
 * Never `none`, never HS*: the `algorithms` option narrows this list, it cannot widen it.
 *
 * @example
 * ```ts
 * import { SUPPORTED_ALGORITHMS } from 'idtoken-verify'
 *
 * const announced: string[] = discovery.id_token_signing_alg_values_supported
 * const usable = announced.filter((alg) => (SUPPORTED_ALGORITHMS as readonly string[]).includes(alg))
 * ```
 * @see [RFC 7518 §3.1](https://www.rfc-editor.org/rfc/rfc7518#section-3.1) (RS*, PS*, ES*)
 * @see [RFC 8037 §3.1](https://www.rfc-editor.org/rfc/rfc8037#section-3.1) (EdDSA)
 * @see [RFC 9864](https://www.rfc-editor.org/rfc/rfc9864) (Ed25519)
 */
export const SUPPORTED_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const

/**
 * One of {@link SUPPORTED_ALGORITHMS}: the type of the `algorithms` option.
 *
 * @example
 * ```ts
 * const algorithms: SupportedAlgorithm[] = ['ES256', 'RS256']
 * const verifier = createVerifier({ issuer, audience, algorithms })
 * ```
 * @see [RFC 7518 §3.1](https://www.rfc-editor.org/rfc/rfc7518#section-3.1)
 */
export type SupportedAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number]

export type HashName = 'SHA-256' | 'SHA-384' | 'SHA-512'

export interface AlgorithmSpec {
  readonly kty: 'RSA' | 'EC' | 'OKP'
  /** Required `crv` for EC and OKP keys. */
  readonly crv?: string
  readonly importParams: RsaHashedImportParams | EcKeyImportParams | Algorithm
  readonly verifyParams: Algorithm | RsaPssParams | EcdsaParams
  /** OIDC Core 3.1.3.6 / 3.3.2.11: the hash behind at_hash and c_hash. */
  readonly hash: HashName
  /** ECDSA: raw r‖s length in bytes, and the group order n that r and s must stay below. */
  readonly ecdsa?: { readonly size: number; readonly order: Uint8Array }
  /** EdDSA signatures are exactly 64 bytes. */
  readonly signatureLength?: number
}

const rsa = (hash: HashName): AlgorithmSpec => ({
  kty: 'RSA',
  importParams: { name: 'RSASSA-PKCS1-v1_5', hash },
  verifyParams: { name: 'RSASSA-PKCS1-v1_5' },
  hash,
})

const pss = (hash: HashName, saltLength: number): AlgorithmSpec => ({
  kty: 'RSA',
  importParams: { name: 'RSA-PSS', hash },
  // RFC 7518 §3.5: salt as long as the hash, MGF1 with the same hash.
  verifyParams: { name: 'RSA-PSS', saltLength } as RsaPssParams,
  hash,
})

const ec = (crv: string, hash: HashName, size: number, orderHex: string): AlgorithmSpec => ({
  kty: 'EC',
  crv,
  importParams: { name: 'ECDSA', namedCurve: crv } as EcKeyImportParams,
  verifyParams: { name: 'ECDSA', hash } as EcdsaParams,
  hash,
  ecdsa: { size, order: hexBytes(orderHex.padStart(size * 2, '0')) },
})

const ed25519: AlgorithmSpec = {
  kty: 'OKP',
  crv: 'Ed25519',
  importParams: { name: 'Ed25519' },
  verifyParams: { name: 'Ed25519' },
  hash: 'SHA-512',
  signatureLength: 64,
}

let registry: Readonly<Record<SupportedAlgorithm, AlgorithmSpec>> | undefined

// Built on first use so that importing the module does no work.
export function algorithmSpec(alg: string): AlgorithmSpec | undefined {
  registry ??= {
    RS256: rsa('SHA-256'),
    RS384: rsa('SHA-384'),
    RS512: rsa('SHA-512'),
    PS256: pss('SHA-256', 32),
    PS384: pss('SHA-384', 48),
    PS512: pss('SHA-512', 64),
    ES256: ec('P-256', 'SHA-256', 32, 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'),
    ES384: ec(
      'P-384',
      'SHA-384',
      48,
      'ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
    ),
    ES512: ec(
      'P-521',
      'SHA-512',
      66,
      '01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409',
    ),
    EdDSA: ed25519,
    Ed25519: ed25519,
  }
  return Object.hasOwn(registry, alg) ? registry[alg as SupportedAlgorithm] : undefined
}

/** True for a name the verifier supports (case-sensitive, so `none`, `NONE` and `HS256` are all false). */
export function isSupportedAlgorithm(alg: string): alg is SupportedAlgorithm {
  return algorithmSpec(alg) !== undefined
}

/** The two spellings of Ed25519 signing name one algorithm; everything else compares exactly. */
export function sameAlgorithm(a: string, b: string): boolean {
  return a === b || (algorithmSpec(a) === algorithmSpec(b) && algorithmSpec(a)?.crv === 'Ed25519')
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}
