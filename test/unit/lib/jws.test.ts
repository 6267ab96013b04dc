// The JWS steps src/lib/pipeline.ts takes and test/helpers/raw-jws.ts shares: the signing input and signature
// in one pooled buffer, and the helper refusing each token at the same step, with the same code and message,
// as the verifier.
import { describe, expect, it } from 'vitest'
import { createVerifier, IdTokenError, SUPPORTED_ALGORITHMS } from '../../../src/index.ts'
import { decodeBase64Url, encodeBase64Url } from '../../../src/lib/base64url.ts'
import { decodeSigned, release, splitCompact } from '../../../src/lib/jws.ts'
import { verifyCompactJws, type JwsStage } from '../../helpers/raw-jws.ts'
import { fakeIdp } from '../../helpers/idp.ts'
import { CLIENT, ISSUER, keysForAllAlgs, NOW, sign } from '../../helpers/issuer.ts'

const segment = (value: unknown): string => encodeBase64Url(new TextEncoder().encode(JSON.stringify(value)))

describe('decodeSigned', () => {
  const token = `${segment({ alg: 'RS256' })}.${segment({ sub: 'a' })}.${encodeBase64Url(new Uint8Array([1, 2, 3, 250]))}`
  const parts = splitCompact(token, 16384)

  it('gives the ASCII of the first two segments and the decoded signature', () => {
    const { data, signature } = decodeSigned(parts)
    expect(new TextDecoder().decode(data)).toBe(token.slice(0, parts.dot2))
    expect([...signature]).toEqual([1, 2, 3, 250])
  })

  it('turns a non-ASCII character into 0xFF, so it cannot stand for the ASCII character of its low byte', () => {
    // U+012E and U+0141 end in 0x2E (".") and 0x41 ("A").
    const { data } = decodeSigned(splitCompact(`a\u012eb\u0141.c.AQ`, 16384))
    expect([...data]).toEqual([0x61, 0xff, 0x62, 0xff, 0x2e, 0x63])
  })

  it('refuses an empty or inexact signature with one message', () => {
    for (const signature of ['', 'A', 'AQ=', 'AQ==', 'AR', 'A+8', ' AQ']) {
      const bad = splitCompact(`${token.slice(0, parts.dot2)}.${signature}`, 16384)
      expect(() => decodeSigned(bad), JSON.stringify(signature)).toThrow(
        new IdTokenError('ERR_TOKEN_MALFORMED', 'the signature is empty or not exact base64url'),
      )
    }
  })

  it('reuses a buffer only once it was released, and then for a token of any size that fits', () => {
    const first = decodeSigned(parts)
    const second = decodeSigned(parts)
    expect(second.data.buffer).not.toBe(first.data.buffer)
    release(first)
    const shorter = decodeSigned(splitCompact('a.b.AQ', 16384))
    expect(shorter.data.buffer).toBe(first.data.buffer)
    expect([...shorter.data, ...shorter.signature]).toEqual([0x61, 0x2e, 0x62, 1])
    const third = decodeSigned(parts)
    expect(third.data.buffer).not.toBe(first.data.buffer)
    expect(third.data.buffer).not.toBe(second.data.buffer)
  })

  it('hands back the same views for a token of the same shape, refilled', () => {
    const first = decodeSigned(parts)
    release(first)
    const other = `${token.slice(0, parts.dot2 - 1)}B.${encodeBase64Url(new Uint8Array([9, 8, 7, 6]))}`
    const again = decodeSigned(splitCompact(other, 16384))
    expect(again).toBe(first)
    expect(new TextDecoder().decode(again.data)).toBe(other.slice(0, parts.dot2))
    expect([...again.signature]).toEqual([9, 8, 7, 6])
  })
})

describe('test/helpers/raw-jws.ts and the verifier refuse alike', () => {
  // One token per step of the verifier, each failing there and nowhere earlier; the helper must name the
  // step and give the verifier's own code and message, so neither can change without the other noticing.
  const cases: Array<{ stage: JwsStage; token: (valid: string) => string }> = [
    { stage: 'structure', token: (valid) => `${valid}.x` },
    { stage: 'header', token: (valid) => `e30${valid.slice(valid.indexOf('.'))}` },
    {
      stage: 'algorithm',
      token: (valid) => `${segment({ alg: 'HS256', typ: 'JWT' })}${valid.slice(valid.indexOf('.'))}`,
    },
    {
      stage: 'header-support',
      token: (valid) => `${segment({ alg: 'ES256', crit: ['exp'] })}${valid.slice(valid.indexOf('.'))}`,
    },
    // The payload is broken too: the verifier decodes the signature first.
    { stage: 'signature-encoding', token: (valid) => `${valid.slice(0, valid.indexOf('.'))}.e30=.A+8` },
    {
      stage: 'payload',
      token: (valid) => {
        const [header, , signature] = valid.split('.')
        return `${header}.e30=.${signature}`
      },
    },
    {
      stage: 'key',
      token: (valid) => `${segment({ alg: 'ES256', kid: 'unknown' })}${valid.slice(valid.indexOf('.'))}`,
    },
    {
      stage: 'signature',
      token: (valid) => {
        const dot2 = valid.lastIndexOf('.')
        const signature = decodeBase64Url(valid, dot2 + 1)!
        signature[0]! ^= 1
        return `${valid.slice(0, dot2)}.${encodeBase64Url(signature)}`
      },
    },
  ]

  it.each(cases)('at the $stage step', async ({ stage, token: make }) => {
    const key = (await keysForAllAlgs()).ES256
    const idp = fakeIdp([key.publicJwk])
    const verifier = createVerifier({
      issuer: ISSUER,
      audience: CLIENT,
      jwksUri: `${ISSUER}/jwks`,
      algorithms: [...SUPPORTED_ALGORITHMS],
      fetch: idp.fetch,
      cache: 'memory',
      now: () => NOW,
    })
    const token = make(await sign(key))
    const raw = await verifyCompactJws(token, { keys: idp.keys })
    const error = await verifier.verify(token).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(IdTokenError)
    const { code, message } = error as IdTokenError
    expect(raw).toEqual({ ok: false, stage, code, message })
  })
})
