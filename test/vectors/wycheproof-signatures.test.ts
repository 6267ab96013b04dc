// Every Wycheproof signature-verification vector for the ten algorithms, run through the SDK's signature
// layer exactly as a token's signature is: the group's JWK is checked by `keyProblem` (API.md "Keys"),
// imported by `importVerifyKey` with the registry's spec, and each (msg, sig) goes to `verifySignature`
// with msg as the signing input. One test per file; a failure lists every tcId that came out wrong.
//
// Decisions and overrides (README "How to read result", "Policy overrides", "Known data quirks"):
//
// | file(s)                         | vectors                        | label      | we expect        | why                                                        |
// |---------------------------------|--------------------------------|------------|------------------|------------------------------------------------------------|
// | rsa_signature_*                 | flag MissingNull (tcId 8)      | acceptable | rejected         | DigestInfo without NULL: WebCrypto refuses it, and so do we |
// | rsa_signature_* (2048/3072)     | e = 3 groups (SmallPublicKey)  | valid      | verified         | our policy: any odd e ≥ 3 is accepted (keys.ts rsaProblem)  |
// | rsa_pkcs1_{2048,3072}_sig_gen   | e = 3 groups (SmallPublicKey)  | acceptable | verified         | same e policy                                               |
// | rsa_pkcs1_1024_sig_gen          | every group (SmallModulus)     | acceptable | key refused      | RSA keys < 2048 bits are refused (RFC 7518 §3.3, §3.5)      |
// | rsa_pkcs1_*_sig_gen             | SHA-1 / SHA-224 groups         | any        | skipped          | JWS has no SHA-1/SHA-224 algorithm (1024-bit keys still     |
// |                                 |                                |            |                  | go through keyProblem and must be refused)                 |
// | ecdsa_*_p1363                   | groups without publicKeyJwk    | as labelled| as labelled      | JWK built from wx/wy: leading 00 stripped, left-padded      |
// Everything else must come out exactly as labelled: valid → verifies; invalid → verifySignature is false,
// or the key is refused / fails to import. Nothing may throw.
import { describe, expect, it, vi } from 'vitest'
import { readdirSync } from 'node:fs'
import { algorithmSpec, type AlgorithmSpec } from '../../src/lib/algorithms.ts'
import { importVerifyKey, keyProblem, type Jwk } from '../../src/lib/keys.ts'
import { verifySignature } from '../../src/lib/signature.ts'
import {
  hexBytes,
  hexToBase64UrlFixed,
  hexToBase64UrlInteger,
  readVectors,
  VECTORS_DIR,
  type WycheproofFile,
  type WycheproofTest,
} from '../helpers/vectors.ts'

interface SignatureTest extends WycheproofTest {
  readonly msg: string
  readonly sig: string
}

interface SignatureGroup {
  readonly sha?: string
  readonly keySize?: number
  readonly sLen?: number
  readonly mgfSha?: string
  readonly publicKey?: {
    readonly curve?: string
    readonly wx?: string
    readonly wy?: string
    readonly publicExponent?: string
  }
  readonly privateKey?: { readonly modulus: string; readonly publicExponent: string }
  readonly publicKeyJwk?: Jwk
  readonly keyJwk?: Jwk
  readonly tests: readonly SignatureTest[]
}

type Outcome = 'verified' | 'rejected' | 'key refused' | 'key import failed' | 'threw'
type Expectation = 'verified' | 'not verified' | 'key refused'

interface Decision {
  readonly expect: Expectation
  readonly why: string
}

const WYCHEPROOF = 'wycheproof/'
const RSA_MIN_BITS = 2048

/** The verify files and the JWS alg each one exercises. A file in the folder that is not listed fails the inventory test. */
const VERIFY_FILES: Readonly<Record<string, string>> = {
  'ecdsa_secp256r1_sha256_p1363_test.json': 'ES256',
  'ecdsa_secp384r1_sha384_p1363_test.json': 'ES384',
  'ecdsa_secp521r1_sha512_p1363_test.json': 'ES512',
  'ed25519_test.json': 'EdDSA',
  'rsa_signature_2048_sha256_test.json': 'RS256',
  'rsa_signature_2048_sha384_test.json': 'RS384',
  'rsa_signature_2048_sha512_test.json': 'RS512',
  'rsa_signature_3072_sha256_test.json': 'RS256',
  'rsa_signature_3072_sha384_test.json': 'RS384',
  'rsa_signature_3072_sha512_test.json': 'RS512',
  'rsa_signature_4096_sha256_test.json': 'RS256',
  'rsa_signature_4096_sha384_test.json': 'RS384',
  'rsa_signature_4096_sha512_test.json': 'RS512',
  'rsa_pss_2048_sha256_mgf1_32_test.json': 'PS256',
  'rsa_pss_3072_sha256_mgf1_32_test.json': 'PS256',
  'rsa_pss_4096_sha256_mgf1_32_test.json': 'PS256',
  'rsa_pss_2048_sha384_mgf1_48_test.json': 'PS384',
  'rsa_pss_4096_sha384_mgf1_48_test.json': 'PS384',
  'rsa_pss_4096_sha512_mgf1_64_test.json': 'PS512',
}
const SIG_GEN_FILES = [
  'rsa_pkcs1_1024_sig_gen_test.json',
  'rsa_pkcs1_2048_sig_gen_test.json',
  'rsa_pkcs1_3072_sig_gen_test.json',
  'rsa_pkcs1_4096_sig_gen_test.json',
]
/** Covered by wycheproof-jws.test.ts. */
const JOSE_FILES = ['json_web_key_test.json', 'json_web_signature_test.json']

const SHA_FOR_ALG: Readonly<Record<string, string>> = { 256: 'SHA-256', 384: 'SHA-384', 512: 'SHA-512' }
const COORDINATE_BYTES: Readonly<Record<string, number>> = { secp256r1: 32, secp384r1: 48, secp521r1: 66 }
const CURVE_NAMES: Readonly<Record<string, string>> = { secp256r1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' }

/** The label, unless a row of the table at the top of this file says otherwise. */
function decide(group: SignatureGroup, test: SignatureTest): Decision | undefined {
  if (test.flags.includes('MissingNull')) {
    return { expect: 'not verified', why: 'MissingNull: WebCrypto requires the DigestInfo NULL; we do not relax it' }
  }
  if (group.keySize !== undefined && group.keySize < RSA_MIN_BITS) {
    return { expect: 'key refused', why: `RSA keys below ${RSA_MIN_BITS} bits are refused by policy` }
  }
  if (test.flags.includes('SmallPublicKey')) {
    return { expect: 'verified', why: 'e = 3: our policy accepts any odd e >= 3' }
  }
  if (test.result === 'valid') return { expect: 'verified', why: 'labelled valid' }
  if (test.result === 'invalid') return { expect: 'not verified', why: 'labelled invalid' }
  return undefined // an acceptable case nobody decided: the test reports it
}

/** The group's public JWK, or one built from the raw key where the file has none (README: ECDSA edge-case keys). */
function groupJwk(group: SignatureGroup): Jwk {
  const jwk = group.publicKeyJwk ?? group.keyJwk
  if (jwk !== undefined) return jwk
  const { publicKey, privateKey } = group
  if (publicKey?.curve !== undefined && publicKey.wx !== undefined && publicKey.wy !== undefined) {
    const size = COORDINATE_BYTES[publicKey.curve]!
    return {
      kty: 'EC',
      crv: CURVE_NAMES[publicKey.curve],
      x: hexToBase64UrlFixed(publicKey.wx, size),
      y: hexToBase64UrlFixed(publicKey.wy, size),
    }
  }
  if (privateKey !== undefined) return rawRsaJwk(privateKey)
  throw new Error('group has no usable public key description')
}

function rawRsaJwk(key: { readonly modulus: string; readonly publicExponent: string }): Jwk {
  return { kty: 'RSA', n: hexToBase64UrlInteger(key.modulus), e: hexToBase64UrlInteger(key.publicExponent) }
}

interface GroupRun {
  readonly keyRefusal: string | undefined
  readonly outcomes: ReadonlyMap<number, Outcome>
}

/** One group through keyProblem → importVerifyKey → verifySignature. Never throws: throws become 'threw'. */
async function runGroup(
  alg: string,
  spec: AlgorithmSpec,
  jwk: Jwk,
  tests: readonly SignatureTest[],
): Promise<GroupRun> {
  const outcomes = new Map<number, Outcome>()
  const keyRefusal = keyProblem(jwk, alg, spec)
  if (keyRefusal !== undefined) {
    for (const test of tests) outcomes.set(test.tcId, 'key refused')
    return { keyRefusal, outcomes }
  }
  let key: CryptoKey
  try {
    key = await importVerifyKey(jwk, spec)
  } catch {
    for (const test of tests) outcomes.set(test.tcId, 'key import failed')
    return { keyRefusal, outcomes }
  }
  await Promise.all(
    tests.map(async (test) => {
      try {
        const ok = await verifySignature(spec, key, hexBytes(test.sig), hexBytes(test.msg))
        outcomes.set(test.tcId, ok ? 'verified' : 'rejected')
      } catch {
        outcomes.set(test.tcId, 'threw')
      }
    }),
  )
  return { keyRefusal, outcomes }
}

function meets(outcome: Outcome, expectation: Expectation): boolean {
  if (outcome === 'threw') return false
  if (expectation === 'verified') return outcome === 'verified'
  if (expectation === 'key refused') return outcome === 'key refused'
  return outcome !== 'verified'
}

function describeTest(test: SignatureTest): string {
  return `tcId ${test.tcId} (${test.result}${test.flags.length > 0 ? ` ${test.flags.join('+')}` : ''}: ${test.comment || 'no comment'})`
}

describe('Wycheproof vector inventory', () => {
  it('names every file in the Wycheproof folder, so none is silently left out', () => {
    const present = readdirSync(new URL(WYCHEPROOF, VECTORS_DIR))
      .filter((name) => name.endsWith('.json'))
      .sort()
    const covered = [...Object.keys(VERIFY_FILES), ...SIG_GEN_FILES, ...JOSE_FILES].sort()
    expect(present).toEqual(covered)
  })
})

describe('Wycheproof signature verification through keyProblem + importVerifyKey + verifySignature', () => {
  it.each(Object.entries(VERIFY_FILES))('%s (%s)', async (file, alg) => {
    const vectors = readVectors<WycheproofFile<SignatureGroup>>(WYCHEPROOF + file)
    const spec = algorithmSpec(alg)!
    expect(spec, `registry has ${alg}`).toBeDefined()
    const failures: string[] = []
    let seen = 0
    for (const group of vectors.testGroups) {
      // The registry's parameters must be the group's: hash, and for PSS the salt length and MGF1 hash.
      if (group.sha !== undefined) expect(group.sha, `${file}: group hash`).toBe(SHA_FOR_ALG[alg.slice(2)])
      if (group.sLen !== undefined) {
        expect(group.mgfSha).toBe(group.sha)
        expect((spec.verifyParams as RsaPssParams).saltLength).toBe(group.sLen)
      }
      const run = await runGroup(alg, spec, groupJwk(group), group.tests)
      for (const test of group.tests) {
        seen++
        const outcome = run.outcomes.get(test.tcId)!
        const decision = decide(group, test)
        if (decision === undefined) {
          failures.push(`${describeTest(test)}: acceptable case not decided in this file's table (got ${outcome})`)
        } else if (!meets(outcome, decision.expect)) {
          const refusal = run.keyRefusal === undefined ? '' : ` [key refused: ${run.keyRefusal}]`
          failures.push(
            `${describeTest(test)}: expected ${decision.expect} (${decision.why}), got ${outcome}${refusal}`,
          )
        }
      }
    }
    expect(seen, 'every test in the file was run').toBe(vectors.numberOfTests)
    expect(failures).toEqual([])
  })
})

describe('Wycheproof RSASSA-PKCS1-v1_5 signature-generation vectors, read as verification vectors', () => {
  it.each(SIG_GEN_FILES)('%s', async (file) => {
    const vectors = readVectors<WycheproofFile<SignatureGroup>>(WYCHEPROOF + file)
    const failures: string[] = []
    let seen = 0
    let verified = 0
    for (const group of vectors.testGroups) {
      const bits = group.keySize!
      seen += group.tests.length
      // Every key, whatever its hash, goes through the key policy. The JWK is built from the raw modulus
      // and exponent so that groups without keyJwk (the SHA-1/SHA-224 ones) are checked too.
      const refusal = keyProblem(rawRsaJwk(group.privateKey!), 'RS256', algorithmSpec('RS256')!)
      if (bits < RSA_MIN_BITS && refusal === undefined) {
        failures.push(`${bits}-bit ${group.sha} key: accepted by keyProblem, must be refused`)
      }
      if (bits >= RSA_MIN_BITS && refusal !== undefined)
        failures.push(`${bits}-bit ${group.sha} key refused: ${refusal}`)
      const bitsOfHash = Object.entries(SHA_FOR_ALG).find(([, sha]) => sha === group.sha)?.[0]
      if (bitsOfHash === undefined) continue // SHA-1 / SHA-224: no JWS algorithm (table at the top)
      const alg = `RS${bitsOfHash}`
      const spec = algorithmSpec(alg)!
      expect(group.keyJwk?.alg, `${file} ${group.sha}: the published JWK names the alg`).toBe(alg)
      const run = await runGroup(alg, spec, group.keyJwk!, group.tests)
      for (const test of group.tests) {
        const outcome = run.outcomes.get(test.tcId)!
        const decision = decide(group, test)
        if (decision === undefined) failures.push(`${describeTest(test)}: acceptable case not decided (got ${outcome})`)
        else if (!meets(outcome, decision.expect)) {
          failures.push(`${describeTest(test)}: expected ${decision.expect} (${decision.why}), got ${outcome}`)
        }
        if (outcome === 'verified') verified++
      }
      if (bits < RSA_MIN_BITS) {
        // The refusal is our policy, not bad data: imported directly, WebCrypto verifies these signatures.
        const key = await importVerifyKey(group.keyJwk!, spec)
        for (const test of group.tests) {
          if (!(await verifySignature(spec, key, hexBytes(test.sig), hexBytes(test.msg)))) {
            failures.push(`${describeTest(test)}: 1024-bit signature does not verify even without the size policy`)
          }
        }
      }
    }
    expect(seen, 'every test in the file was looked at').toBe(vectors.numberOfTests)
    // 1024: nothing verifies through the policy; larger keys: every SHA-2 signature does.
    if (file.includes('1024')) expect(verified).toBe(0)
    else expect(verified).toBeGreaterThan(0)
    expect(failures).toEqual([])
  })
})

describe('Wycheproof ECDSA special-case r/s vectors pin the group orders and the range check', () => {
  // Each P1363 file signs with r, s ∈ {0, 1, n − 1, n, n + 1, p, p + 1} ("special case values r=… and s=…").
  // Reading n out of those vectors checks the registry's orders against Wycheproof's, and the range check
  // must send a signature to WebCrypto exactly when 1 ≤ r, s ≤ n − 1.
  const ECDSA_FILES = Object.entries(VERIFY_FILES).filter(([, alg]) => alg.startsWith('ES'))
  const SPECIAL = /special case values r=(.+) and s=(.+)$/

  it.each(ECDSA_FILES)('%s (%s)', async (file, alg) => {
    const vectors = readVectors<WycheproofFile<SignatureGroup>>(WYCHEPROOF + file)
    const spec = algorithmSpec(alg)!
    const { size, order } = spec.ecdsa!
    const n = toBigInt(order)
    const named: Readonly<Record<string, bigint>> = { '0': 0n, '1': 1n, 'n - 1': n - 1n, n, 'n + 1': n + 1n }
    const failures: string[] = []
    let cases = 0
    for (const group of vectors.testGroups) {
      if (!group.tests.some((test) => SPECIAL.test(test.comment))) continue
      const key = await importVerifyKey(groupJwk(group), spec)
      for (const test of group.tests) {
        const match = SPECIAL.exec(test.comment)
        if (match === null) continue
        cases++
        const sig = hexBytes(test.sig)
        const values = [toBigInt(sig.subarray(0, size)), toBigInt(sig.subarray(size))]
        const names = [match[1]!, match[2]!]
        names.forEach((name, i) => {
          const expected = named[name]
          if (expected !== undefined && values[i] !== expected)
            failures.push(`tcId ${test.tcId}: ${name} is not ${String(values[i])}`)
        })
        const inRange = values.every((value) => value >= 1n && value < n)
        const spy = vi.spyOn(crypto.subtle, 'verify')
        const verified = await verifySignature(spec, key, sig, hexBytes(test.msg))
        const reached = spy.mock.calls.length > 0
        spy.mockRestore()
        if (verified) failures.push(`tcId ${test.tcId} (${test.comment}): verified`)
        if (reached !== inRange)
          failures.push(`tcId ${test.tcId} (${test.comment}): range check ${reached ? 'let it through' : 'refused it'}`)
      }
    }
    expect(cases, 'the file has its 49 special-case vectors').toBeGreaterThanOrEqual(49)
    expect(failures).toEqual([])
  })
})

function toBigInt(bytes: Uint8Array): bigint {
  let value = 0n
  for (const byte of bytes) value = (value << 8n) | BigInt(byte)
  return value
}
