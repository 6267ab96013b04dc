// Property: no single-character edit of a valid token verifies, and every rejection is an IdTokenError
// with a documented code. Tokens are signed by jose; the verifier runs with a fixed clock and an in-memory
// key set, so the only thing that varies is the token string.
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { ERROR_CODES, IdTokenError, type IdTokenVerifier } from '../src/index.ts'
import { decodeBase64Url } from '../src/lib/base64url.ts'
import { makeKey, sign, type Alg, type TestKey } from './helpers/issuer.ts'
import { harness } from './helpers/harness.ts'
import { b64u, sameBytes } from './helpers/forge.ts'
import { applyMutations, mutationsArb } from './helpers/mutations.ts'

const PROPERTY_ALGS = ['RS256', 'PS256', 'ES256', 'ES512', 'EdDSA'] as const satisfies readonly Alg[]
const RUNS_PER_ALG = 300
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

let keys: Record<(typeof PROPERTY_ALGS)[number], TestKey>
let verifier: IdTokenVerifier

beforeAll(async () => {
  keys = Object.fromEntries(
    await Promise.all(PROPERTY_ALGS.map(async (alg) => [alg, await makeKey(alg, `kid-${alg}`)] as const)),
  ) as typeof keys
  // cooldown 0: a mutated kid is an unknown kid, and inside a cooldown the refetch would wait in real time.
  ;({ verifier } = harness({ keys: PROPERTY_ALGS.map((alg) => keys[alg].publicJwk) }, { cooldown: 0 }))
})

describe('mutated tokens never verify', () => {
  for (const alg of PROPERTY_ALGS) {
    it(`${alg}: ${RUNS_PER_ALG} random edits (replace, delete, insert, swap) are all rejected with a documented code`, async () => {
      const token = await sign(keys[alg], { claims: { nonce: 'n-0S', email: 'someone@example.test' } })
      await expect(verifier.verify(token)).resolves.toBeDefined()
      const seen = new Set<string>()
      await fc.assert(
        fc.asyncProperty(mutationsArb, async (mutations) => {
          const mutated = applyMutations(token, mutations)
          // An edit can be a no-op (swap of equal characters, replace with the same character).
          if (mutated === token) return
          let error: unknown
          try {
            await verifier.verify(mutated)
          } catch (caught) {
            error = caught
          }
          expect(error, `verified: ${JSON.stringify(mutations)}`).toBeInstanceOf(IdTokenError)
          expect(ERROR_CODES).toContain((error as IdTokenError).code)
          seen.add((error as IdTokenError).code)
        }),
        { numRuns: RUNS_PER_ALG, seed: 0x5eed + PROPERTY_ALGS.indexOf(alg) },
      )
      // The edits reach past parsing: some tokens fail only at the signature.
      expect(seen).toContain('ERR_SIGNATURE_INVALID')
      expect(seen).toContain('ERR_TOKEN_MALFORMED')
    })
  }
})

describe('the strict base64url decoder makes respelling impossible', () => {
  it('every byte string has exactly one spelling: a decodable string re-encodes to itself', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...BASE64URL), maxLength: 40 }), (text) => {
        const bytes = decodeBase64Url(text)
        if (bytes !== undefined) expect(b64u(bytes)).toBe(text)
      }),
      { numRuns: 2000 },
    )
  })

  it('changing one base64url character of an encoding never decodes to the same bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 80 }),
        fc.nat(),
        fc.constantFrom(...BASE64URL),
        (bytes, at, char) => {
          const encoded = b64u(bytes)
          const index = at % encoded.length
          fc.pre(encoded[index] !== char)
          const respelled = encoded.slice(0, index) + char + encoded.slice(index + 1)
          expect(sameBytes(decodeBase64Url(respelled), bytes)).toBe(false)
        },
      ),
      { numRuns: 2000 },
    )
  })
})
