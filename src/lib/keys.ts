import { decodeBase64Url, encodeBase64Url } from './base64url.ts'
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
// libsodium's blocklist (ge25519_has_small_order): y = 0 (order 4), 1 (the identity), p − 1 (order 2), the two
// y of order 8, plus y = p and y = p + 1, the non-canonical spellings of 0 and 1 that lenient decoders accept.
// Nobody holds a private key for such a point, yet R = identity, S = 0 verifies under it (always for the
// identity, for one message in eight otherwise), and WebCrypto engines import and use it. Refused like RSA
// e = 1. Key sets are public, so the comparison need not be constant-time.
const ORDER_8_Y = ['JuiVj8KyJ7BFw_SJ8u-Y8NXfrAXTxjM5sTgCiG1T_AU', 'xxdqcD1N2E-6PAt2DRBnDyogU_osOczGTsf9d5KsA3o']

function hasSmallOrder(point: Uint8Array): boolean {
  const y = point.slice()
  y[31]! &= 0x7f
  // 0 or 1 (31 zero bytes after the first), or p − 1, p, p + 1 (0xec…0xee, then 0xff…, then 0x7f).
  const rest = y.subarray(1, 31)
  if (y[31] === 0 && y[0]! < 2 && rest.every((byte) => byte === 0)) return true
  if (y[31] === 0x7f && y[0]! >= 0xec && y[0]! <= 0xee && rest.every((byte) => byte === 0xff)) return true
  const encoded = encodeBase64Url(y)
  return ORDER_8_Y.includes(encoded)
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
let roca: Array<readonly [prime: number, powers: ReadonlySet<number>]> | undefined

function hasRocaFingerprint(n: Uint8Array): boolean {
  if (roca === undefined) {
    roca = []
    // The odd primes below 168, each with the powers of 65537 modulo it.
    for (let p = 3; p < 168; p += 2) {
      if (roca.some(([q]) => p % q === 0)) continue
      const powers = new Set<number>()
      for (let x = 1; !powers.has(x); x = (x * (65537 % p)) % p) powers.add(x)
      roca.push([p, powers])
    }
  }
  for (const [p, powers] of roca) {
    let residue = 0
    for (let j = 0; j < n.length; j++) residue = (residue * 256 + n[j]!) % p
    if (!powers.has(residue)) return false
  }
  return true
}
