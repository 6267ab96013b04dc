// A hostile (or broken) provider publishes an Ed25519 key whose point has small order: the identity
// `0100…00`, one of the other seven points of order 2, 4 or 8, or a non-canonical spelling of one of them,
// with either sign bit. Nobody holds a private key for such a point, yet anyone can "sign" for it: with
// R = the identity and S = 0, cofactorless verification checks [S]B = R + [h]A, i.e. [h]A = identity,
// which holds whenever h = SHA-512(R‖A‖M) mod L is a multiple of A's order (always for the identity, one
// message in eight otherwise). Node's WebCrypto (OpenSSL) accepts these forgeries; the verifier must
// refuse the key itself, as it refuses an RSA key with e = 1.
//
// The encodings are derived here from the curve equation (RFC 8032 §5.1), not copied from src/, and
// cross-checked against libsodium's blocklist (crypto_core/ed25519/ref10, ge25519_has_small_order) and the
// "eight points plus six non-canonical encodings" of Chalkias et al., "Taming the many EdDSAs" (2020).
import { createHash } from 'node:crypto'
import * as jose from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { harness } from '../helpers/harness.ts'
import { type IdTokenVerifier } from '../../src/index.ts'
import { algorithmSpec } from '../../src/lib/algorithms.ts'
import { keyProblem } from '../../src/lib/keys.ts'
import { defaultClaims, makeKey, sign, type TestKey } from '../helpers/issuer.ts'
import { b64u, expectCode, segment } from '../helpers/forge.ts'
import { readVectors } from '../helpers/vectors.ts'

// --- edwards25519 in BigInt (RFC 8032 §5.1), enough to derive and check the small-order points ---------
const P = 2n ** 255n - 19n
const L = 2n ** 252n + 27742317777372353535851937790883648493n
const mod = (a: bigint): bigint => ((a % P) + P) % P
function pow(base: bigint, exp: bigint): bigint {
  let result = 1n
  let b = mod(base)
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = mod(result * b)
    b = mod(b * b)
  }
  return result
}
const inv = (a: bigint): bigint => pow(a, P - 2n)
const D = mod(-121665n * inv(121666n))
const SQRT_M1 = pow(2n, (P - 1n) / 4n)
/** A square root mod p (p ≡ 5 mod 8, RFC 8032 §5.1.3 step 3), or undefined. */
function sqrt(a: bigint): bigint | undefined {
  const candidate = pow(a, (P + 3n) / 8n)
  if (mod(candidate * candidate) === mod(a)) return candidate
  const other = mod(candidate * SQRT_M1)
  return mod(other * other) === mod(a) ? other : undefined
}
type Point = readonly [bigint, bigint]
function add([x1, y1]: Point, [x2, y2]: Point): Point {
  const t = mod(D * x1 * x2 * y1 * y2)
  return [mod((x1 * y2 + x2 * y1) * inv(1n + t)), mod((y1 * y2 + x1 * x2) * inv(1n - t))]
}
/** Lenient decoding (any y < 2^255, x = 0 with either sign), as a permissive engine does. */
function decodePoint(bytes: Uint8Array): Point | undefined {
  let y = 0n
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? bytes[i]! & 0x7f : bytes[i]!)
  y = mod(y)
  const x = sqrt(mod((y * y - 1n) * inv(D * y * y + 1n)))
  if (x === undefined) return undefined
  return [(x & 1n) === BigInt(bytes[31]! >> 7) ? x : mod(-x), y]
}
function orderOf(point: Point): number {
  let q = point
  for (let n = 1; n <= 8; n++) {
    if (q[0] === 0n && q[1] === 1n) return n
    q = add(q, point)
  }
  return Infinity
}
function littleEndian(value: bigint, signBit: number): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 0, v = value; i < 32; i++, v >>= 8n) out[i] = Number(v & 0xffn)
  out[31]! |= signBit << 7
  return out
}
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/**
 * Every 32-byte encoding of a point of order dividing 8. The y-coordinates: 1 (identity), −1 (order 2),
 * 0 (the two points (±√−1, 0) of order 4), and the roots of d·y⁴ + 2y² − 1 = 0 (2P has y = 0: order 8).
 * Each y < p is spelled as y and, where it fits in 255 bits, as y + p; each with both sign bits.
 */
function smallOrderEncodings(): Uint8Array[] {
  const ys = new Set<bigint>([1n, P - 1n, 0n])
  for (const sign of [1n, -1n]) {
    const y2 = mod((-1n + sign * sqrt(mod(1n + D))!) * inv(D))
    const y = sqrt(y2)
    if (y !== undefined) for (const root of [y, mod(-y)]) ys.add(root)
  }
  const out: Uint8Array[] = []
  for (const y of ys) {
    for (const value of [y, y + P]) {
      if (value >= 2n ** 255n) continue
      for (const signBit of [0, 1]) out.push(littleEndian(value, signBit))
    }
  }
  return out
}

// libsodium's blocklist: y with the sign bit cleared, compared on all 255 other bits.
const LIBSODIUM_BLOCKLIST = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
]

const IDENTITY = littleEndian(1n, 0)
const ENCODINGS = smallOrderEncodings()

/** R = identity, S = 0, over a payload tuned (by `jti`) so that h ≡ 0 mod 8: verifies under any small-order A. */
function forgeFor(
  publicKey: Uint8Array,
  kid: string,
  alg = 'EdDSA',
): { token: string; input: Uint8Array<ArrayBuffer>; signature: Uint8Array<ArrayBuffer> } {
  const header = segment({ alg, kid, typ: 'JWT' })
  for (let n = 0; ; n++) {
    const input = new TextEncoder().encode(`${header}.${segment({ ...defaultClaims(), jti: `forged-${n}` })}`)
    const digest = createHash('sha512').update(IDENTITY).update(publicKey).update(input).digest()
    let h = 0n
    for (let i = 63; i >= 0; i--) h = (h << 8n) | BigInt(digest[i]!)
    if ((h % L) % 8n !== 0n) continue
    const signature = new Uint8Array(64)
    signature.set(IDENTITY)
    return { token: `${new TextDecoder().decode(input)}.${b64u(signature)}`, input, signature }
  }
}

const okp = (x: Uint8Array, kid: string): jose.JWK => ({
  kty: 'OKP',
  crv: 'Ed25519',
  x: b64u(x),
  kid,
  alg: 'EdDSA',
  use: 'sig',
})
const verifierFor = (keys: jose.JWK[]): IdTokenVerifier =>
  harness({ keys }, { cooldown: 0, algorithms: ['EdDSA', 'Ed25519'] }).verifier

describe('the small-order encodings', () => {
  it('are 14: eight points, six non-canonical spellings (y = p, p + 1) counted with both sign bits', () => {
    expect(ENCODINGS).toHaveLength(14)
    expect(new Set(ENCODINGS.map(hex)).size).toBe(14)
    const orders = ENCODINGS.map((encoding) => orderOf(decodePoint(encoding)!))
    expect(orders.every((order) => order <= 8)).toBe(true)
    expect(new Set(orders)).toEqual(new Set([1, 2, 4, 8]))
  })

  it("match libsodium's blocklist exactly (sign bit masked)", () => {
    const masked = new Set(
      ENCODINGS.map((encoding) => {
        const copy = encoding.slice()
        copy[31]! &= 0x7f
        return hex(copy)
      }),
    )
    expect([...masked].sort()).toEqual([...LIBSODIUM_BLOCKLIST].sort())
  })

  it('do not include a legitimate key (the RFC 8037 key, a fresh key) or the base point', async () => {
    const vector = readVectors<{ input: { key: jose.JWK } }>('jose-cookbook/rfc8037_ed25519_jws.json')
    const fresh = await makeKey('EdDSA')
    for (const x of [vector.input.key.x!, fresh.publicJwk.x!]) {
      const bytes = new Uint8Array(Buffer.from(x, 'base64url'))
      expect(orderOf(decodePoint(bytes)!)).toBe(Infinity)
    }
    const base = littleEndian((4n * inv(5n)) % P, 0) // RFC 8032 §5.1: B has y = 4/5 and an even x
    expect(orderOf(decodePoint(base)!)).toBe(Infinity)
  })
})

describe('a small-order Ed25519 key is refused, so a keyless forgery is ERR_KEY_NOT_FOUND', () => {
  it("the threat is real: this runtime's WebCrypto accepts R = identity, S = 0 under the identity key", async () => {
    const key = await crypto.subtle.importKey(
      'jwk',
      { kty: 'OKP', crv: 'Ed25519', x: b64u(IDENTITY) },
      { name: 'Ed25519' },
      false,
      ['verify'],
    )
    const { input, signature } = forgeFor(IDENTITY, 'identity')
    // If an engine ever refuses this, the key check below still matters for every engine that does not.
    expect(await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, input)).toBe(true)
  })

  for (const encoding of ENCODINGS) {
    const name = `${hex(encoding).slice(0, 8)}…${hex(encoding).slice(-2)} (order ${orderOf(decodePoint(encoding)!)})`
    it(`${name}: keyProblem names the small order; the forged token is ERR_KEY_NOT_FOUND for EdDSA and Ed25519`, async () => {
      const jwk = okp(encoding, `small-${hex(encoding).slice(0, 6)}-${encoding[31]! >> 7}`)
      const verifier = verifierFor([jwk])
      for (const alg of ['EdDSA', 'Ed25519']) {
        await expectCode(verifier, forgeFor(encoding, jwk.kid!, alg).token, 'ERR_KEY_NOT_FOUND')
        expect(keyProblem(jwk, alg, algorithmSpec(alg)!)).toMatch(/small-order point/)
      }
    })
  }

  it('a small-order key beside a good one does not spoil the good one', async () => {
    const good = await makeKey('EdDSA', 'good-ed25519')
    const verifier = verifierFor([okp(IDENTITY, 'identity'), good.publicJwk])
    await expect(verifier.verify(await sign(good))).resolves.toMatchObject({ header: { kid: 'good-ed25519' } })
    await expectCode(verifier, forgeFor(IDENTITY, 'identity').token, 'ERR_KEY_NOT_FOUND')
  })
})

describe('legitimate Ed25519 keys still verify', () => {
  let rfc8037: TestKey
  beforeAll(async () => {
    const vector = readVectors<{ input: { key: jose.JWK } }>('jose-cookbook/rfc8037_ed25519_jws.json')
    const { d: _d, ...publicJwk } = vector.input.key
    rfc8037 = {
      alg: 'EdDSA',
      kid: 'rfc8037-a1',
      privateKey: (await jose.importJWK(vector.input.key, 'EdDSA')) as CryptoKey,
      publicJwk: { ...publicJwk, kid: 'rfc8037-a1', alg: 'EdDSA' },
    }
  })

  it('the RFC 8037 Appendix A key: an ID token it signs verifies, with alg EdDSA and Ed25519', async () => {
    expect(keyProblem(rfc8037.publicJwk, 'EdDSA', algorithmSpec('EdDSA')!)).toBeUndefined()
    const verifier = verifierFor([rfc8037.publicJwk])
    await expect(verifier.verify(await sign(rfc8037))).resolves.toMatchObject({ payload: { sub: 'user-1' } })
    await expect(verifier.verify(await sign(rfc8037, { header: { alg: 'Ed25519' } }))).resolves.toMatchObject({
      header: { alg: 'Ed25519' },
    })
  })

  it('fresh keys: 20 generated keys all pass keyProblem', async () => {
    for (let i = 0; i < 20; i++) {
      const key = await makeKey('EdDSA')
      expect(keyProblem(key.publicJwk, 'EdDSA', algorithmSpec('EdDSA')!)).toBeUndefined()
    }
  })
})
