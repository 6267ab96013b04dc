// The attack classes the field learned the hard way, each pinned to the exact IdTokenError code.
// Every forged token is otherwise well-formed and correctly signed over its own bytes, so that the one
// property a test is about is the only reason for the rejection (the "control" tests show the rest passes).
import {
  createHash,
  createHmac,
  createPublicKey,
  generateKeyPairSync,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto'
import * as jose from 'jose'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { createVerifier, type IdTokenVerifier } from '../src/index.ts'
import {
  ALGS,
  CLIENT,
  defaultClaims,
  ISSUER,
  keysForAllAlgs,
  makeKey,
  NOW,
  sign,
  type Alg,
  type TestKey,
} from './helpers/issuer.ts'
import { harness, type HarnessOptions } from './helpers/harness.ts'
import { type FakeIdp } from './helpers/idp.ts'
import {
  b64u,
  bigintToBytes,
  bytesToBigint,
  CURVE_ORDER,
  ECDSA_SIZE,
  expectCode,
  forge,
  joseLaxDecode,
  rawToDer,
  sameBytes,
  segment,
  signatureBytes,
  signSegments,
  unb64u,
  withSignature,
} from './helpers/forge.ts'

const ECDSA_ALGS = ['ES256', 'ES384', 'ES512'] as const
const encoder = new TextEncoder()

let keys: Record<Alg, TestKey>
let idp: FakeIdp
let verifier: IdTokenVerifier

// cooldown 0: many tests here use unknown kids, and a refetch inside the cooldown would wait in real time.
const setup = (jwks: jose.JWK[], discovery: Record<string, unknown> = {}, options: HarnessOptions = {}) =>
  harness({ keys: jwks, discovery }, { cooldown: 0, ...options })

beforeAll(async () => {
  keys = await keysForAllAlgs()
  ;({ idp, verifier } = setup(ALGS.map((alg) => keys[alg].publicJwk)))
})

/** Every request the verifier made went to the configured issuer's discovery document or key set. */
function expectOnlyIssuerRequests(target: FakeIdp): void {
  for (const url of target.requests) {
    expect([`${ISSUER}/.well-known/openid-configuration`, `${ISSUER}/jwks`]).toContain(url)
  }
}

describe('control', () => {
  it('a correctly signed token of every algorithm verifies with this setup', async () => {
    for (const alg of ALGS) {
      await expect(verifier.verify(await sign(keys[alg]))).resolves.toMatchObject({ payload: { sub: 'user-1' } })
      await expect(verifier.verify(await forge(keys[alg]))).resolves.toMatchObject({ header: { alg } })
    }
  })
})

describe('alg: none', () => {
  for (const spelling of ['none', 'None', 'NONE', 'nOnE']) {
    it(`"${spelling}" with an empty signature is ERR_ALG_NOT_ALLOWED`, async () => {
      const token = `${segment({ alg: spelling, typ: 'JWT' })}.${segment(defaultClaims())}.`
      await expectCode(verifier, token, 'ERR_ALG_NOT_ALLOWED')
    })
    it(`"${spelling}" with a non-empty signature (and a real kid) is ERR_ALG_NOT_ALLOWED`, async () => {
      const real = await sign(keys.RS256)
      const token = withSignature(
        `${segment({ alg: spelling, kid: keys.RS256.kid })}.${segment(defaultClaims())}.x`,
        signatureBytes(real),
      )
      await expectCode(verifier, token, 'ERR_ALG_NOT_ALLOWED')
    })
  }

  it('other near-miss alg values are refused too (case, whitespace, unknown, non-string)', async () => {
    const payload = segment(defaultClaims())
    for (const alg of ['rs256', 'RS256 ', ' RS256', 'Rs256', 'ES256K', 'Ed448', 'EDDSA', 'ed25519', 'RSA-OAEP', '']) {
      await expectCode(verifier, `${segment({ alg, kid: keys.RS256.kid })}.${payload}.AAAA`, 'ERR_ALG_NOT_ALLOWED')
    }
    for (const alg of [null, 5, ['RS256'], { RS256: true }]) {
      await expectCode(verifier, `${segment({ alg, kid: keys.RS256.kid })}.${payload}.AAAA`, 'ERR_TOKEN_MALFORMED')
    }
    await expectCode(verifier, `${segment({ kid: keys.RS256.kid })}.${payload}.AAAA`, 'ERR_TOKEN_MALFORMED')
  })

  it('"none" cannot even be configured', () => {
    expect(() => createVerifier({ issuer: ISSUER, audience: CLIENT, algorithms: ['none' as 'RS256'] })).toThrow(
      TypeError,
    )
  })
})

describe('HMAC keyed with the RSA public key (algorithm confusion)', () => {
  let secrets: Array<[string, string | Uint8Array]>
  beforeAll(() => {
    const publicKey = createPublicKey({ key: keys.RS256.publicJwk as import('node:crypto').JsonWebKey, format: 'jwk' })
    secrets = [
      ['SPKI PEM', publicKey.export({ type: 'spki', format: 'pem' }) as string],
      ['PKCS#1 PEM', publicKey.export({ type: 'pkcs1', format: 'pem' }) as string],
      ['SPKI DER', new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }))],
      ['JWK JSON', JSON.stringify(keys.RS256.publicJwk)],
      ['modulus bytes', unb64u(keys.RS256.publicJwk.n!)],
    ]
  })

  function hmacToken(alg: 'HS256' | 'HS384' | 'HS512', secret: string | Uint8Array): string {
    const signingInput = `${segment({ alg, kid: keys.RS256.kid, typ: 'JWT' })}.${segment(defaultClaims())}`
    const mac = createHmac(`sha${alg.slice(2)}`, secret)
      .update(signingInput)
      .digest()
    return `${signingInput}.${b64u(new Uint8Array(mac))}`
  }

  for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
    it(`${alg} with the public key as secret (PEM, DER, JWK JSON, modulus) is ERR_ALG_NOT_ALLOWED`, async () => {
      for (const [, secret] of secrets) await expectCode(verifier, hmacToken(alg, secret), 'ERR_ALG_NOT_ALLOWED')
    })
  }

  it('is still refused when the discovery document announces HS256/HS384/HS512', async () => {
    const { verifier: v } = setup(idp.keys, {
      id_token_signing_alg_values_supported: ['HS256', 'HS384', 'HS512', 'RS256'],
    })
    await expect(v.verify(await sign(keys.RS256))).resolves.toBeDefined()
    for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
      await expectCode(v, hmacToken(alg, secrets[0]![1]), 'ERR_ALG_NOT_ALLOWED')
    }
  })

  it('a misconfigured allowlist with HS* is a TypeError at createVerifier', () => {
    for (const algorithms of [['HS256'], ['RS256', 'HS256'], ['HS384'], ['HS512']]) {
      expect(() => createVerifier({ issuer: ISSUER, audience: CLIENT, algorithms: algorithms as ['RS256'] })).toThrow(
        TypeError,
      )
    }
  })
})

describe('ECDSA signature shape', () => {
  for (const alg of ECDSA_ALGS) {
    const size = ECDSA_SIZE[alg]
    const n = (): Uint8Array => bigintToBytes(CURVE_ORDER[alg], size)

    it(`${alg}: psychic signatures (r = s = 0, r = s = n, and zero/n halves) are ERR_SIGNATURE_INVALID`, async () => {
      const token = await sign(keys[alg])
      const real = signatureBytes(token)
      const r = real.subarray(0, size)
      const s = real.subarray(size)
      const zero = new Uint8Array(size)
      const candidates = [
        [zero, zero],
        [n(), n()],
        [zero, s],
        [r, zero],
        [n(), s],
        [r, n()],
        [bigintToBytes(CURVE_ORDER[alg] + 1n, size), s], // r > n (fits in the size for every curve)
      ]
      // Out-of-range r or s must be refused before any engine sees it (CVE-2022-21449 was an engine bug).
      const subtleVerify = vi.spyOn(crypto.subtle, 'verify')
      try {
        for (const [a, b] of candidates) {
          await expectCode(verifier, withSignature(token, new Uint8Array([...a!, ...b!])), 'ERR_SIGNATURE_INVALID')
        }
        expect(subtleVerify).not.toHaveBeenCalled()
        await expect(verifier.verify(token)).resolves.toBeDefined()
        expect(subtleVerify).toHaveBeenCalledTimes(1)
      } finally {
        subtleVerify.mockRestore()
      }
    })

    it(`${alg}: the DER encoding of a valid signature is ERR_SIGNATURE_INVALID`, async () => {
      const token = await sign(keys[alg])
      const der = rawToDer(signatureBytes(token))
      // The DER form really is a valid signature of the same input (node:crypto's default encoding).
      const publicKey = createPublicKey({ key: keys[alg].publicJwk as import('node:crypto').JsonWebKey, format: 'jwk' })
      const input = token.slice(0, token.lastIndexOf('.'))
      expect(nodeVerify(`sha${alg === 'ES512' ? 512 : alg.slice(2)}`, Buffer.from(input), publicKey, der)).toBe(true)
      await expectCode(verifier, withSignature(token, der), 'ERR_SIGNATURE_INVALID')
    })

    it(`${alg}: high-S signatures are accepted (pinned: WebCrypto accepts them and RFC 7518 does not forbid them)`, async () => {
      // ECDSA signatures are malleable: (r, s) and (r, n − s) both verify. JWS has no low-S rule (unlike
      // Bitcoin's BIP 62); token replay is handled by nonce/exp, not by signature uniqueness.
      const token = await sign(keys[alg])
      const real = signatureBytes(token)
      const s = bytesToBigint(real.subarray(size))
      const flipped = new Uint8Array([...real.subarray(0, size), ...bigintToBytes(CURVE_ORDER[alg] - s, size)])
      const high = s > CURVE_ORDER[alg] / 2n ? real : flipped
      expect(bytesToBigint(high.subarray(size)) > CURVE_ORDER[alg] / 2n).toBe(true)
      await expect(verifier.verify(token)).resolves.toBeDefined()
      await expect(verifier.verify(withSignature(token, flipped))).resolves.toBeDefined()
    })
  }
})

describe('wrong-length signatures', () => {
  for (const alg of ALGS) {
    it(`${alg}: truncated, extended by zero bytes, or zero-prefixed is ERR_SIGNATURE_INVALID`, async () => {
      const token = await sign(keys[alg])
      const real = signatureBytes(token)
      const variants = [
        real.subarray(0, real.length - 1),
        real.subarray(1),
        real.subarray(0, real.length >> 1),
        new Uint8Array([...real, 0]),
        new Uint8Array([...real, 0, 0]),
        new Uint8Array([0, ...real]), // same integer for RSA: still refused, the length must be exact
        new Uint8Array([...real, ...real]),
        new Uint8Array([1]),
      ]
      for (const signature of variants) {
        await expectCode(verifier, withSignature(token, signature), 'ERR_SIGNATURE_INVALID')
      }
      await expectCode(verifier, withSignature(token, ''), 'ERR_TOKEN_MALFORMED')
    })
  }
})

describe('weak or mismatched keys in the key set', () => {
  let weak: FakeIdp
  let weakVerifier: IdTokenVerifier
  let rsa1024Token: string
  let e1Token: string
  let ed448Token: string
  let privateD: string

  beforeAll(async () => {
    // RSA 1024: jose refuses to sign with it, so node:crypto does.
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 })
    const smallJwk = { ...small.publicKey.export({ format: 'jwk' }), kid: 'rsa-1024', alg: 'RS256', use: 'sig' }
    const smallInput = `${segment({ alg: 'RS256', kid: 'rsa-1024', typ: 'JWT' })}.${segment(defaultClaims())}`
    const smallSig = nodeSign('sha256', Buffer.from(smallInput), small.privateKey)
    expect(nodeVerify('sha256', Buffer.from(smallInput), small.publicKey, smallSig)).toBe(true)
    rsa1024Token = `${smallInput}.${b64u(new Uint8Array(smallSig))}`

    // e = 1: the "signature" is just the PKCS#1 v1.5 encoded message, forgeable without any private key.
    const e1Jwk = { ...keys.RS256.publicJwk, e: 'AQ', kid: 'rsa-e1' }
    const e1Input = `${segment({ alg: 'RS256', kid: 'rsa-e1', typ: 'JWT' })}.${segment(defaultClaims())}`
    const k = unb64u(e1Jwk.n!).length
    const digestInfo = Buffer.concat([
      Buffer.from('3031300d060960864801650304020105000420', 'hex'),
      createHash('sha256').update(e1Input).digest(),
    ])
    const em = new Uint8Array(k).fill(0xff)
    em[0] = 0
    em[1] = 1
    em[k - digestInfo.length - 1] = 0
    em.set(digestInfo, k - digestInfo.length)
    e1Token = `${e1Input}.${b64u(em)}`
    // The forgery is real: WebCrypto imports the e = 1 key and accepts the forged signature.
    const e1Key = await crypto.subtle.importKey(
      'jwk',
      { kty: 'RSA', n: e1Jwk.n!, e: 'AQ' },
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['verify'],
    )
    expect(await crypto.subtle.verify('RSASSA-PKCS1-v1_5', e1Key, em, encoder.encode(e1Input))).toBe(true)

    // Ed448 (OKP, but not the curve EdDSA means here).
    const ed448 = generateKeyPairSync('ed448')
    const ed448Input = `${segment({ alg: 'EdDSA', kid: 'ed448', typ: 'JWT' })}.${segment(defaultClaims())}`
    ed448Token = `${ed448Input}.${b64u(new Uint8Array(nodeSign(null, Buffer.from(ed448Input), ed448.privateKey)))}`

    const privateJwk = await jose.exportJWK(keys.RS256.privateKey)
    privateD = privateJwk.d!
    const noAlg = (jwk: jose.JWK): jose.JWK => {
      const { alg: _alg, ...rest } = jwk
      return rest
    }
    ;({ idp: weak, verifier: weakVerifier } = setup([
      smallJwk,
      e1Jwk,
      { ...noAlg(keys.ES384.publicJwk), kid: 'wrong-curve' }, // P-384 key for an ES256 token
      { ...noAlg(keys.ES384.publicJwk), crv: 'P-256', kid: 'crv-lies' }, // says P-256, has P-384 coordinates
      { ...noAlg(keys.RS256.publicJwk), kid: 'rsa-for-ec' },
      { ...keys.RS256.publicJwk, use: 'enc', kid: 'use-enc' },
      { ...keys.RS256.publicJwk, key_ops: ['sign'], kid: 'ops-sign' },
      { ...keys.RS256.publicJwk, key_ops: ['encrypt', 'wrapKey'], kid: 'ops-encrypt' },
      { ...keys.RS256.publicJwk, key_ops: 'verify', kid: 'ops-string' },
      { ...keys.PS256.publicJwk, alg: 'RS256', kid: 'alg-rs-for-ps' },
      { ...privateJwk, kid: 'private-jwk', alg: 'RS256', use: 'sig' },
      { ...ed448.publicKey.export({ format: 'jwk' }), kid: 'ed448' },
      { ...keys.RS256.publicJwk, key_ops: ['verify'], kid: 'good-copy' },
    ] as unknown as jose.JWK[]))
  })

  it('control: a well-formed copy of a key (use sig, key_ops [verify]) verifies', async () => {
    await expect(weakVerifier.verify(await sign({ ...keys.RS256, kid: 'good-copy' }))).resolves.toBeDefined()
  })

  it('an RSA key below 2048 bits is ERR_KEY_NOT_FOUND, though its signature is valid', async () => {
    await expectCode(weakVerifier, rsa1024Token, 'ERR_KEY_NOT_FOUND')
  })

  it('an RSA key with e = 1 is ERR_KEY_NOT_FOUND (a forged PKCS#1 block would otherwise verify)', async () => {
    await expectCode(weakVerifier, e1Token, 'ERR_KEY_NOT_FOUND')
  })

  it('an EC key on the wrong curve, or with coordinates that do not fit its crv, is ERR_KEY_NOT_FOUND', async () => {
    await expectCode(weakVerifier, await sign({ ...keys.ES256, kid: 'wrong-curve' }), 'ERR_KEY_NOT_FOUND')
    await expectCode(weakVerifier, await sign({ ...keys.ES256, kid: 'crv-lies' }), 'ERR_KEY_NOT_FOUND')
    await expectCode(weakVerifier, await sign({ ...keys.ES256, kid: 'rsa-for-ec' }), 'ERR_KEY_NOT_FOUND')
  })

  it('a key with use "enc" or key_ops without "verify" is ERR_KEY_NOT_FOUND', async () => {
    for (const kid of ['use-enc', 'ops-sign', 'ops-encrypt', 'ops-string']) {
      await expectCode(weakVerifier, await sign({ ...keys.RS256, kid }), 'ERR_KEY_NOT_FOUND')
    }
  })

  it('a key whose alg is RS256 does not verify a PS256 token (same RSA key pair)', async () => {
    await expectCode(weakVerifier, await sign({ ...keys.PS256, kid: 'alg-rs-for-ps' }), 'ERR_KEY_NOT_FOUND')
  })

  it('a private JWK served in the set is ERR_KEY_NOT_FOUND, and the error carries no key material', async () => {
    const error = await expectCode(
      weakVerifier,
      await sign({ ...keys.RS256, kid: 'private-jwk' }),
      'ERR_KEY_NOT_FOUND',
      { secrets: [privateD] },
    )
    expect(JSON.stringify(error)).not.toContain(privateD)
  })

  it('an OKP Ed448 key for an EdDSA token is ERR_KEY_NOT_FOUND', async () => {
    await expectCode(weakVerifier, ed448Token, 'ERR_KEY_NOT_FOUND')
  })

  it('none of these cases made the verifier fetch anything but the configured documents', () => {
    expectOnlyIssuerRequests(weak)
  })
})

describe('key headers in the token are never trusted or fetched', () => {
  let attacker: TestKey
  beforeAll(async () => {
    attacker = await makeKey('ES256', 'attacker')
  })

  it('an embedded "jwk" with a kid that is not in the set is ERR_KEY_NOT_FOUND', async () => {
    const token = await sign(attacker, { header: { jwk: attacker.publicJwk } })
    await expectCode(verifier, token, 'ERR_KEY_NOT_FOUND')
  })

  it('an embedded "jwk" with the kid of a real key (or no kid) is ERR_SIGNATURE_INVALID', async () => {
    await expectCode(
      verifier,
      await sign({ ...attacker, kid: keys.ES256.kid }, { header: { jwk: attacker.publicJwk } }),
      'ERR_SIGNATURE_INVALID',
    )
    const noKid = await forge(attacker, { kid: undefined, jwk: attacker.publicJwk })
    await expectCode(verifier, noKid, 'ERR_SIGNATURE_INVALID')
  })

  it('"jku", "x5u" and "x5c" pointing at an attacker are never requested', async () => {
    const { idp: target, verifier: v } = setup(idp.keys)
    const evil = {
      jku: 'https://attacker.example/jwks.json',
      x5u: 'https://attacker.example/cert.pem',
      x5c: [b64u(new Uint8Array(64))],
      jwk: attacker.publicJwk,
    }
    await expectCode(v, await sign(attacker, { header: evil }), 'ERR_KEY_NOT_FOUND')
    await expectCode(v, await sign({ ...attacker, kid: keys.ES256.kid }, { header: evil }), 'ERR_SIGNATURE_INVALID')
    await expectCode(
      v,
      await sign({ ...attacker, kid: keys.ES256.kid }, { header: { jku: `${ISSUER}/jwks` } }),
      'ERR_SIGNATURE_INVALID',
    )
    // A genuine token that merely carries such headers verifies with the configured key set; they are ignored.
    await expect(v.verify(await sign(keys.ES256, { header: evil }))).resolves.toBeDefined()
    expect(target.requests.length).toBeGreaterThan(0)
    expect(target.requests.some((url) => url.includes('attacker'))).toBe(false)
    expectOnlyIssuerRequests(target)
  })
})

describe('header members a verifier must refuse', () => {
  it('"crit" in any form is ERR_HEADER_UNSUPPORTED', async () => {
    for (const header of [
      { crit: ['exp'], exp: 1 },
      { crit: ['b64'], b64: true },
      { crit: [] },
      { crit: 'x' },
      { crit: null },
    ]) {
      await expectCode(verifier, await forge(keys.ES256, header), 'ERR_HEADER_UNSUPPORTED')
    }
  })

  it('"b64": false (with or without crit) is ERR_HEADER_UNSUPPORTED', async () => {
    await expectCode(verifier, await forge(keys.ES256, { b64: false }), 'ERR_HEADER_UNSUPPORTED')
    await expectCode(verifier, await forge(keys.ES256, { b64: false, crit: ['b64'] }), 'ERR_HEADER_UNSUPPORTED')
    await expectCode(verifier, await forge(keys.ES256, { b64: 'false' }), 'ERR_HEADER_UNSUPPORTED')
  })

  it('"typ" of another token kind is ERR_HEADER_UNSUPPORTED', async () => {
    for (const typ of [
      'at+jwt',
      'logout+jwt',
      'application/at+jwt',
      'AT+JWT',
      'secevent+jwt',
      'dpop+jwt',
      'jwt ',
      '',
    ]) {
      await expectCode(verifier, await forge(keys.ES256, { typ }), 'ERR_HEADER_UNSUPPORTED')
    }
    await expectCode(verifier, await forge(keys.ES256, { typ: 5 }), 'ERR_TOKEN_MALFORMED')
  })

  it('"typ" JWT / jwt / application/jwt (any case) or absent is accepted', async () => {
    for (const typ of ['JWT', 'jwt', 'application/jwt', 'Application/JWT', undefined]) {
      await expect(verifier.verify(await forge(keys.ES256, { typ }))).resolves.toBeDefined()
    }
  })
})

describe('token structure', () => {
  it('a five-part JWE is ERR_TOKEN_MALFORMED', async () => {
    const jwe = await new jose.CompactEncrypt(encoder.encode(JSON.stringify(defaultClaims())))
      .setProtectedHeader({ alg: 'dir', enc: 'A128GCM', kid: keys.RS256.kid })
      .encrypt(new Uint8Array(16))
    expect(jwe.split('.')).toHaveLength(5)
    await expectCode(verifier, jwe, 'ERR_TOKEN_MALFORMED')
  })

  it('one, two, four or five parts are ERR_TOKEN_MALFORMED', async () => {
    const token = await sign(keys.RS256)
    const [h, p, s] = token.split('.') as [string, string, string]
    for (const bad of [
      '',
      '.',
      '..x',
      `${h}`,
      `${h}.${p}`,
      `${h}.${p}.${s}.`,
      `${h}.${p}.${s}.${s}`,
      `${h}.${p}..${s}`,
      `${token}.${p}.${s}`,
      `.${p}.${s}`,
      `${h}..${s}`,
    ]) {
      await expectCode(verifier, bad, 'ERR_TOKEN_MALFORMED')
    }
  })
})

describe('lax base64url', () => {
  type Variant = (segment: string) => string
  const canonicalTail = (seg: string): boolean => seg.length % 4 === 2 || seg.length % 4 === 3
  const VARIANTS: Record<string, Variant> = {
    'padding "="': (seg) => seg + '='.repeat((4 - (seg.length % 4)) % 4),
    'padding plus one "=" more': (seg) => `${seg}${'='.repeat((4 - (seg.length % 4)) % 4)}=`,
    '"+" and "/" for "-" and "_"': (seg) => seg.replace(/-/g, '+').replace(/_/g, '/'),
    'a space inside': (seg) => `${seg.slice(0, 8)} ${seg.slice(8)}`,
    'a newline inside': (seg) => `${seg.slice(0, 8)}\n${seg.slice(8)}`,
    'CRLF inside': (seg) => `${seg.slice(0, 8)}\r\n${seg.slice(8)}`,
    'a tab at the end': (seg) => `${seg}\t`,
    'a non-canonical last character': (seg) => {
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
      return seg.slice(0, -1) + alphabet[alphabet.indexOf(seg.at(-1)!) | 1]
    },
  }

  // Header/payload JSON whose segment has a partial last quantum and both "-" and "_" in it,
  // so every variant really changes the spelling.
  function suitable(build: (filler: string) => unknown): string {
    for (let i = 0; i < 12; i++) {
      const seg = segment(build(`${'a'.repeat(i)}???>>>`))
      if (canonicalTail(seg) && seg.includes('-') && seg.includes('_')) return seg
    }
    throw new Error('no suitable segment')
  }

  for (const [name, variant] of Object.entries(VARIANTS)) {
    it(`${name}: in the header, the payload or the signature is ERR_TOKEN_MALFORMED`, async () => {
      const key = keys.ES256
      const header = suitable((x) => ({ alg: 'ES256', kid: key.kid, typ: 'JWT', x }))
      const payload = suitable((x) => ({ ...defaultClaims(), x }))
      expect(variant(header)).not.toBe(header)
      // Control: the canonical spelling verifies.
      await expect(verifier.verify(await signSegments(key, header, payload))).resolves.toBeDefined()
      // The lax spelling, correctly signed over its own characters.
      await expectCode(verifier, await signSegments(key, variant(header), payload), 'ERR_TOKEN_MALFORMED')
      await expectCode(verifier, await signSegments(key, header, variant(payload)), 'ERR_TOKEN_MALFORMED')

      // The signature of a valid token, respelled.
      for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
        let token = await signSegments(keys[alg], segment({ alg, kid: keys[alg].kid }), payload)
        for (let jti = 0; !/[-_]/.test(token.slice(token.lastIndexOf('.') + 1)); jti++) {
          token = await signSegments(
            keys[alg],
            segment({ alg, kid: keys[alg].kid }),
            segment({ ...defaultClaims(), jti: `${jti}` }),
          )
        }
        const sig = token.slice(token.lastIndexOf('.') + 1)
        expect(canonicalTail(sig)).toBe(true)
        await expect(verifier.verify(token)).resolves.toBeDefined()
        await expectCode(verifier, withSignature(token, variant(sig)), 'ERR_TOKEN_MALFORMED')
      }
    })
  }

  it('the non-canonical signature spelling decodes to the same bytes under a lax decoder (so the check matters)', async () => {
    const token = await sign(keys.EdDSA)
    const sig = token.slice(token.lastIndexOf('.') + 1)
    const respelled = VARIANTS['a non-canonical last character']!(sig)
    expect(respelled).not.toBe(sig)
    expect(sameBytes(joseLaxDecode(respelled), signatureBytes(token))).toBe(true)
  })
})

describe('header and payload bytes', () => {
  const claimsJson = (): string => JSON.stringify({ ...defaultClaims(), x: 'Z' })
  const withByte = (json: string, bytes: number[]): Uint8Array => {
    const raw = encoder.encode(json)
    const at = raw.indexOf('Z'.charCodeAt(0))
    return new Uint8Array([...raw.subarray(0, at), ...bytes, ...raw.subarray(at + 1)])
  }
  const BAD_UTF8: Record<string, number[]> = {
    'a lone 0xFF': [0xff],
    'an overlong "/"': [0xc0, 0xaf],
    'an encoded surrogate': [0xed, 0xa0, 0x80],
    'a truncated sequence': [0xe2, 0x82],
    'a lone continuation byte': [0x80],
  }

  for (const [name, bytes] of Object.entries(BAD_UTF8)) {
    it(`${name} in the header or the payload is ERR_TOKEN_MALFORMED`, async () => {
      const key = keys.ES256
      const header = JSON.stringify({ alg: 'ES256', kid: key.kid, x: 'Z' })
      await expectCode(
        verifier,
        await signSegments(key, segment(withByte(header, bytes)), segment(claimsJson())),
        'ERR_TOKEN_MALFORMED',
      )
      await expectCode(
        verifier,
        await signSegments(key, segment(header), segment(withByte(claimsJson(), bytes))),
        'ERR_TOKEN_MALFORMED',
      )
    })
  }

  it('control: valid multi-byte UTF-8 in a claim verifies', async () => {
    const key = keys.ES256
    const token = await signSegments(
      key,
      segment({ alg: 'ES256', kid: key.kid }),
      segment(withByte(claimsJson(), [0xe2, 0x82, 0xac])),
    )
    await expect(verifier.verify(token)).resolves.toMatchObject({ payload: { x: '€' } })
  })

  it('a BOM before the header or payload JSON is ERR_TOKEN_MALFORMED', async () => {
    const key = keys.ES256
    const bom = (json: string): Uint8Array => new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode(json)])
    const header = JSON.stringify({ alg: 'ES256', kid: key.kid })
    await expectCode(
      verifier,
      await signSegments(key, segment(bom(header)), segment(claimsJson())),
      'ERR_TOKEN_MALFORMED',
    )
    await expectCode(
      verifier,
      await signSegments(key, segment(header), segment(bom(claimsJson()))),
      'ERR_TOKEN_MALFORMED',
    )
  })

  it('JSON that is not an object (array, string, null, number, boolean) or not JSON is ERR_TOKEN_MALFORMED', async () => {
    const key = keys.ES256
    const header = segment({ alg: 'ES256', kid: key.kid })
    for (const text of [
      '[]',
      '[{"alg":"ES256"}]',
      '"ES256"',
      'null',
      '42',
      'true',
      '',
      ' ',
      '{"alg":"ES256"',
      '{alg:"ES256"}',
      "{'alg':'ES256'}",
      '{"alg":"ES256"}x',
      '{"alg":"ES256",}',
    ]) {
      await expectCode(verifier, await signSegments(key, segment(text), segment(claimsJson())), 'ERR_TOKEN_MALFORMED')
      await expectCode(verifier, await signSegments(key, header, segment(text)), 'ERR_TOKEN_MALFORMED')
    }
  })
})

describe('claims of the wrong type are ERR_TOKEN_MALFORMED with the claim named', () => {
  // Raw JSON text, so that values JSON.stringify cannot write (1e400) reach the parser.
  const CASES: Array<[claim: string, json: string]> = [
    ['exp', '"1800000600"'],
    ['exp', '1e400'],
    ['exp', '-1e400'],
    ['exp', 'null'],
    ['exp', '[1800000600]'],
    ['exp', 'true'],
    ['iat', '"1800000000"'],
    ['iat', '1e999'],
    ['nbf', '"0"'],
    ['nbf', '{}'],
    ['auth_time', '"1800000000"'],
    ['aud', '42'],
    ['aud', '["client-1", 42]'],
    ['aud', '[["client-1"]]'],
    ['aud', 'null'],
    ['aud', '{"0":"client-1"}'],
    ['sub', '42'],
    ['sub', 'null'],
    ['sub', '["user-1"]'],
    ['iss', '["https://issuer.example.test"]'],
    ['nonce', '["n-1"]'],
    ['nonce', '1'],
    ['azp', '1'],
    ['at_hash', 'true'],
    ['c_hash', '{}'],
    ['acr', '0'],
    ['amr', '"pwd"'],
    ['amr', '["pwd", 1]'],
    ['sid', '1'],
    ['jti', '[]'],
  ]
  for (const [claim, json] of CASES) {
    it(`${claim}: ${json}`, async () => {
      const base = { ...defaultClaims() }
      delete base[claim]
      const text = `${JSON.stringify(base).slice(0, -1)},"${claim}":${json}}`
      const token = await signSegments(keys.ES256, segment({ alg: 'ES256', kid: keys.ES256.kid }), segment(text))
      await expectCode(verifier, token, 'ERR_TOKEN_MALFORMED', { claim })
    })
  }
})

describe('claims of the right type with bad values are ERR_CLAIM_INVALID with the claim named', () => {
  const CASES: Array<[name: string, claims: Record<string, unknown>, claim: string]> = [
    ['empty sub', { sub: '' }, 'sub'],
    ['aud []', { aud: [] }, 'aud'],
    ['aud of another client', { aud: 'client-2' }, 'aud'],
    ['aud that only starts with the client id', { aud: `${CLIENT}x` }, 'aud'],
    ['a foreign azp', { azp: 'client-2' }, 'azp'],
    ['a foreign azp with several aud', { aud: [CLIENT, 'client-2'], azp: 'client-2' }, 'azp'],
    ['several aud without azp', { aud: [CLIENT, 'client-2'] }, 'azp'],
    ['iss with a trailing slash', { iss: `${ISSUER}/` }, 'iss'],
    ['iss in another case', { iss: ISSUER.toUpperCase() }, 'iss'],
  ]
  for (const [name, claims, claim] of CASES) {
    it(name, async () => {
      await expectCode(verifier, await sign(keys.ES256, { claims }), 'ERR_CLAIM_INVALID', { claim })
    })
  }
  for (const claim of ['iss', 'sub', 'aud', 'exp', 'iat']) {
    it(`a missing ${claim}`, async () => {
      await expectCode(verifier, await sign(keys.ES256, { omit: [claim] }), 'ERR_CLAIM_INVALID', { claim })
    })
  }
  it('control: several aud with our azp verifies', async () => {
    await expect(
      verifier.verify(await sign(keys.ES256, { claims: { aud: ['client-2', CLIENT], azp: CLIENT } })),
    ).resolves.toBeDefined()
  })
})

describe('oversized and non-string input', () => {
  it('a 1 MB token is ERR_TOKEN_MALFORMED at once, before any fetch', async () => {
    const { idp: target, verifier: v } = setup(idp.keys)
    const huge = `${segment({ alg: 'RS256', kid: keys.RS256.kid })}.${'A'.repeat(1 << 20)}.${'A'.repeat(342)}`
    const started = performance.now()
    await expectCode(v, huge, 'ERR_TOKEN_MALFORMED')
    expect(performance.now() - started).toBeLessThan(250)
    expect(target.requests).toHaveLength(0)
  })

  it('one character over the limit is refused before any fetch; at the limit the token verifies', async () => {
    const { idp: target, verifier: v } = setup(idp.keys, {}, { maxTokenLength: 4096 })
    const key = keys.ES256
    const header = segment({ alg: 'ES256', kid: key.kid })
    // Base64url of m bytes is ceil(4m/3) characters: pick the pad so the payload segment fills the rest exactly.
    const payloadChars = 4096 - header.length - 2 - 86 // ES256 signatures are 64 bytes = 86 characters
    expect(payloadChars % 4).not.toBe(1)
    const bytes = Math.floor((payloadChars * 3) / 4)
    const base = JSON.stringify({ ...defaultClaims(), pad: '' }).length
    const token = await signSegments(key, header, segment({ ...defaultClaims(), pad: 'p'.repeat(bytes - base) }))
    expect(token).toHaveLength(4096)
    await expectCode(v, `${token}A`, 'ERR_TOKEN_MALFORMED')
    await expectCode(v, `A${token}`, 'ERR_TOKEN_MALFORMED')
    expect(target.requests).toHaveLength(0)
    await expect(v.verify(token)).resolves.toBeDefined()
  })

  it('undefined, null, numbers, objects, arrays, bytes and String objects are ERR_TOKEN_MALFORMED, before any fetch', async () => {
    const { idp: target, verifier: v } = setup(idp.keys)
    const token = await sign(keys.RS256)
    for (const input of [
      undefined,
      null,
      42,
      {},
      [],
      [token],
      new String(token),
      encoder.encode(token),
      { toString: () => token },
      true,
      Symbol('t'),
    ]) {
      await expectCode(v, input, 'ERR_TOKEN_MALFORMED')
    }
    expect(target.requests).toHaveLength(0)
  })
})

describe('prototype-shaped members', () => {
  const pristine = (): void => {
    expect(({} as Record<string, unknown>).iss).toBeUndefined()
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(({} as Record<string, unknown>).alg).toBeUndefined()
  }

  it('"__proto__" and "constructor" claims verify as plain data and pollute nothing', async () => {
    const text =
      `${JSON.stringify(defaultClaims()).slice(0, -1)},"__proto__":{"iss":"https://evil.example","polluted":1},` +
      '"constructor":{"prototype":{"polluted":1}},"hasOwnProperty":1,"toString":"x"}'
    const token = await signSegments(keys.ES256, segment({ alg: 'ES256', kid: keys.ES256.kid }), segment(text))
    const { payload } = await verifier.verify(token)
    expect(payload.iss).toBe(ISSUER)
    expect(Object.getPrototypeOf(payload)).toBe(Object.prototype)
    pristine()
  })

  it('claims only inherited through "__proto__" do not count as present', async () => {
    const base = defaultClaims()
    const { exp, ...rest } = base
    const text = `${JSON.stringify(rest).slice(0, -1)},"__proto__":{"exp":${String(exp)}}}`
    const token = await signSegments(keys.ES256, segment({ alg: 'ES256', kid: keys.ES256.kid }), segment(text))
    await expectCode(verifier, token, 'ERR_CLAIM_INVALID', { claim: 'exp' })
    pristine()
  })

  it('an "alg" only under a header "__proto__" is ERR_TOKEN_MALFORMED; a "crit" there is not a crit', async () => {
    const key = keys.ES256
    const claims = segment(defaultClaims())
    await expectCode(
      verifier,
      await signSegments(key, segment(`{"__proto__":{"alg":"ES256"},"kid":"${key.kid}"}`), claims),
      'ERR_TOKEN_MALFORMED',
    )
    await expect(
      verifier.verify(
        await signSegments(key, segment(`{"alg":"ES256","kid":"${key.kid}","__proto__":{"crit":["x"]}}`), claims),
      ),
    ).resolves.toBeDefined()
    await expectCode(
      verifier,
      await signSegments(
        key,
        segment(`{"alg":"ES256","kid":"${key.kid}","__proto__":{"crit":["x"]},"crit":["x"]}`),
        claims,
      ),
      'ERR_HEADER_UNSUPPORTED',
    )
    pristine()
  })
})

describe('errors carry neither the token nor the claim values it supplied', () => {
  const SECRET = 'S3CRET-value-0123456789'

  it('for every kind of claim failure', async () => {
    const key = keys.ES256
    const secretClaims = { nonce: `nonce-${SECRET}`, sub: `sub-${SECRET}`, email: `mail-${SECRET}` }
    const secrets = Object.values(secretClaims)
    const t = Math.floor(NOW / 1000)
    const cases: Array<[Record<string, unknown>, string, Parameters<typeof expectCode>[3]]> = [
      [{ aud: `aud-${SECRET}` }, 'ERR_CLAIM_INVALID', { claim: 'aud', secrets: [...secrets, `aud-${SECRET}`] }],
      [{ iss: `iss-${SECRET}` }, 'ERR_CLAIM_INVALID', { claim: 'iss', secrets: [...secrets, `iss-${SECRET}`] }],
      [{ azp: `azp-${SECRET}` }, 'ERR_CLAIM_INVALID', { claim: 'azp', secrets: [...secrets, `azp-${SECRET}`] }],
      [{}, 'ERR_CLAIM_INVALID', { claim: 'nonce', checks: { nonce: 'other' }, secrets }],
      [{}, 'ERR_CLAIM_INVALID', { claim: 'sub', checks: { subject: 'other' }, secrets }],
      [{ exp: t - 3600 }, 'ERR_TOKEN_EXPIRED', { claim: 'exp', secrets }],
      [{ nbf: t + 3600 }, 'ERR_TOKEN_NOT_YET_VALID', { claim: 'nbf', secrets }],
      [
        { at_hash: `h-${SECRET}` },
        'ERR_CLAIM_INVALID',
        { claim: 'at_hash', checks: { accessToken: 'at' }, secrets: [...secrets, `h-${SECRET}`] },
      ],
    ]
    for (const [claims, code, expectation] of cases) {
      const token = await sign(key, { claims: { ...secretClaims, ...claims } })
      await expectCode(verifier, token, code as 'ERR_CLAIM_INVALID', expectation)
    }
    // Type failures: the offending value is not quoted either.
    const text = `${JSON.stringify({ ...defaultClaims(), ...secretClaims }).slice(0, -1)},"amr":"amr-${SECRET}"}`
    const typed = await signSegments(key, segment({ alg: 'ES256', kid: key.kid }), segment(text))
    await expectCode(verifier, typed, 'ERR_TOKEN_MALFORMED', { claim: 'amr', secrets: [...secrets, SECRET] })
    // Signature and key failures.
    await expectCode(
      verifier,
      withSignature(await sign(key, { claims: secretClaims }), new Uint8Array(64).fill(7)),
      'ERR_SIGNATURE_INVALID',
      { secrets },
    )
    await expectCode(
      verifier,
      await sign({ ...key, kid: `kid-${SECRET}` }, { claims: secretClaims }),
      'ERR_KEY_NOT_FOUND',
      { secrets: [...secrets, SECRET] },
    )
  })

  it('the IdTokenError is a real Error subclass with a stack that does not quote the token either', async () => {
    const token = await sign(keys.ES256, { claims: { exp: 1 } })
    const error = await expectCode(verifier, token, 'ERR_TOKEN_EXPIRED')
    expect(error).toBeInstanceOf(Error)
    expect(error.stack ?? '').not.toContain(token)
    expect(error.claim).toBe('exp')
  })
})
