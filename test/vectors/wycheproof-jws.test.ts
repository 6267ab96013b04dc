// Wycheproof's JOSE-level vectors: json_web_signature_test.json (whole compact tokens) and
// json_web_key_test.json (key-set policy).
//
// Two layers are checked for every vector:
// 1. The JWS layer (test/helpers/raw-jws.ts): the verifier's own lib/ calls in its order (split, header,
//    allowlist, header support, key selection from the group's key set, verifySignature), without the
//    ID-token layer. This is where "the signature verifies" is observable, because these payloads ("foo",
//    "123400", RFC 7520's text, empty, binary) are not JSON claims. Each vector must end exactly as pinned:
//    `valid` → verified; everything else → the error code in the tables below (default
//    ERR_SIGNATURE_INVALID).
// 2. The real `createVerifier(...).verify` with `jwksUri` and a fake fetch serving the group's key set, all
//    supported algorithms allowed: it must agree with layer 1 on everything before the payload is parsed,
//    and answer ERR_TOKEN_MALFORMED (payload not a JSON object) otherwise. So a `valid` vector never gets
//    ERR_SIGNATURE_INVALID or ERR_KEY_NOT_FOUND from it, and nothing ever passes or throws a non-IdTokenError.
//
// Overrides and quirks (README "Known data quirks"; tcIds of json_web_signature_test.json):
//
// | tcIds                        | label   | we expect                   | why                                                         |
// |------------------------------|---------|-----------------------------|-------------------------------------------------------------|
// | 1, 348, 352, 357–359, 376–377| valid   | ERR_ALG_NOT_ALLOWED         | HS256: the SDK supports no HMAC (API.md), never allowlisted  |
// | 367, 370                     | invalid | skipped                     | byte-identical to 357 (upstream C2SP/wycheproof#236); HS256  |
// |                              |         |                             | anyway. A test below proves the identity.                   |
// | 372                          | valid   | ERR_TOKEN_MALFORMED (header)| `?` inside the header: not base64url (RFC 7515 §5.2)         |
// | 373                          | valid   | ERR_ALG_NOT_ALLOWED         | `?` inside the payload; HS256 is refused first. A test below |
// |                              |         |                             | shows the strict decoder rejects that payload segment too.  |
// | 346, 350                     | valid   | ERR_KEY_NOT_FOUND           | key "alg":"PS256" but header PS384: jwk.alg must equal alg   |
// | 347, 351                     | valid   | ERR_KEY_NOT_FOUND           | key "alg":"ES521" (not a JWA name) but header ES512          |
// |                              |         |                             | (346/347/350/351 verify once "alg" is removed: tested below)|
// json_web_key_test.json: `valid` tcIds 2, 13, 14, 15 are HS256/384/512 keys → ERR_ALG_NOT_ALLOWED.
// tcId 1 (MixedKeySet, "best practice is to reject"): refused (HS256). We do not discard a whole set for
// holding a secret key: that key is never usable (private member "k", fits no alg) and the set's public
// keys stay usable (RFC 7517 §5: ignore keys not understood). tcId 4 (DuplicateKid): refused (HS256), and a
// derived usable-key version shows the ambiguity itself is refused.
import { describe, expect, it } from 'vitest'
import { SUPPORTED_ALGORITHMS, type IdTokenErrorCode } from '../../src/index.ts'
import { algorithmSpec } from '../../src/lib/algorithms.ts'
import { decodeBase64Url } from '../../src/lib/base64url.ts'
import { indexKeySet, selectKey } from '../../src/lib/jwks.ts'
import { importVerifyKey, keyProblem, type Jwk } from '../../src/lib/keys.ts'
import { decodeSigned, splitCompact } from '../../src/lib/jws.ts'
import { verifySignature } from '../../src/lib/signature.ts'
import { ISSUER } from '../helpers/issuer.ts'
import { harness } from '../helpers/harness.ts'
import {
  describeOutcome,
  expectedVerifierCodes,
  verifierOutcome,
  verifyCompactJws,
  type RawJwsOutcome,
} from '../helpers/raw-jws.ts'
import { readVectors, type WycheproofFile, type WycheproofTest } from '../helpers/vectors.ts'
import type * as jose from 'jose'

interface JwsTest extends WycheproofTest {
  readonly jws: string | Record<string, unknown>
}
interface JwsGroup {
  readonly comment: string
  readonly private: Jwk
  readonly public?: Jwk
  readonly tests: readonly JwsTest[]
}
interface JwkGroup {
  readonly comment: string
  readonly private: { readonly keys: readonly Jwk[] }
  readonly public?: { readonly keys: readonly Jwk[] }
  readonly tests: readonly JwsTest[]
}

interface Pin {
  readonly tcIds: readonly number[]
  readonly code: IdTokenErrorCode
  /** Matched against the JWS layer's message, where the reason matters (which key rule refused). */
  readonly reason?: RegExp
  readonly why: string
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i)

// json_web_signature_test.json: every vector not labelled `valid` (and the overridden valid ones) ends with
// one of these codes; an invalid vector not listed here must fail the signature check itself.
const JWS_PINS: readonly Pin[] = [
  {
    tcIds: [4, 7, 10, 12, 13, 14, 15, 17, 21, 24, 27, 29, 30, 36, 39, 42, 44, 45],
    code: 'ERR_TOKEN_MALFORMED',
    why: 'not three compact segments (missing/extra separators, empty string, JSON serialization)',
  },
  {
    tcIds: [9, 11, 26, 28, 41, 43, 365, 366, 372],
    code: 'ERR_TOKEN_MALFORMED',
    why: 'header segment empty, or not exact base64url (spaces, "#", "?")',
  },
  { tcIds: [20, 35], code: 'ERR_TOKEN_MALFORMED', why: 'empty signature segment' },
  {
    tcIds: [
      1,
      2,
      3,
      5,
      6,
      8,
      16,
      31,
      341,
      342,
      343,
      344,
      348,
      352,
      ...range(357, 364),
      368,
      369,
      371,
      ...range(373, 377),
    ],
    code: 'ERR_ALG_NOT_ALLOWED',
    why: 'alg HS256 (HMAC is never supported, including HS256 keyed with the EC key bytes, tcId 31) or none/NONE',
  },
  { tcIds: [25, 40], code: 'ERR_KEY_NOT_FOUND', reason: /"kid"/, why: 'modified header: a kid the set does not have' },
  {
    tcIds: [332, 334, 336, 338, 340],
    code: 'ERR_KEY_NOT_FOUND',
    reason: /"alg" is not/,
    why: 'header alg RS256/RS384/RS512/PS256/PS384 against a key with "alg":"PS512"',
  },
  { tcIds: [353, 354], code: 'ERR_KEY_NOT_FOUND', reason: /"use"/, why: 'key "use":"enc"' },
  { tcIds: [355, 356], code: 'ERR_KEY_NOT_FOUND', reason: /"key_ops"/, why: 'key_ops without "verify"' },
  {
    tcIds: [346, 347, 350, 351],
    code: 'ERR_KEY_NOT_FOUND',
    reason: /"alg" is not/,
    why: 'quirk: key "alg" ≠ header alg',
  },
]
const JWS_SKIPPED: ReadonlyMap<number, string> = new Map([
  [367, 'byte-identical to tcId 357 (C2SP/wycheproof#236)'],
  [370, 'byte-identical to tcId 357 (C2SP/wycheproof#236)'],
])

// json_web_key_test.json: the key-set policy. Every tcId except 5 is refused.
const JWK_PINS: readonly Pin[] = [
  {
    tcIds: [1, 2, 3, 4, ...range(10, 18), 25, 26],
    code: 'ERR_ALG_NOT_ALLOWED',
    why: 'HS256/384/512 tokens (mixed, duplicate-kid, short, long, empty and AES key sets): no HMAC, ever',
  },
  { tcIds: [6, 21], code: 'ERR_KEY_NOT_FOUND', reason: /"use" is not "sig"/, why: 'use: enc' },
  { tcIds: [7], code: 'ERR_KEY_NOT_FOUND', reason: /ROCA/, why: 'ROCA fingerprint (CVE-2017-15361)' },
  { tcIds: [8], code: 'ERR_KEY_NOT_FOUND', reason: /shorter than 2048 bits/, why: '1024-bit RSA' },
  { tcIds: [9], code: 'ERR_KEY_NOT_FOUND', reason: /exponent/, why: 'e = 1' },
  {
    tcIds: [19, 20],
    code: 'ERR_KEY_NOT_FOUND',
    reason: /"alg" is not ES256/,
    why: 'key alg ES521 / ES224 on a P-256 key',
  },
  {
    tcIds: [22],
    code: 'ERR_KEY_NOT_FOUND',
    reason: /could not be imported/,
    why: 'point not on the curve: import fails',
  },
  { tcIds: [23], code: 'ERR_KEY_NOT_FOUND', reason: /"crv"/, why: 'crv P-384 on an ES256 key' },
  { tcIds: [24], code: 'ERR_KEY_NOT_FOUND', reason: /"kty"/, why: 'kty RSA carrying EC members' },
]

function pinFor(pins: readonly Pin[], tcId: number): Pin | undefined {
  return pins.find((pin) => pin.tcIds.includes(tcId))
}

function verifierFor(keys: readonly Jwk[]) {
  const options = { jwksUri: `${ISSUER}/jwks`, algorithms: [...SUPPORTED_ALGORITHMS] }
  return harness({ keys: keys as jose.JWK[] }, options).verifier
}

/** Checks one vector on both layers against `pins`; returns what went wrong, if anything. */
async function checkVector(
  test: JwsTest,
  keySet: { keys: readonly Jwk[] },
  verify: (token: string) => Promise<unknown>,
  pins: readonly Pin[],
): Promise<string[]> {
  const problems: string[] = []
  const label = `tcId ${test.tcId} (${test.result} ${test.comment})`
  let raw: RawJwsOutcome
  try {
    raw = await verifyCompactJws(test.jws, keySet)
  } catch (error) {
    return [`${label}: the JWS layer threw ${String(error)}`]
  }
  const pin = pinFor(pins, test.tcId)
  if (pin === undefined && test.result === 'valid') {
    if (!raw.ok) problems.push(`${label}: expected the signature to verify, got ${describeOutcome(raw)}`)
  } else {
    const code = pin?.code ?? 'ERR_SIGNATURE_INVALID'
    if (raw.ok || raw.code !== code)
      problems.push(`${label}: expected ${code}${pin ? ` (${pin.why})` : ''}, got ${describeOutcome(raw)}`)
    else if (pin?.reason !== undefined && !pin.reason.test(raw.message)) {
      problems.push(`${label}: refused for another reason than ${String(pin.reason)}: ${raw.message}`)
    }
  }

  const full = await verifierOutcome(verify, test.jws)
  const allowed = expectedVerifierCodes(raw, test.jws)
  if (full.ok) problems.push(`${label}: the verifier accepted it`)
  else if ('threw' in full) problems.push(`${label}: the verifier threw a non-IdTokenError: ${String(full.threw)}`)
  else if (!allowed.has(full.code)) {
    problems.push(
      `${label}: the verifier said ${full.code}, expected one of ${[...allowed].join(', ')} (JWS layer: ${describeOutcome(raw)})`,
    )
  } else if (
    test.result === 'valid' &&
    (full.code === 'ERR_SIGNATURE_INVALID' || full.code === 'ERR_KEY_NOT_FOUND') &&
    pin === undefined
  ) {
    problems.push(`${label}: a valid vector did not get past the key and signature in the verifier (${full.code})`)
  }
  return problems
}

describe('json_web_signature_test.json', () => {
  const vectors = readVectors<WycheproofFile<JwsGroup>>('wycheproof/json_web_signature_test.json')
  const allTcIds = new Set(vectors.testGroups.flatMap((group) => group.tests.map((test) => test.tcId)))

  it('pins only tcIds that exist, each once', () => {
    const pinned = [...JWS_PINS.flatMap((pin) => pin.tcIds), ...JWS_SKIPPED.keys()]
    expect(pinned.filter((tcId) => !allTcIds.has(tcId))).toEqual([])
    expect(pinned.length).toBe(new Set(pinned).size)
    expect(vectors.testGroups.reduce((n, group) => n + group.tests.length, 0)).toBe(vectors.numberOfTests)
  })

  const groups = vectors.testGroups.map((group, index) => {
    const tcIds = group.tests.map((test) => test.tcId)
    return { name: `${index} "${group.comment}" (tcIds ${Math.min(...tcIds)}–${Math.max(...tcIds)})`, group }
  })
  it.each(groups)('group $name through the JWS layer and the verifier', async ({ group }) => {
    // Groups without a public key are the HMAC (oct) ones: serve the secret key as the set; it is refused anyway.
    const keySet = { keys: [group.public ?? group.private] }
    const verifier = verifierFor(keySet.keys)
    const problems: string[] = []
    for (const test of group.tests) {
      if (JWS_SKIPPED.has(test.tcId)) continue
      problems.push(...(await checkVector(test, keySet, (token) => verifier.verify(token), JWS_PINS)))
    }
    expect(problems, `group "${group.comment}"`).toEqual([])
  })

  it('HMAC groups: every vector is refused at the allowlist, or earlier when it has no parsable header', async () => {
    const problems: string[] = []
    for (const group of vectors.testGroups.filter((g) => (g.public ?? g.private).kty === 'oct')) {
      for (const test of group.tests) {
        const raw = await verifyCompactJws(test.jws, { keys: [group.private] })
        const early =
          !raw.ok && raw.code === 'ERR_TOKEN_MALFORMED' && (raw.stage === 'structure' || raw.stage === 'header')
        if (raw.ok || !(raw.code === 'ERR_ALG_NOT_ALLOWED' || early))
          problems.push(`tcId ${test.tcId}: ${describeOutcome(raw)}`)
      }
    }
    expect(problems).toEqual([])
  })

  const byTcId = (tcId: number): { test: JwsTest; group: JwsGroup } => {
    for (const group of vectors.testGroups) {
      const test = group.tests.find((t) => t.tcId === tcId)
      if (test !== undefined) return { test, group }
    }
    throw new Error(`no tcId ${tcId}`)
  }

  it('quirk: tcIds 367 and 370 (invalid) are byte-identical to 357 (valid), which is why they are skipped', () => {
    const valid = byTcId(357).test.jws
    expect(byTcId(367).test.jws).toBe(valid)
    expect(byTcId(370).test.jws).toBe(valid)
  })

  it('quirk: tcIds 372 and 373 (labelled valid) carry a "?" that strict base64url rejects', () => {
    const header = byTcId(372).test.jws as string
    expect(decodeBase64Url(header.slice(0, header.indexOf('.')))).toBeUndefined()
    const [, payload] = (byTcId(373).test.jws as string).split('.')
    expect(payload).toContain('?')
    expect(decodeBase64Url(payload!)).toBeUndefined()
  })

  it('quirk: tcIds 346, 347, 350, 351 verify once the mismatching "alg" is removed from the key', async () => {
    const problems: string[] = []
    for (const tcId of [346, 347, 350, 351]) {
      const { test, group } = byTcId(tcId)
      const { alg: _alg, ...withoutAlg } = group.public!
      const raw = await verifyCompactJws(test.jws, { keys: [withoutAlg] })
      if (!raw.ok) problems.push(`tcId ${tcId}: ${describeOutcome(raw)}`)
    }
    expect(problems).toEqual([])
  })

  it('tcId 32: the attacker jwk embedded in the header is never used (the signature is checked with the set key)', async () => {
    const { test, group } = byTcId(32)
    const token = test.jws as string
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { jwk: Jwk }
    // With the embedded key it would verify: that is the attack.
    const spec = algorithmSpec('ES256')!
    const parts = splitCompact(token, 16384)
    const attackerKey = await importVerifyKey(header.jwk, spec)
    const { signature, data } = decodeSigned(parts)
    expect(await verifySignature(spec, attackerKey, signature, data)).toBe(true)
    const raw = await verifyCompactJws(token, { keys: [group.public!] })
    expect(raw.ok ? 'verified' : raw.code).toBe('ERR_SIGNATURE_INVALID')
  })
})

describe('json_web_key_test.json: key-set policy', () => {
  const vectors = readVectors<WycheproofFile<JwkGroup>>('wycheproof/json_web_key_test.json')
  const tests = vectors.testGroups.flatMap((group) => group.tests.map((test) => ({ test, group })))
  const byTcId = (tcId: number) => tests.find((entry) => entry.test.tcId === tcId)!

  it('pins every tcId except the one usable RSA key (tcId 5)', () => {
    const pinned = JWK_PINS.flatMap((pin) => pin.tcIds).sort((a, b) => a - b)
    expect(pinned).toEqual(
      tests
        .map(({ test }) => test.tcId)
        .filter((tcId) => tcId !== 5)
        .sort((a, b) => a - b),
    )
    expect(tests.length).toBe(vectors.numberOfTests)
  })

  it('every vector through the JWS layer (indexKeySet, selectKey, keyProblem, import, verify) and the verifier', async () => {
    const problems: string[] = []
    for (const { test, group } of tests) {
      // Groups without a public set publish only secret/private material: serve it, the SDK must refuse it.
      const keySet = group.public ?? group.private
      const verifier = verifierFor(keySet.keys)
      problems.push(...(await checkVector(test, keySet, (token) => verifier.verify(token), JWK_PINS)))
    }
    expect(problems).toEqual([])
  })

  it('tcId 7: WebCrypto alone would verify the ROCA-key token; only the fingerprint check refuses it', async () => {
    const { test, group } = byTcId(7)
    const jwk = group.public!.keys[0]!
    const spec = algorithmSpec('RS256')!
    expect(keyProblem(jwk, 'RS256', spec)).toMatch(/ROCA/)
    const parts = splitCompact(test.jws, 16384)
    const key = await importVerifyKey(jwk, spec)
    const { signature, data } = decodeSigned(parts)
    expect(await verifySignature(spec, key, signature, data)).toBe(true)
  })

  it('tcIds 8 and 9: the 1024-bit and e = 1 keys are refused by policy, not by WebCrypto', async () => {
    const spec = algorithmSpec('RS256')!
    for (const tcId of [8, 9]) {
      const jwk = byTcId(tcId).group.public!.keys[0]!
      expect(keyProblem(jwk, 'RS256', spec)).toBeDefined()
      await expect(importVerifyKey(jwk, spec)).resolves.toBeInstanceOf(CryptoKey)
    }
  })

  it('tcId 4 (DuplicateKid): two keys under one kid are an ambiguous selection, refused rather than tried in turn', async () => {
    // The vector's own set is HMAC, refused at the allowlist; the duplicate itself is visible in the index.
    const duplicate = indexKeySet(byTcId(4).group.private)
    expect(duplicate.byKid.get('kid-aes-sign')).toHaveLength(2)
    // The same shape with usable keys: tcId 5's RSA key and a second RSA key published under the same kid.
    const { test, group } = byTcId(5)
    const own = group.public!.keys[0]!
    const jws = readVectors<WycheproofFile<JwsGroup>>('wycheproof/json_web_signature_test.json')
    const other = jws.testGroups.find((g) => g.public?.kty === 'RSA' && g.public.n !== own.n)!.public!
    const set = { keys: [own, { ...other, kid: own.kid, alg: 'RS256' }] }
    const selection = selectKey(indexKeySet(set), own.kid as string, 'RS256', algorithmSpec('RS256')!)
    expect('problem' in selection && selection.problem).toMatch(/2 keys in the set share the token's "kid"/)
    const raw = await verifyCompactJws(test.jws, set)
    expect(raw.ok ? 'verified' : raw.code).toBe('ERR_KEY_NOT_FOUND')
    // And with the duplicate removed, the same token verifies.
    expect((await verifyCompactJws(test.jws, { keys: [own] })).ok).toBe(true)
  })

  it('tcId 1 (MixedKeySet): the secret key is refused key by key; the public EC key beside it stays usable', async () => {
    // Decision: a set mixing a secret (oct) key with public keys is not thrown away whole (RFC 7517 §5: keys
    // that are not understood are ignored); the oct key can never be selected (it carries "k", a private
    // member, and fits no supported alg) and the HS256 token is refused at the allowlist (pinned above).
    const mixed = byTcId(1).group.private
    const oct = mixed.keys.find((key) => key.kty === 'oct')!
    const ec = mixed.keys.find((key) => key.kty === 'EC')!
    expect(keyProblem(oct, 'ES256', algorithmSpec('ES256')!)).toBeDefined()
    // json_web_signature tcId 18 is a valid ES256 token for this very EC key (kid-ec-sign).
    const jws = readVectors<WycheproofFile<JwsGroup>>('wycheproof/json_web_signature_test.json')
    const token = jws.testGroups.flatMap((g) => g.tests).find((t) => t.tcId === 18)!.jws as string
    expect(describeOutcome(await verifyCompactJws(token, mixed))).toBe('verified')
    // A private member on the EC key itself (a leaked signing key in the set) makes it unusable.
    const leaked = { keys: [oct, { ...ec, d: 'AAAA' }] }
    const raw = await verifyCompactJws(token, leaked)
    expect(raw.ok ? 'verified' : `${raw.code} ${raw.message}`).toMatch(/^ERR_KEY_NOT_FOUND .*private/)
  })

  it('no symmetric (oct) key of either file is usable for any supported algorithm', () => {
    const jws = readVectors<WycheproofFile<JwsGroup>>('wycheproof/json_web_signature_test.json')
    const octKeys = [
      ...vectors.testGroups.flatMap((group) => group.private.keys),
      ...jws.testGroups.map((group) => group.private),
    ].filter((key) => key.kty === 'oct')
    expect(octKeys.length).toBeGreaterThan(10)
    const usable = octKeys.flatMap((key) =>
      SUPPORTED_ALGORITHMS.filter((alg) => keyProblem(key, alg, algorithmSpec(alg)!) === undefined).map(
        (alg) => `${String(key.kid)}/${alg}`,
      ),
    )
    expect(usable).toEqual([])
  })
})
