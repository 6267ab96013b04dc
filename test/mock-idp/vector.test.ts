// The mint path produces standard JWS: with the RFC 7520 key imported, signing the cookbook's
// payload under its header reproduces the published signature byte for byte (RS256 is deterministic).
import { readFileSync } from 'node:fs'
import { decodeProtectedHeader, type JWK } from 'jose'
import { describe, expect, it } from 'vitest'
import { createMockIdp } from '../../mock-idp/index.ts'
import { signCompact } from '../../mock-idp/lib/sign.ts'
import { createKeyRing } from '../../mock-idp/lib/keys.ts'
import { VECTORS_DIR } from '../helpers/vectors.ts'

const vector = JSON.parse(readFileSync(new URL('jose-cookbook/4_1.rsa_v15_signature.json', VECTORS_DIR), 'utf8')) as {
  input: { payload: string; key: JWK; alg: string }
  signing: { sig: string; protected: Record<string, unknown> }
  output: { compact: string }
}

describe('RFC 7520 4.1 (RS256)', () => {
  it('signing with the imported key reproduces the cookbook signature', async () => {
    const ring = createKeyRing({
      algorithms: ['RS256'],
      imported: [{ ...vector.input.key, alg: 'RS256' }],
      now: Date.now,
    })
    await ring.init()
    const key = ring.signer('RS256')
    expect(key.kid).toBe('bilbo.baggins@hobbiton.example')
    const compact = await signCompact(vector.signing.protected, new TextEncoder().encode(vector.input.payload), key)
    expect(compact.split('.')[2]).toBe(vector.signing.sig)
    expect(compact).toBe(vector.output.compact)
  })

  it('createMockIdp({ keys }) signs with and publishes the imported key, public members only', async () => {
    const idp = await createMockIdp({ keys: [{ ...vector.input.key, alg: 'RS256' }] })
    expect(idp.algorithms).toEqual(['RS256'])
    const [imported, ...others] = idp.jwks().keys
    expect(imported).toEqual({
      kty: 'RSA',
      n: vector.input.key.n,
      e: 'AQAB',
      kid: 'bilbo.baggins@hobbiton.example',
      use: 'sig',
      alg: 'RS256',
    })
    // Besides it, only the catalogue's decoy of the default alg (for missingKid).
    expect(others.map((k) => k.kid)).toEqual(
      idp
        .listKeys()
        .filter((k) => k.decoy === true)
        .map((k) => k.kid),
    )
    const token = await idp.mintIdToken()
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'bilbo.baggins@hobbiton.example' })
    await expect(createMockIdp({ keys: [{ ...vector.input.key }] })).rejects.toThrow(TypeError)
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicOnly } = vector.input.key
    await expect(createMockIdp({ keys: [{ ...publicOnly, alg: 'RS256' }] })).rejects.toThrow(TypeError)
  })
})
