// Strict base64url (RFC 4648 §5 as profiled by RFC 7515 §2): one byte string, one encoding.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { decodeBase64Url, encodeBase64Url } from '../../../src/lib/base64url.ts'

const bytesOf = (text: string): number[] | undefined => {
  const decoded = decodeBase64Url(text)
  return decoded === undefined ? undefined : [...decoded]
}

// Node 20 has no Uint8Array.prototype.setFromBase64; browsers, Deno and Bun do, and the decoder then uses it.
// Every case runs both ways; the second through a stand-in with the platform decoder's leniency (whitespace
// skipped, padding accepted, unused bits ignored), so the exactness the SDK adds around it is what is tested.
let platformCalls = 0
function lenientSetFromBase64(
  this: Uint8Array,
  input: string,
  options: { alphabet: string; lastChunkHandling: string },
): { read: number; written: number } {
  platformCalls++
  expect(options).toEqual({ alphabet: 'base64url', lastChunkHandling: 'loose' })
  const body = input.replace(/[\t\n\f\r ]/g, '').replace(/={1,2}$/, '')
  if (/[^A-Za-z0-9_-]/.test(body) || body.length % 4 === 1) throw new SyntaxError('not base64url')
  const bytes = Buffer.from(body, 'base64url').subarray(0, this.length)
  this.set(bytes)
  return { read: input.length, written: bytes.length }
}

for (const mode of ['own decoder', 'platform decoder'] as const)
  describe(`decodeBase64Url (${mode})`, () => {
    if (mode === 'platform decoder') {
      const prototype = Uint8Array.prototype as unknown as { setFromBase64?: unknown }
      beforeAll(() => {
        prototype.setFromBase64 = lenientSetFromBase64
      })
      afterAll(() => {
        delete prototype.setFromBase64
        expect(platformCalls).toBeGreaterThan(1000)
      })
    }

    it('decodes the RFC 4648 §10 test vectors (base64url form, no padding)', () => {
      const vectors: Array<[string, string]> = [
        ['', ''],
        ['Zg', 'f'],
        ['Zm8', 'fo'],
        ['Zm9v', 'foo'],
        ['Zm9vYg', 'foob'],
        ['Zm9vYmE', 'fooba'],
        ['Zm9vYmFy', 'foobar'],
      ]
      for (const [encoded, text] of vectors) {
        expect(new TextDecoder().decode(decodeBase64Url(encoded)), encoded).toBe(text)
      }
    })

    it('uses the URL-safe alphabet: "-" is 62 and "_" is 63', () => {
      expect(bytesOf('-_-_')).toEqual([0xfb, 0xff, 0xbf])
      expect(bytesOf('____')).toEqual([0xff, 0xff, 0xff])
    })

    it('rejects the standard alphabet\'s "+" and "/"', () => {
      for (const text of ['+w', '/w', 'ab+d', 'ab/d', '++++', '////'])
        expect(decodeBase64Url(text), text).toBeUndefined()
    })

    it('rejects padding, in any position and amount', () => {
      for (const text of ['Zg==', 'Zm8=', 'Zg=', 'Zm9v====', '====', '=', 'Zm9v=', '=Zm9v', 'Z=9v']) {
        expect(decodeBase64Url(text), text).toBeUndefined()
      }
    })

    it('rejects whitespace anywhere: spaces, tabs, line breaks', () => {
      for (const text of [' Zm9v', 'Zm9v ', 'Zm 9v', 'Zm9v\n', '\tZm9v', 'Zm\r\n9v', 'Zm9v\u00a0']) {
        expect(decodeBase64Url(text), JSON.stringify(text)).toBeUndefined()
      }
    })

    it('rejects other ASCII and every non-ASCII character, including ones whose low byte is in the alphabet', () => {
      for (const text of ['Zm9?', 'Zm9.', 'Zm9#', 'Zm9%', 'Zm9\u0000', 'Zm9é'])
        expect(decodeBase64Url(text), text).toBeUndefined()
      // U+0141 ("Ł") and U+FF41 would map to "A"/"a" if only the low byte were looked at.
      for (const text of ['Zm9\u0141', 'Zm9\uff41', '\u0100\u0100\u0100\u0100'])
        expect(decodeBase64Url(text), text).toBeUndefined()
    })

    it('rejects a length of 1 mod 4: no byte string encodes to it', () => {
      for (const text of ['A', 'Z', 'AAAAA', 'Zm9vY', 'Zm9vYmFyZ']) expect(decodeBase64Url(text), text).toBeUndefined()
    })

    it('rejects non-canonical trailing bits (the unused low bits of the last character must be zero)', () => {
      // 2 characters carry 12 bits for 1 byte: the last 4 bits must be 0. "Zg" is canonical for "f"; "Zh".."Zv" are not.
      expect(bytesOf('Zg')).toEqual([0x66])
      for (const last of 'hijklmnopqrstuv') expect(decodeBase64Url(`Z${last}`), `Z${last}`).toBeUndefined()
      // 3 characters carry 18 bits for 2 bytes: the last 2 bits must be 0.
      expect(bytesOf('Zm8')).toEqual([0x66, 0x6f])
      for (const last of '9-_') expect(decodeBase64Url(`Zm${last}`), `Zm${last}`).toBeUndefined()
      expect(decodeBase64Url('AB')).toBeUndefined()
      expect(decodeBase64Url('AAB')).toBeUndefined()
      // Wycheproof json_web_signature tcId 374 (ModifiedUnusedBitsInPayload) uses the payload "AB".
    })

    it('decodes a slice given by start and end without copying the input', () => {
      const token = 'xx.Zm9v.yy'
      expect(new TextDecoder().decode(decodeBase64Url(token, 3, 7))).toBe('foo')
      expect(decodeBase64Url(token, 2, 7)).toBeUndefined() // the "." is not in the alphabet
      expect(decodeBase64Url(token, 3, 3)).toEqual(new Uint8Array(0))
      expect(bytesOf('Zm9v'.slice(0, 0))).toEqual([])
    })

    it("round-trips random bytes against Node's Buffer base64url, both directions", () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
          const reference = Buffer.from(bytes).toString('base64url')
          expect(encodeBase64Url(bytes)).toBe(reference)
          expect(decodeBase64Url(reference)).toEqual(new Uint8Array(bytes))
        }),
        { numRuns: 500 },
      )
    })

    it("accepts exactly the strings that are some byte string's canonical encoding", () => {
      // Random strings over the alphabet plus a few foreign characters: the decoder accepts one iff
      // re-encoding its output gives the same string back, and then agrees with Buffer.
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/= .'
      fc.assert(
        fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 12 }), (chars) => {
          const text = chars.join('')
          const decoded = decodeBase64Url(text)
          const canonical =
            /^[A-Za-z0-9_-]*$/.test(text) &&
            text.length % 4 !== 1 &&
            Buffer.from(Buffer.from(text, 'base64url').toString('base64url')).toString() === text
          expect(decoded !== undefined, text).toBe(canonical)
          if (decoded !== undefined) expect(encodeBase64Url(decoded)).toBe(text)
        }),
        { numRuns: 2000 },
      )
    })
  })

describe('encodeBase64Url', () => {
  it('emits no padding and only URL-safe characters', () => {
    expect(encodeBase64Url(new Uint8Array([0xfb, 0xff]))).toBe('-_8')
    expect(encodeBase64Url(new Uint8Array([0x66]))).toBe('Zg')
    expect(encodeBase64Url(new Uint8Array(0))).toBe('')
  })
})
