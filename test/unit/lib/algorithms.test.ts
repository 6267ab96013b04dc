// The algorithm registry: exactly the supported names (case-sensitive, never none or HMAC), the key type,
// curve and hash each one needs, and the two spellings of Ed25519 as one algorithm.
import { describe, expect, it } from 'vitest'
import {
  algorithmSpec,
  isSupportedAlgorithm,
  sameAlgorithm,
  SUPPORTED_ALGORITHMS,
} from '../../../src/lib/algorithms.ts'

describe('algorithmSpec', () => {
  it.each([
    ['RS256', 'RSA', undefined, 'SHA-256', 'RSASSA-PKCS1-v1_5'],
    ['RS384', 'RSA', undefined, 'SHA-384', 'RSASSA-PKCS1-v1_5'],
    ['RS512', 'RSA', undefined, 'SHA-512', 'RSASSA-PKCS1-v1_5'],
    ['PS256', 'RSA', undefined, 'SHA-256', 'RSA-PSS'],
    ['PS384', 'RSA', undefined, 'SHA-384', 'RSA-PSS'],
    ['PS512', 'RSA', undefined, 'SHA-512', 'RSA-PSS'],
    ['ES256', 'EC', 'P-256', 'SHA-256', 'ECDSA'],
    ['ES384', 'EC', 'P-384', 'SHA-384', 'ECDSA'],
    ['ES512', 'EC', 'P-521', 'SHA-512', 'ECDSA'],
    ['EdDSA', 'OKP', 'Ed25519', 'SHA-512', 'Ed25519'],
    ['Ed25519', 'OKP', 'Ed25519', 'SHA-512', 'Ed25519'],
  ])('%s: %s %s, %s, %s', (alg, kty, crv, hash, name) => {
    const spec = algorithmSpec(alg)!
    expect({ kty: spec.kty, crv: spec.crv, hash: spec.hash, name: spec.importParams.name }).toEqual({
      kty,
      crv,
      hash,
      name,
    })
  })

  it.each([
    // RFC 7518 §3.5: the salt is as long as the hash.
    ['PS256', 32],
    ['PS384', 48],
    ['PS512', 64],
  ])('%s verifies with a salt of %i bytes', (alg, saltLength) => {
    expect(algorithmSpec(alg)!.verifyParams).toMatchObject({ saltLength })
  })

  it.each([
    // Raw r‖s halves, and the group order's length: P-521 rounds 521 bits up to 66 bytes.
    ['ES256', 32],
    ['ES384', 48],
    ['ES512', 66],
  ])('%s signatures are r‖s of %i bytes each, below the group order', (alg, size) => {
    const ecdsa = algorithmSpec(alg)!.ecdsa!
    expect(ecdsa.size).toBe(size)
    expect(ecdsa.order).toHaveLength(size)
  })

  it.each([
    ['none'],
    ['NONE'],
    ['HS256'],
    ['rs256'],
    ['ES256K'],
    ['EdDSA '],
    [''],
    ['toString'],
    ['__proto__'],
    ['constructor'],
  ])('%j is not an algorithm', (alg) => {
    expect(algorithmSpec(alg)).toBeUndefined()
    expect(isSupportedAlgorithm(alg)).toBe(false)
  })

  it('supports exactly the listed algorithms', () => {
    expect(SUPPORTED_ALGORITHMS.filter((alg) => isSupportedAlgorithm(alg))).toEqual([...SUPPORTED_ALGORITHMS])
  })
})

describe('sameAlgorithm', () => {
  it.each([
    ['RS256', 'RS256', true],
    ['EdDSA', 'Ed25519', true],
    ['Ed25519', 'EdDSA', true],
    ['RS256', 'PS256', false],
    ['ES256', 'ES384', false],
    ['RS256', 'RS384', false],
    ['EdDSA', 'ES256', false],
    ['none', 'NONE', false],
    ['HS256', 'HS256', true],
  ])('%s and %s: %s', (a, b, expected) => {
    expect(sameAlgorithm(a, b)).toBe(expected)
  })
})
