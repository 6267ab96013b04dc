// RFC 7520 (JOSE Cookbook) §4.1–4.3 and RFC 8037 App. A.4: four independently produced compact JWS, one per
// key family, verified end to end by the SDK's JWS layer (test/helpers/raw-jws.ts: split, header, allowlist,
// key selection, keyProblem, import, verifySignature) with the public JWK, plus the negative variants the
// vectors' README lists. The payloads are plain text, so the ID-token verifier must refuse every one of
// them as ERR_TOKEN_MALFORMED; that is tested too, through createVerifier.
import { describe, expect, it } from 'vitest'
import { IdTokenError, SUPPORTED_ALGORITHMS } from '../../src/index.ts'
import { algorithmSpec } from '../../src/lib/algorithms.ts'
import { decodeBase64Url, encodeBase64Url } from '../../src/lib/base64url.ts'
import { importVerifyKey, keyProblem, type Jwk } from '../../src/lib/keys.ts'
import { verifySignature } from '../../src/lib/signature.ts'
import { ISSUER } from '../helpers/issuer.ts'
import { harness } from '../helpers/harness.ts'
import { describeOutcome, verifyCompactJws } from '../helpers/raw-jws.ts'
import { readVectors } from '../helpers/vectors.ts'
import type * as jose from 'jose'

interface CookbookExample {
  readonly title: string
  readonly input: { readonly payload: string; readonly key: Jwk; readonly alg: string }
  readonly signing: { readonly protected: Record<string, unknown>; readonly 'sig-input': string; readonly sig: string }
  readonly output: { readonly compact: string; readonly json: unknown; readonly json_flat: unknown }
}

interface Case {
  readonly file: string
  /** The published public JWK file for this key, where the cookbook has one. */
  readonly publicFile?: string
  /** A same-family algorithm the token must not pass as. */
  readonly sibling: string
  /** What re-labelling the header with `sibling` must end with (the signature covers the header). */
  readonly siblingCode: 'ERR_SIGNATURE_INVALID' | 'ERR_KEY_NOT_FOUND'
  /** A wrong `alg` to put on the JWK. */
  readonly wrongKeyAlg: string
}

const CASES: readonly Case[] = [
  {
    file: '4_1.rsa_v15_signature.json',
    publicFile: '3_3.rsa_public_key.json',
    sibling: 'PS256',
    siblingCode: 'ERR_SIGNATURE_INVALID',
    wrongKeyAlg: 'RS384',
  },
  {
    file: '4_2.rsa-pss_signature.json',
    publicFile: '3_3.rsa_public_key.json',
    sibling: 'RS384',
    siblingCode: 'ERR_SIGNATURE_INVALID',
    wrongKeyAlg: 'PS256',
  },
  // P-521 key, ES384 wants P-384: refused at key selection (crv).
  {
    file: '4_3.ecdsa_signature.json',
    publicFile: '3_1.ec_public_key.json',
    sibling: 'ES384',
    siblingCode: 'ERR_KEY_NOT_FOUND',
    wrongKeyAlg: 'ES384',
  },
  // The key fits the alias, but the header is signed: a re-labelled header no longer verifies.
  { file: 'rfc8037_ed25519_jws.json', sibling: 'Ed25519', siblingCode: 'ERR_SIGNATURE_INVALID', wrongKeyAlg: 'ES256' },
]

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi']

function publicPart(key: Jwk): Jwk {
  return Object.fromEntries(Object.entries(key).filter(([name]) => !PRIVATE_MEMBERS.includes(name)))
}

function load(testCase: Case) {
  const example = readVectors<CookbookExample>(`jose-cookbook/${testCase.file}`)
  return { example, publicJwk: publicPart(example.input.key), token: example.output.compact }
}

/** The token with its header re-encoded after `edit`; payload and signature unchanged. */
function withHeader(token: string, edit: (header: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split('.')
  const decoded = JSON.parse(new TextDecoder().decode(decodeBase64Url(header!))) as Record<string, unknown>
  edit(decoded)
  return [encodeBase64Url(new TextEncoder().encode(JSON.stringify(decoded))), payload, signature].join('.')
}

function verifierFor(keys: readonly Jwk[]) {
  const options = { jwksUri: `${ISSUER}/jwks`, algorithms: [...SUPPORTED_ALGORITHMS] }
  return harness({ keys: keys as jose.JWK[] }, options).verifier
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return 'accepted'
  } catch (error) {
    if (error instanceof IdTokenError) return error.code
    throw error
  }
}

describe.each(CASES)('JOSE cookbook $file', (testCase) => {
  const { example, publicJwk, token } = load(testCase)
  const alg = example.input.alg

  it('is consistent with itself: header, signing input, signature and the published public key', () => {
    const [header, payload, signature] = token.split('.')
    expect(`${header}.${payload}`).toBe(example.signing['sig-input'])
    expect(signature).toBe(example.signing.sig)
    expect(JSON.parse(new TextDecoder().decode(decodeBase64Url(header!)))).toEqual(example.signing.protected)
    expect(example.signing.protected.alg).toBe(alg)
    if (testCase.publicFile !== undefined)
      expect(publicJwk).toEqual(readVectors<Jwk>(`jose-cookbook/${testCase.publicFile}`))
  })

  it('verifies through the JWS layer with the public JWK, and the payload is the example text', async () => {
    expect(keyProblem(publicJwk, alg, algorithmSpec(alg)!)).toBeUndefined()
    const outcome = await verifyCompactJws(token, { keys: [publicJwk] })
    expect(describeOutcome(outcome)).toBe('verified')
    if (outcome.ok) {
      expect(new TextDecoder('utf-8', { fatal: true }).decode(outcome.payload)).toBe(example.input.payload)
      expect(outcome.header).toEqual(example.signing.protected)
    }
  })

  it('is refused by the ID-token verifier as ERR_TOKEN_MALFORMED: its payload is text, not JSON claims', async () => {
    expect(await codeOf(verifierFor([publicJwk]).verify(token))).toBe('ERR_TOKEN_MALFORMED')
  })

  it('with one signature byte flipped: ERR_SIGNATURE_INVALID', async () => {
    const [header, payload, signature] = token.split('.')
    const problems: string[] = []
    const bytes = decodeBase64Url(signature!)!
    // First, middle and last byte; the low bit keeps lengths and (for ECDSA) most ranges intact.
    for (const index of [0, bytes.length >> 1, bytes.length - 1]) {
      const flipped = bytes.slice()
      flipped[index]! ^= 1
      const outcome = await verifyCompactJws(`${header}.${payload}.${encodeBase64Url(flipped)}`, { keys: [publicJwk] })
      if (outcome.ok || outcome.code !== 'ERR_SIGNATURE_INVALID')
        problems.push(`byte ${index}: ${describeOutcome(outcome)}`)
    }
    expect(problems).toEqual([])
  })

  it(`with the header alg swapped to its sibling ${testCase.sibling}: ${testCase.siblingCode}`, async () => {
    const swapped = withHeader(token, (header) => {
      header.alg = testCase.sibling
    })
    const outcome = await verifyCompactJws(swapped, { keys: [publicJwk] })
    expect(outcome.ok ? 'verified' : outcome.code).toBe(testCase.siblingCode)
  })

  it(`the original signature, checked as ${testCase.sibling} over the same signing input, fails unless that is an alias`, async () => {
    // Algorithm confusion at the primitive: same key material, same bytes, the sibling's parameters.
    const spec = algorithmSpec(testCase.sibling)!
    const [header, payload, signature] = token.split('.')
    if (keyProblem(publicJwk, testCase.sibling, spec) !== undefined) {
      // The key cannot even be selected for the sibling (P-521 for ES384): nothing to confuse.
      expect(testCase.siblingCode).toBe('ERR_KEY_NOT_FOUND')
      return
    }
    const key = await importVerifyKey(publicJwk, spec)
    const input = new TextEncoder().encode(`${header}.${payload}`)
    const verified = await verifySignature(spec, key, decodeBase64Url(signature!)!, input)
    // Ed25519 is the alias of EdDSA: the same algorithm, so the signature does verify; every other sibling must not.
    expect(verified).toBe(spec === algorithmSpec(alg))
  })

  it(`with "alg": "${testCase.wrongKeyAlg}" added to the JWK: ERR_KEY_NOT_FOUND; with the right alg: verified`, async () => {
    const wrong = await verifyCompactJws(token, { keys: [{ ...publicJwk, alg: testCase.wrongKeyAlg }] })
    expect(wrong.ok ? 'verified' : `${wrong.code} ${wrong.message}`).toMatch(/^ERR_KEY_NOT_FOUND .*"alg" is not/)
    const right = await verifyCompactJws(token, { keys: [{ ...publicJwk, alg }] })
    expect(describeOutcome(right)).toBe('verified')
  })

  it('with the private JWK (d, p, q, ...) in the set: refused, ERR_KEY_NOT_FOUND', async () => {
    expect(Object.keys(example.input.key)).toContain('d')
    const outcome = await verifyCompactJws(token, { keys: [example.input.key] })
    expect(outcome.ok ? 'verified' : `${outcome.code} ${outcome.message}`).toMatch(/^ERR_KEY_NOT_FOUND .*private/)
  })

  it('its JSON serializations (general and flattened) are refused as ERR_TOKEN_MALFORMED', async () => {
    const verifier = verifierFor([publicJwk])
    const forms = [example.output.json, example.output.json_flat]
    const codes: string[] = []
    for (const form of forms) {
      codes.push(await codeOf(verifier.verify(JSON.stringify(form))))
      codes.push(await codeOf(verifier.verify(form as unknown as string)))
      const raw = await verifyCompactJws(JSON.stringify(form), { keys: [publicJwk] })
      codes.push(raw.ok ? 'verified' : raw.code)
    }
    expect(codes).toEqual(Array(6).fill('ERR_TOKEN_MALFORMED'))
  })
})

describe('RFC 8037 Ed25519 key under both algorithm names', () => {
  it('is usable for "EdDSA" and for its fully-specified alias "Ed25519" (RFC 9864)', async () => {
    const { publicJwk, token } = load(CASES[3]!)
    for (const alg of ['EdDSA', 'Ed25519'])
      expect(keyProblem({ ...publicJwk, alg }, 'EdDSA', algorithmSpec('EdDSA')!)).toBeUndefined()
    expect(describeOutcome(await verifyCompactJws(token, { keys: [{ ...publicJwk, alg: 'Ed25519' }] }))).toBe(
      'verified',
    )
  })
})
