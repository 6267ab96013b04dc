// keyProblem: a published JWK verifies a token only when it fits the algorithm (kty, crv, alg), is meant for
// verification (use, key_ops), is public, and is sound (RSA modulus and exponent, EC coordinates, no Ed25519
// small-order point). The reasons are not asserted word for word: only whether there is one.
import { describe, expect, it, beforeAll } from 'vitest'
import { algorithmSpec } from '../../../src/lib/algorithms.ts'
import { keyProblem, type Jwk } from '../../../src/lib/keys.ts'

type Keys = Record<'rsa' | 'rsa1024' | 'p256' | 'p384' | 'ed25519', JsonWebKey>
let keys: Keys

async function exported(params: RsaHashedKeyGenParams | EcKeyGenParams | Algorithm): Promise<JsonWebKey> {
  const pair = (await crypto.subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair
  // As a key set publishes it: without what WebCrypto's export adds (alg, key_ops, ext).
  const { alg: _, key_ops: __, ext: ___, ...published } = await crypto.subtle.exportKey('jwk', pair.publicKey)
  return published
}

beforeAll(async () => {
  const rsa = (modulusLength: number) =>
    exported({ name: 'RSASSA-PKCS1-v1_5', modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' })
  const [r2048, r1024, p256, p384, ed25519] = await Promise.all([
    rsa(2048),
    rsa(1024),
    exported({ name: 'ECDSA', namedCurve: 'P-256' }),
    exported({ name: 'ECDSA', namedCurve: 'P-384' }),
    exported({ name: 'Ed25519' }),
  ])
  keys = { rsa: r2048, rsa1024: r1024, p256, p384, ed25519 }
})

const b64u = (bytes: Uint8Array | number[]) => Buffer.from(bytes).toString('base64url')
const bytes = (value: string | undefined) => [...Buffer.from(value!, 'base64url')]

describe('keyProblem', () => {
  it.each<[string, (k: Keys) => object, string, boolean]>([
    ['an RSA key for RS256', (k) => k.rsa, 'RS256', false],
    ['an RSA key for PS512', (k) => k.rsa, 'PS512', false],
    ['a P-256 key for ES256', (k) => k.p256, 'ES256', false],
    ['a P-384 key for ES384', (k) => k.p384, 'ES384', false],
    ['an Ed25519 key for EdDSA', (k) => k.ed25519, 'EdDSA', false],
    ['an Ed25519 key for Ed25519', (k) => k.ed25519, 'Ed25519', false],
    // Fit to the algorithm.
    ['an EC key for RS256', (k) => k.p256, 'RS256', true],
    ['an RSA key for ES256', (k) => k.rsa, 'ES256', true],
    ['a P-384 key for ES256', (k) => k.p384, 'ES256', true],
    ['a P-256 key for ES384', (k) => k.p256, 'ES384', true],
    ['an Ed25519 key for ES256', (k) => k.ed25519, 'ES256', true],
    ['an EC key with the crv of Ed25519', (k) => ({ ...k.p256, crv: 'Ed25519' }), 'ES256', true],
    ['alg naming the algorithm', (k) => ({ ...k.rsa, alg: 'RS256' }), 'RS256', false],
    ['alg naming another one', (k) => ({ ...k.rsa, alg: 'RS384' }), 'RS256', true],
    ['alg EdDSA for an Ed25519 token', (k) => ({ ...k.ed25519, alg: 'EdDSA' }), 'Ed25519', false],
    ['alg Ed25519 for an EdDSA token', (k) => ({ ...k.ed25519, alg: 'Ed25519' }), 'EdDSA', false],
    ['alg not a string', (k) => ({ ...k.rsa, alg: 256 }), 'RS256', true],
    // Meant for verification.
    ['use sig', (k) => ({ ...k.p256, use: 'sig' }), 'ES256', false],
    ['use enc', (k) => ({ ...k.p256, use: 'enc' }), 'ES256', true],
    ['key_ops with verify', (k) => ({ ...k.p256, key_ops: ['verify'] }), 'ES256', false],
    ['key_ops without verify', (k) => ({ ...k.p256, key_ops: ['sign'] }), 'ES256', true],
    ['key_ops a string', (k) => ({ ...k.p256, key_ops: 'verify' }), 'ES256', true],
    // Public.
    ['a private EC key (d)', (k) => ({ ...k.p256, d: 'AAAA' }), 'ES256', true],
    ['a private RSA key (p)', (k) => ({ ...k.rsa, p: 'AAAA' }), 'RS256', true],
    ['a symmetric key member (k)', (k) => ({ ...k.rsa, k: 'AAAA' }), 'RS256', true],
    // Sound RSA.
    ['a 1024-bit modulus', (k) => k.rsa1024, 'RS256', true],
    ['e = 3', (k) => ({ ...k.rsa, e: b64u([3]) }), 'RS256', false],
    ['e = 1', (k) => ({ ...k.rsa, e: b64u([1]) }), 'RS256', true],
    ['an even e', (k) => ({ ...k.rsa, e: b64u([1, 0, 0]) }), 'RS256', true],
    ['e longer than 8 bytes', (k) => ({ ...k.rsa, e: b64u([1, 0, 0, 0, 0, 0, 0, 0, 1]) }), 'RS256', true],
    ['e with a leading zero byte', (k) => ({ ...k.rsa, e: b64u([0, 1, 0, 1]) }), 'RS256', true],
    ['n with a leading zero byte', (k) => ({ ...k.rsa, n: b64u([0, ...bytes(k.rsa.n)]) }), 'RS256', true],
    ['n missing', (k) => ({ ...k.rsa, n: undefined }), 'RS256', true],
    ['n not base64url', (k) => ({ ...k.rsa, n: 'a+b/' }), 'RS256', true],
    ['e empty', (k) => ({ ...k.rsa, e: '' }), 'RS256', true],
    // Sound EC and OKP.
    ['x one byte short', (k) => ({ ...k.p256, x: b64u(bytes(k.p256.x).slice(1)) }), 'ES256', true],
    ['y one byte long', (k) => ({ ...k.p256, y: b64u([0, ...bytes(k.p256.y)]) }), 'ES256', true],
    ['y missing', (k) => ({ ...k.p256, y: undefined }), 'ES256', true],
    ['an Ed25519 x of 31 bytes', (k) => ({ ...k.ed25519, x: b64u(bytes(k.ed25519.x).slice(1)) }), 'EdDSA', true],
    ['the Ed25519 identity point', (k) => ({ ...k.ed25519, x: b64u([1, ...new Array(31).fill(0)]) }), 'EdDSA', true],
    ['a small-order point (y = 0)', (k) => ({ ...k.ed25519, x: b64u(new Array(32).fill(0)) }), 'EdDSA', true],
    [
      'a small-order point with the sign bit set',
      (k) => ({ ...k.ed25519, x: b64u([...new Array(31).fill(0), 0x80]) }),
      'EdDSA',
      true,
    ],
    [
      'y = p + 1, a non-canonical 1',
      (k) => ({ ...k.ed25519, x: b64u([0xee, ...new Array(30).fill(0xff), 0x7f]) }),
      'EdDSA',
      true,
    ],
  ])('%s', (_, jwk, alg, problem) => {
    const reason = keyProblem(jwk(keys) as Jwk, alg, algorithmSpec(alg)!)
    expect(reason !== undefined).toBe(problem)
  })
})
