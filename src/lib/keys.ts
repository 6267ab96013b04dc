import { decodeBase64Url } from './base64url.ts'
import { sameAlgorithm, type AlgorithmSpec } from './algorithms.ts'

/** A JSON Web Key as published in a key set: untrusted, so every member is `unknown` until checked. */
export type Jwk = Readonly<Record<string, unknown>>

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const
const MIN_RSA_BITS = 2048

/**
 * Why `jwk` cannot verify a token signed with `alg` (per API.md "Keys"), or undefined if it can.
 * The reasons name members, never values, so they are safe in error messages.
 */
export function keyProblem(jwk: Jwk, alg: string, spec: AlgorithmSpec): string | undefined {
  if (jwk.kty !== spec.kty) return `its "kty" does not fit ${alg}`
  for (const member of PRIVATE_MEMBERS) {
    if (Object.hasOwn(jwk, member)) return 'it carries private key members'
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') return 'its "use" is not "sig"'
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) {
    return 'its "key_ops" do not include "verify"'
  }
  if (jwk.alg !== undefined && !(typeof jwk.alg === 'string' && sameAlgorithm(jwk.alg, alg))) {
    return `its "alg" is not ${alg}`
  }
  if (spec.kty === 'RSA') return rsaProblem(jwk)
  if (jwk.crv !== spec.crv) return `its "crv" does not fit ${alg}`
  const size = spec.ecdsa?.size ?? 32
  const x = typeof jwk.x === 'string' ? decodeBase64Url(jwk.x) : undefined
  if (x?.length !== size) return 'its "x" is not a valid coordinate'
  if (spec.kty === 'EC' && !isCoordinate(jwk.y, size)) return 'its "y" is not a valid coordinate'
  if (spec.kty === 'OKP' && hasSmallOrder(x)) return 'its public key is a small-order point'
  return undefined
}

// The Ed25519 points of order 1, 2, 4 and 8, by the y of their encoding with the sign bit of x cleared:
// libsodium's blocklist (ge25519_has_small_order), six canonical y values plus y = p and y = p + 1, the
// non-canonical spellings of 0 and 1 that lenient decoders accept. Nobody holds a private key for such a
// point, yet R = identity, S = 0 verifies under it (always for the identity, for one message in eight
// otherwise), and WebCrypto engines import and use it. Refused like RSA e = 1. Key sets are public, so the
// comparison need not be constant-time.
const SMALL_ORDER_Y = [
  '0000000000000000000000000000000000000000000000000000000000000000', // (±√−1, 0), order 4
  '0100000000000000000000000000000000000000000000000000000000000000', // the identity
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // order 8
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', // order 8
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = p − 1: (0, −1), order 2
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = p ≡ 0
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = p + 1 ≡ 1
]

function hasSmallOrder(point: Uint8Array): boolean {
  let y = ''
  for (let i = 0; i < point.length; i++) y += (i === 31 ? point[i]! & 0x7f : point[i]!).toString(16).padStart(2, '0')
  return SMALL_ORDER_Y.includes(y)
}

function rsaProblem(jwk: Jwk): string | undefined {
  const n = typeof jwk.n === 'string' ? decodeBase64Url(jwk.n) : undefined
  const e = typeof jwk.e === 'string' ? decodeBase64Url(jwk.e) : undefined
  if (n === undefined || e === undefined || n.length === 0 || e.length === 0) return 'its "n" or "e" is not base64url'
  if (n[0] === 0 || e[0] === 0) return 'its "n" or "e" has leading zero bytes'
  const bits = (n.length - 1) * 8 + (32 - Math.clz32(n[0]!))
  if (bits < MIN_RSA_BITS) return `its modulus is shorter than ${MIN_RSA_BITS} bits`
  // e = 1 makes every signature equal its message; even e is not RSA. Small odd e (3) is legal.
  if (e.length > 8 || (e.length === 1 && e[0]! < 3) || (e[e.length - 1]! & 1) === 0) {
    return 'its public exponent is not usable'
  }
  if (hasRocaFingerprint(n)) return 'its modulus has the ROCA weakness (CVE-2017-15361)'
  return undefined
}

function isCoordinate(value: unknown, size: number): boolean {
  return typeof value === 'string' && decodeBase64Url(value)?.length === size
}

/** Imports the public part of a checked JWK. Only the members WebCrypto needs are passed on. */
export function importVerifyKey(jwk: Jwk, spec: AlgorithmSpec): Promise<CryptoKey> {
  const publicJwk: JsonWebKey =
    spec.kty === 'RSA'
      ? { kty: 'RSA', n: jwk.n as string, e: jwk.e as string }
      : spec.kty === 'EC'
        ? { kty: 'EC', crv: jwk.crv as string, x: jwk.x as string, y: jwk.y as string }
        : { kty: 'OKP', crv: jwk.crv as string, x: jwk.x as string }
  return crypto.subtle.importKey('jwk', publicJwk, spec.importParams, false, ['verify'])
}

// ROCA (Nemec et al., CCS 2017): moduli from the vulnerable Infineon library are, modulo each of these
// small primes, a power of 65537. An honest modulus passes that test for all of them with negligible
// probability, so the fingerprint has no false positives in practice. Checked once per key.
const ROCA_PRIMES = [
  3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113,
  127, 131, 137, 139, 149, 151, 157, 163, 167,
]
let rocaSubgroups: Array<Set<number>> | undefined

function hasRocaFingerprint(n: Uint8Array): boolean {
  rocaSubgroups ??= ROCA_PRIMES.map((p) => {
    const powers = new Set<number>()
    for (let x = 1; !powers.has(x); x = (x * (65537 % p)) % p) powers.add(x)
    return powers
  })
  for (let i = 0; i < ROCA_PRIMES.length; i++) {
    const p = ROCA_PRIMES[i]!
    let residue = 0
    for (let j = 0; j < n.length; j++) residue = (residue * 256 + n[j]!) % p
    if (!rocaSubgroups[i]!.has(residue)) return false
  }
  return true
}
