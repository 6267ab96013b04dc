// verifySignature's own checks, before WebCrypto sees a signature: raw r‖s of exact length with
// 1 ≤ r, s < n for ECDSA (CVE-2022-21449 "psychic signatures", DER confusion), 64 bytes for Ed25519, the
// modulus length for RSA. "Refused by the shape check" is observed as: false, and crypto.subtle.verify was
// never called; "shape accepted" as: crypto.subtle.verify was called.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { algorithmSpec, type AlgorithmSpec } from '../../../src/lib/algorithms.ts'
import { importVerifyKey, type Jwk } from '../../../src/lib/keys.ts'
import { startVerify, verifySignature } from '../../../src/lib/signature.ts'
import { createVerifier } from '../../../src/index.ts'
import { fakeIdp } from '../../helpers/idp.ts'
import { CLIENT, ISSUER, keysForAllAlgs, NOW, sign } from '../../helpers/issuer.ts'
import { hexBytes, readVectors } from '../../helpers/vectors.ts'

// The group orders n, in decimal as FIPS 186-4 App. D.1.2.3–D.1.2.5 prints them (SEC 2 v2 §2.4.2, §2.5.1,
// §2.6.1 give the same values in hex): written independently of the registry's hex strings.
const ORDERS: Readonly<Record<string, { crv: string; n: bigint }>> = {
  ES256: { crv: 'P-256', n: 115792089210356248762697446949407573529996955224135760342422259061068512044369n },
  ES384: {
    crv: 'P-384',
    n: 39402006196394479212279040100143613805079739270465446667946905279627659399113263569398956308152294913554433653942643n,
  },
  ES512: {
    crv: 'P-521',
    n: 6864797660130609714981900799081393217269435300143305409394463459185543183397655394245057746333217197532963996371363321113864768612440380340372808892707005449n,
  },
}
const ES_ALGS = ['ES256', 'ES384', 'ES512'] as const

const data = new TextEncoder().encode('signing input')

function toBigInt(bytes: Uint8Array): bigint {
  let value = 0n
  for (const byte of bytes) value = (value << 8n) | BigInt(byte)
  return value
}

function toBytes(value: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size)
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(value & 0xffn)
    value >>= 8n
  }
  if (value !== 0n) throw new Error('does not fit')
  return out
}

function rs(r: bigint, s: bigint, size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size * 2)
  out.set(toBytes(r, size), 0)
  out.set(toBytes(s, size), size)
  return out
}

/** DER SEQUENCE { INTEGER r, INTEGER s }: what a non-JOSE ECDSA signer emits. */
function der(r: bigint, s: bigint, size: number): Uint8Array<ArrayBuffer> {
  const integer = (value: bigint): number[] => {
    let bytes = [...toBytes(value, size)]
    while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.slice(1)
    if (bytes[0]! >= 0x80) bytes.unshift(0)
    return [0x02, ...length(bytes.length), ...bytes]
  }
  const length = (n: number): number[] => (n < 0x80 ? [n] : [0x81, n])
  const body = [...integer(r), ...integer(s)]
  return new Uint8Array([0x30, ...length(body.length), ...body])
}

interface EcFixture {
  readonly spec: AlgorithmSpec
  readonly size: number
  readonly n: bigint
  readonly publicKey: CryptoKey
  readonly r: bigint
  readonly s: bigint
}

const fixtures = new Map<string, EcFixture>()

beforeAll(async () => {
  for (const alg of ES_ALGS) {
    const spec = algorithmSpec(alg)!
    const { crv, n } = ORDERS[alg]!
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: crv }, true, ['sign', 'verify'])
    const signature = new Uint8Array(await crypto.subtle.sign(spec.verifyParams, pair.privateKey, data))
    const size = spec.ecdsa!.size
    // Import the public key the way the SDK does, from its JWK.
    const jwk = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as Jwk
    const publicKey = await importVerifyKey(jwk, spec)
    fixtures.set(alg, {
      spec,
      size,
      n,
      publicKey,
      r: toBigInt(signature.subarray(0, size)),
      s: toBigInt(signature.subarray(size)),
    })
  }
})

afterEach(() => {
  vi.restoreAllMocks()
})

/** Runs verifySignature and reports whether WebCrypto was reached. */
async function check(spec: AlgorithmSpec, key: CryptoKey, signature: Uint8Array<ArrayBuffer>) {
  const spy = vi.spyOn(crypto.subtle, 'verify')
  const result = await verifySignature(spec, key, signature, data)
  const reachedWebCrypto = spy.mock.calls.length > 0
  spy.mockRestore()
  return { result, reachedWebCrypto }
}

describe('the ECDSA group orders in the registry', () => {
  it.each(ES_ALGS)('%s: order equals the published n, left-padded to the signature half size', (alg) => {
    const ecdsa = algorithmSpec(alg)!.ecdsa!
    expect(ecdsa.order.length).toBe(ecdsa.size)
    expect(toBigInt(ecdsa.order)).toBe(ORDERS[alg]!.n)
    expect(ecdsa.size).toBe({ ES256: 32, ES384: 48, ES512: 66 }[alg])
  })

  it.each(ES_ALGS)('%s: WebCrypto agrees — (r, n − s) verifies exactly when (r, s) does', async (alg) => {
    // Negating s gives the other valid signature only modulo the real group order: an independent check
    // that the registry's n is the curve's, with WebCrypto's own curve arithmetic as the witness.
    const { spec, size, publicKey, r, s } = fixtures.get(alg)!
    const order = toBigInt(spec.ecdsa!.order)
    expect(await verifySignature(spec, publicKey, rs(r, s, size), data)).toBe(true)
    expect(await verifySignature(spec, publicKey, rs(r, order - s, size), data)).toBe(true)
    expect(await verifySignature(spec, publicKey, rs(r, order - s + 1n, size), data)).toBe(false)
  })
})

describe.each(ES_ALGS)('%s signature shape and range', (alg) => {
  const shapes = (f: EcFixture): Array<[string, Uint8Array<ArrayBuffer>, 'refused' | 'reaches WebCrypto']> => {
    const { n, r, s, size } = f
    const allOnes = (1n << BigInt(size * 8)) - 1n
    return [
      ['r = 0, s = 0 (psychic signature)', rs(0n, 0n, size), 'refused'],
      ['r = 0', rs(0n, s, size), 'refused'],
      ['s = 0', rs(r, 0n, size), 'refused'],
      ['r = n', rs(n, s, size), 'refused'],
      ['s = n', rs(r, n, size), 'refused'],
      ['r = n, s = n', rs(n, n, size), 'refused'],
      ['r = n + 1', rs(n + 1n, s, size), 'refused'],
      ['s = n + 1', rs(r, n + 1n, size), 'refused'],
      ['r = all ones', rs(allOnes, s, size), 'refused'],
      ['s = all ones', rs(r, allOnes, size), 'refused'],
      ['r = n − 1', rs(n - 1n, s, size), 'reaches WebCrypto'],
      ['s = n − 1', rs(r, n - 1n, size), 'reaches WebCrypto'],
      ['r = s = n − 1', rs(n - 1n, n - 1n, size), 'reaches WebCrypto'],
      ['r = 1, s = 1', rs(1n, 1n, size), 'reaches WebCrypto'],
    ]
  }

  it('refuses out-of-range r and s before WebCrypto, and lets n − 1 and 1 through to it', async () => {
    const f = fixtures.get(alg)!
    const problems: string[] = []
    for (const [name, signature, expected] of shapes(f)) {
      const { result, reachedWebCrypto } = await check(f.spec, f.publicKey, signature)
      if (result) problems.push(`${name}: verified`)
      if ((expected === 'reaches WebCrypto') !== reachedWebCrypto) {
        problems.push(`${name}: expected ${expected}, WebCrypto ${reachedWebCrypto ? 'was' : 'was not'} called`)
      }
    }
    expect(problems).toEqual([])
  })

  it('accepts the genuine signature and its high-S twin (JWS does not require low-S)', async () => {
    const { spec, publicKey, r, s, n, size } = fixtures.get(alg)!
    expect(await check(spec, publicKey, rs(r, s, size))).toEqual({ result: true, reachedWebCrypto: true })
    expect(await check(spec, publicKey, rs(r, n - s, size))).toEqual({ result: true, reachedWebCrypto: true })
  })

  it('refuses every length but 2 × the coordinate size, before WebCrypto', async () => {
    const { spec, publicKey, r, s, size } = fixtures.get(alg)!
    const genuine = rs(r, s, size)
    const lengths = [0, 1, size, size * 2 - 1, size * 2 + 1, size * 2 + 2, size * 4]
    const problems: string[] = []
    for (const length of lengths) {
      const signature = new Uint8Array(length)
      signature.set(genuine.subarray(0, Math.min(length, genuine.length)))
      const outcome = await check(spec, publicKey, signature)
      if (outcome.result || outcome.reachedWebCrypto) problems.push(`length ${length}: ${JSON.stringify(outcome)}`)
    }
    // The same r and s with a leading zero byte on each half, and with trailing zeros (Wycheproof "TrailingZeros").
    const padded = new Uint8Array([0, ...toBytes(r, size), 0, ...toBytes(s, size)])
    const trailing = new Uint8Array([...genuine, 0, 0])
    for (const [name, signature] of [
      ['zero-padded halves', padded],
      ['trailing zeros', trailing],
    ] as const) {
      const outcome = await check(spec, publicKey, signature)
      if (outcome.result || outcome.reachedWebCrypto) problems.push(`${name}: ${JSON.stringify(outcome)}`)
    }
    expect(problems).toEqual([])
  })

  it('refuses the DER encoding of the genuine signature', async () => {
    const { spec, publicKey, r, s, size } = fixtures.get(alg)!
    const encoded = der(r, s, size)
    expect(encoded[0]).toBe(0x30)
    expect(encoded.length).not.toBe(size * 2)
    expect(await check(spec, publicKey, encoded)).toEqual({ result: false, reachedWebCrypto: false })
  })
})

describe('Ed25519 and RSA signature lengths', () => {
  it('Ed25519: only 64-byte signatures reach WebCrypto', async () => {
    const spec = algorithmSpec('EdDSA')!
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair
    const key = await importVerifyKey((await crypto.subtle.exportKey('jwk', pair.publicKey)) as Jwk, spec)
    const genuine = new Uint8Array(await crypto.subtle.sign('Ed25519', pair.privateKey, data))
    expect(await check(spec, key, genuine)).toEqual({ result: true, reachedWebCrypto: true })
    expect(await check(spec, key, new Uint8Array([...genuine, 0]))).toEqual({ result: false, reachedWebCrypto: false })
    expect(await check(spec, key, genuine.slice(0, 63))).toEqual({ result: false, reachedWebCrypto: false })
    expect(await check(spec, key, new Uint8Array(0))).toEqual({ result: false, reachedWebCrypto: false })
  })

  it('RSA: only signatures of exactly the modulus length reach WebCrypto', async () => {
    // A Wycheproof 2048-bit RS256 key and one of its valid vectors (no key generation needed).
    interface Group {
      keyJwk: Jwk
      tests: Array<{ msg: string; sig: string; result: string }>
    }
    const file = readVectors<{ testGroups: Group[] }>('wycheproof/rsa_signature_2048_sha256_test.json')
    const group = file.testGroups[0]!
    const vector = group.tests.find((test) => test.result === 'valid')!
    const spec = algorithmSpec('RS256')!
    const key = await importVerifyKey(group.keyJwk, spec)
    const signature = hexBytes(vector.sig)
    const message = hexBytes(vector.msg)
    expect(signature.length).toBe(256)
    expect(await verifySignature(spec, key, signature, message)).toBe(true)
    for (const variant of [new Uint8Array([0, ...signature]), signature.slice(1), new Uint8Array([...signature, 0])]) {
      const spy = vi.spyOn(crypto.subtle, 'verify')
      expect(await verifySignature(spec, key, variant, message)).toBe(false)
      expect(spy).not.toHaveBeenCalled()
      spy.mockRestore()
    }
  })
})

// Some engines reject instead of resolving false for malformed input. The verifier awaits the raw promise (one
// promise step less, which Firefox's main thread feels), so both paths must still read a rejection as "not valid",
// and must not leave it unhandled when the payload fails while the crypto is in flight.
describe('a rejection from crypto.subtle.verify', () => {
  // A plain stand-in, not vi.spyOn: a spy observes the promises it returns, which would hide an unhandled one.
  const real = crypto.subtle.verify
  let calls = 0
  beforeEach(() => {
    calls = 0
    crypto.subtle.verify = () => {
      calls++
      return Promise.reject(new DOMException('bad', 'OperationError'))
    }
  })
  afterEach(() => {
    crypto.subtle.verify = real
  })

  it('is false from verifySignature, and a rejection from startVerify', async () => {
    const { spec, publicKey, r, s, size } = fixtures.get('ES256')!
    expect(await verifySignature(spec, publicKey, rs(r, s, size), data)).toBe(false)
    await expect(startVerify(spec, publicKey, rs(r, s, size), data)).rejects.toThrow('bad')
  })

  it('is ERR_SIGNATURE_INVALID from the verifier, key at hand or fetched, and is never left unhandled', async () => {
    const key = (await keysForAllAlgs()).ES256
    const idp = fakeIdp([key.publicJwk])
    const verifier = createVerifier({
      issuer: ISSUER,
      audience: CLIENT,
      jwksUri: `${ISSUER}/jwks`,
      algorithms: ['ES256'],
      fetch: idp.fetch,
      cache: 'memory',
      now: () => NOW,
    })
    const token = await sign(key)
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      // The first call fetches the key set (cold path), the second finds the key ready (hot path).
      for (let i = 0; i < 2; i++) {
        await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID' })
      }
      // A bad payload fails while the crypto is in flight: still the payload's error.
      const [header, , signature] = token.split('.')
      await expect(verifier.verify(`${header}.e30=.${signature}`)).rejects.toMatchObject({
        code: 'ERR_TOKEN_MALFORMED',
        message: 'the payload is not exact base64url',
      })
      expect(calls).toBe(3)
      crypto.subtle.verify = real
      expect((await verifier.verify(token)).payload.sub).toBe('user-1')
      await new Promise((resolve) => setTimeout(resolve, 10))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})
