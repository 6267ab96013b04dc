// RFC 7515 §4: header parameter names must be unique. JSON.parse keeps the last duplicate while other
// parsers keep the first (or fail), so `{"alg":"none","alg":"RS256"}` means different things to the
// verifier and to whatever else reads the header (a gateway, a log pipeline, a second verifier). Such a
// header is refused outright, whichever spelling of the name repeats it. Each token here is correctly
// signed over its exact bytes, so the duplicate is the only thing wrong with it. The claims set gets the same
// rule (RFC 7519 §4): an issuer that splices user-controlled text into its JSON ("name": "x\",\"sub\":\"admin")
// would otherwise hand the last "sub" to this verifier and the first to everyone else.
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { harness } from '../helpers/harness.ts'
import { type IdTokenVerifier } from '../../src/index.ts'
import { repeatedMember } from '../../src/lib/json-members.ts'
import { CLIENT, defaultClaims, ISSUER, keysForAllAlgs, NOW, type Alg, type TestKey } from '../helpers/issuer.ts'
import { b64u, expectCode, segment, signSegments } from '../helpers/forge.ts'

let keys: Record<Alg, TestKey>
let verifier: IdTokenVerifier

beforeAll(async () => {
  keys = await keysForAllAlgs()
  verifier = harness({ keys: [keys.RS256.publicJwk, keys.ES256.publicJwk] }, { cooldown: 0 }).verifier
})

/** A token whose header segment is exactly `headerJson` (raw JSON text), signed with `key`. */
function tokenWithHeader(
  headerJson: string,
  key: TestKey = keys.RS256,
  claims: unknown = defaultClaims(),
): Promise<string> {
  return signSegments(key, b64u(headerJson), segment(claims))
}

describe('a header that repeats a member name is ERR_TOKEN_MALFORMED', () => {
  it('control: the same header without the repetition verifies', async () => {
    const token = await tokenWithHeader(`{"alg":"RS256","kid":"${keys.RS256.kid}","typ":"JWT"}`)
    await expect(verifier.verify(token)).resolves.toMatchObject({ header: { alg: 'RS256' } })
  })

  const cases: Array<[string, (kid: string) => string, string]> = [
    [
      '"alg": "none" then the real alg (JSON.parse keeps the last)',
      (kid) => `{"alg":"none","alg":"RS256","kid":"${kid}"}`,
      'alg',
    ],
    ['"alg" twice with the same value', (kid) => `{"alg":"RS256","kid":"${kid}","alg":"RS256"}`, 'alg'],
    [
      '"alg" and its escaped spelling "\\u0061lg"',
      (kid) => `{"\\u0061lg":"HS256","kid":"${kid}","alg":"RS256"}`,
      'alg',
    ],
    [
      '"alg" fully escaped, upper-case hex',
      (kid) => `{"alg":"RS256","kid":"${kid}","\\u0061\\u006C\\u0067":"RS256"}`,
      'alg',
    ],
    ['"kid" twice (key confusion)', (kid) => `{"alg":"RS256","kid":"someone-else","kid":"${kid}"}`, 'kid'],
    ['"typ" twice', (kid) => `{"alg":"RS256","kid":"${kid}","typ":"at+jwt","typ":"JWT"}`, 'typ'],
    ['"crit" twice, the second empty', (kid) => `{"alg":"RS256","kid":"${kid}","crit":["exp"],"crit":[]}`, 'crit'],
    ['whitespace around the members', (kid) => `{ "alg" : "RS256" ,\n\t"kid" : "${kid}" , "alg":"RS256" }`, 'alg'],
    [
      '"jku" twice (never used, but still a differential)',
      (kid) => `{"alg":"RS256","kid":"${kid}","jku":"https://a.example","jku":"https://b.example"}`,
      'jku',
    ],
  ]
  for (const [name, header, member] of cases) {
    it(`${name}: the message names "${member}"`, async () => {
      const error = await expectCode(verifier, await tokenWithHeader(header(keys.RS256.kid)), 'ERR_TOKEN_MALFORMED')
      expect(error.message).toContain(`"${member}"`)
      expect(error.message).toMatch(/header/)
    })
  }

  it('an unregistered repeated name is refused without quoting it (it is token content)', async () => {
    const secret = 'private-claim-name-7f3a'
    const token = await tokenWithHeader(`{"alg":"RS256","kid":"${keys.RS256.kid}","${secret}":1,"${secret}":2}`)
    const error = await expectCode(verifier, token, 'ERR_TOKEN_MALFORMED', { secrets: [secret] })
    expect(error.message).toMatch(/header/)
  })

  it('a repeated "__proto__" is refused too', async () => {
    const token = await tokenWithHeader(
      `{"alg":"RS256","kid":"${keys.RS256.kid}","__proto__":{},"__proto__":{"alg":"none"}}`,
    )
    await expectCode(verifier, token, 'ERR_TOKEN_MALFORMED')
  })

  it('works for every algorithm family, not only RS256 (ES256)', async () => {
    const token = await tokenWithHeader(`{"alg":"none","alg":"ES256","kid":"${keys.ES256.kid}"}`, keys.ES256)
    await expectCode(verifier, token, 'ERR_TOKEN_MALFORMED')
  })

  it('a cached header segment does not let the repeated one through later', async () => {
    const fresh = harness({ key: keys.RS256 }).verifier
    const token = await tokenWithHeader(`{"alg":"none","alg":"RS256","kid":"${keys.RS256.kid}"}`)
    await expectCode(fresh, token, 'ERR_TOKEN_MALFORMED')
    await expectCode(fresh, token, 'ERR_TOKEN_MALFORMED')
  })
})

describe('only top-level names count: look-alikes still verify', () => {
  const lookAlikes: Array<[string, (kid: string) => string]> = [
    [
      'the same name inside a nested object',
      (kid) => `{"alg":"RS256","kid":"${kid}","ext":{"alg":"none","alg":"x","kid":1}}`,
    ],
    [
      'the name as a string value and inside an array',
      (kid) => `{"alg":"RS256","kid":"${kid}","x":"alg","y":["alg","alg",{"kid":"kid"}]}`,
    ],
    [
      'escaped quotes and backslashes inside names and values',
      (kid) => `{"alg":"RS256","kid":"${kid}","a\\"lg":"\\"alg\\":","alg\\\\":"\\\\","b":"\\\\\\""}`,
    ],
    [
      'names that differ only after the escape',
      (kid) => `{"alg":"RS256","kid":"${kid}","\\u0061lh":1,"al":2,"alg ":3,"Alg":4}`,
    ],
    [
      'deep nesting with brackets inside strings',
      (kid) => `{"alg":"RS256","x":[[{"kid":"]}"}],"{["],"kid":"${kid}","y":{"z":{"alg":"}"}}}`,
    ],
    ['an empty name once', (kid) => `{"":1,"alg":"RS256","kid":"${kid}"}`],
  ]
  for (const [name, header] of lookAlikes) {
    it(name, async () => {
      const json = header(keys.RS256.kid)
      expect(() => JSON.parse(json)).not.toThrow()
      await expect(verifier.verify(await tokenWithHeader(json))).resolves.toMatchObject({
        header: { alg: 'RS256', kid: keys.RS256.kid },
      })
    })
  }
})

describe('a claims set that repeats a member name is ERR_TOKEN_MALFORMED', () => {
  const iat = Math.floor(NOW / 1000)
  const base = `"iss":"${ISSUER}","aud":"${CLIENT}","iat":${iat},"exp":${iat + 600}`

  it('control: the same claims without the repetition verify', async () => {
    const token = await signSegments(
      keys.RS256,
      segment({ alg: 'RS256', kid: keys.RS256.kid }),
      b64u(`{${base},"sub":"victim"}`),
    )
    await expect(verifier.verify(token)).resolves.toMatchObject({ payload: { sub: 'victim' } })
  })

  for (const [name, json, member] of [
    [
      '"sub" injected through another claim (JSON.parse keeps the last)',
      `{${base},"sub":"victim","name":"x","sub":"admin"}`,
      'sub',
    ],
    ['"aud" and its escaped spelling', `{${base},"sub":"s","\\u0061ud":"other-client"}`, 'aud'],
    ['"exp" twice, the last far in the future', `{${base},"sub":"s","exp":${iat + 10 ** 9}}`, 'exp'],
    ['"nonce" twice', `{${base},"sub":"s","nonce":"a","nonce":"b"}`, 'nonce'],
  ] as const) {
    it(`${name}: the message names "${member}"`, async () => {
      const token = await signSegments(keys.RS256, segment({ alg: 'RS256', kid: keys.RS256.kid }), b64u(json))
      const error = await expectCode(verifier, token, 'ERR_TOKEN_MALFORMED')
      expect(error.message).toContain(`"${member}"`)
      expect(error.message).toMatch(/payload/)
    })
  }

  it('an unregistered repeated claim is refused without quoting it', async () => {
    const secret = 'https://claims.example/role'
    const json = `{${base},"sub":"s","${secret}":"user","${secret}":"admin"}`
    const token = await signSegments(keys.RS256, segment({ alg: 'RS256', kid: keys.RS256.kid }), b64u(json))
    await expectCode(verifier, token, 'ERR_TOKEN_MALFORMED', { secrets: [secret] })
  })

  it('repeated names in nested claims (address, custom objects) are not top-level: they verify', async () => {
    const json = `{${base},"sub":"s","address":{"country":"A","country":"B"},"groups":[{"id":1,"id":2}]}`
    const token = await signSegments(keys.RS256, segment({ alg: 'RS256', kid: keys.RS256.kid }), b64u(json))
    await expect(verifier.verify(token)).resolves.toMatchObject({ payload: { sub: 's', address: { country: 'B' } } })
  })
})

describe('repeatedMember agrees with a reference on generated JSON texts', () => {
  // Names from a tiny alphabet (so they repeat), each spelled plainly or with random \uXXXX and short escapes.
  const nameArb = fc.string({ unit: fc.constantFrom('a', 'b', '"', '\\', '/', 'é', '\u2028', '😀'), maxLength: 3 })
  const spellingArb = (name: string): fc.Arbitrary<string> =>
    fc.array(fc.boolean(), { minLength: [...name].length, maxLength: [...name].length }).map(
      (escapes) =>
        '"' +
        [...name]
          .map((ch, k) =>
            escapes[k]
              ? [...ch]
                  .map((unit) =>
                    unit
                      .split('')
                      .map((u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, '0')}`)
                      .join(''),
                  )
                  .join('')
              : JSON.stringify(ch).slice(1, -1),
          )
          .join('') +
        '"',
    )
  const valueArb = fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value) ?? 'null')
  const memberArb = nameArb.chain((name) => fc.tuple(fc.constant(name), spellingArb(name), valueArb))
  const spaceArb = fc.constantFrom('', ' ', '\n\t ')

  it('for 3000 objects: the first name seen twice (unescaped), or none', () => {
    fc.assert(
      fc.property(fc.array(memberArb, { maxLength: 8 }), spaceArb, (members, space) => {
        const json = `{${space}${members.map(([, spelled, value]) => `${spelled}${space}:${space}${value}`).join(`${space},${space}`)}${space}}`
        expect(() => JSON.parse(json)).not.toThrow()
        const seen = new Set<string>()
        let expected: string | undefined
        for (const [name] of members) {
          if (seen.has(name)) {
            expected = name
            break
          }
          seen.add(name)
        }
        expect(repeatedMember(json)).toBe(expected)
      }),
      { numRuns: 3000, seed: 0xd0b1e },
    )
  })
})
