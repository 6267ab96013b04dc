// Differential check against jose 6 (`jwtVerify` + `createRemoteJWKSet` over the same fake fetch), with the
// same issuer, audience, algorithms, clock tolerance and clock. The two must agree on every valid token, on
// every mutated token and on claim variations, except in the cases listed below, each pinned exactly:
//   - STRICTER_THAN_JWT: OpenID Connect (or this library's stricter parsing and key policy) rejects what a
//     plain JWT verifier accepts;
//   - LOOSER_THAN_JOSE: the few places where jose's key matching is stricter than ours.
import { createHash, generateKeyPairSync, sign as nodeSign } from 'node:crypto'
import fc from 'fast-check'
import * as jose from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { IdTokenError, type IdTokenErrorCode, type SupportedAlgorithm } from '../src/index.ts'
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
import { harness } from './helpers/harness.ts'
import { fakeIdp } from './helpers/idp.ts'
import {
  b64u,
  bigintToBytes,
  bytesToBigint,
  CURVE_ORDER,
  joseLaxDecode,
  rawToDer,
  sameBytes,
  segment,
  signatureBytes,
  signSegments,
  unb64u,
  withSignature,
} from './helpers/forge.ts'
import { applyMutations, mutationsArb } from './helpers/mutations.ts'

const ALGORITHMS: SupportedAlgorithm[] = [...ALGS, 'Ed25519']
const TOLERANCE = 60
const T = Math.floor(NOW / 1000)
const encoder = new TextEncoder()

type Outcome = { accepted: true } | { accepted: false; code: string; claim?: string | undefined }
interface Pair {
  ours(token: string): Promise<Outcome>
  jose(token: string): Promise<Outcome>
}

/** Our verifier and jose, each over its own fake fetch serving the same key set. */
function pair(jwks: jose.JWK[]): Pair {
  const { verifier: ours } = harness({ keys: jwks }, { algorithms: ALGORITHMS, clockTolerance: TOLERANCE, cooldown: 0 })
  const remote = jose.createRemoteJWKSet(new URL(`${ISSUER}/jwks`), { [jose.customFetch]: fakeIdp(jwks).fetch })
  return {
    async ours(token) {
      try {
        await ours.verify(token)
        return { accepted: true }
      } catch (error) {
        if (!(error instanceof IdTokenError)) throw error
        return { accepted: false, code: error.code, claim: error.claim }
      }
    },
    async jose(token) {
      try {
        await jose.jwtVerify(token, remote, {
          issuer: ISSUER,
          audience: CLIENT,
          algorithms: ALGORITHMS,
          clockTolerance: TOLERANCE,
          currentDate: new Date(NOW),
        })
        return { accepted: true }
      } catch (error) {
        const e = error as { code?: string; name: string }
        return { accepted: false, code: e.code ?? e.name }
      }
    },
  }
}

let keys: Record<Alg, TestKey>
let standard: jose.JWK[]
let both: Pair

beforeAll(async () => {
  keys = await keysForAllAlgs()
  standard = ALGS.map((alg) => keys[alg].publicJwk)
  both = pair(standard)
})

const claimsText = (extra: string, omit: string[] = []): string => {
  const base: Record<string, unknown> = defaultClaims()
  for (const name of omit) delete base[name]
  return `${JSON.stringify(base).slice(0, -1)}${extra}}`
}
/** An ES256 token whose payload is exactly `text` (raw JSON, so 1e400 survives). */
const withPayloadText = (text: string): Promise<string> =>
  signSegments(keys.ES256, segment({ alg: 'ES256', kid: keys.ES256.kid, typ: 'JWT' }), segment(text))
const withBytes = (header: Uint8Array | string, payload: Uint8Array | string): Promise<string> =>
  signSegments(keys.ES256, segment(header), segment(payload))
const bom = (text: string): Uint8Array => new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode(text)])
const noAlg = ({ alg: _alg, ...rest }: jose.JWK): jose.JWK => rest
const lastCharNonCanonical = (sig: string): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  return sig.slice(0, -1) + alphabet[alphabet.indexOf(sig.at(-1)!) | 1]
}
interface Case {
  readonly name: string
  readonly token: () => Promise<string>
  /** A key set other than one key per algorithm. */
  readonly jwks?: () => jose.JWK[]
}
interface Rejected extends Case {
  readonly ours: IdTokenErrorCode
  readonly claim?: string
}
interface Documented extends Rejected {
  /** Why we reject what jose accepts. */
  readonly why: string
}

// Built lazily (keys exist only after beforeAll).
let e1Jwks: jose.JWK[] = []
let e1Token = ''
let rsa1024Jwks: jose.JWK[] = []
let rsa1024Token = ''

beforeAll(() => {
  // An RSA key with e = 1, and a token "signed" for it with no private key: the signature is the
  // PKCS#1 v1.5 encoded message itself (s^1 mod n = s).
  const e1 = { ...keys.RS256.publicJwk, e: 'AQ', kid: 'rsa-e1' }
  const input = `${segment({ alg: 'RS256', kid: 'rsa-e1', typ: 'JWT' })}.${segment(defaultClaims())}`
  const k = unb64u(e1.n!).length
  const digestInfo = Buffer.concat([
    Buffer.from('3031300d060960864801650304020105000420', 'hex'),
    createHash('sha256').update(input).digest(),
  ])
  const em = new Uint8Array(k).fill(0xff)
  em[0] = 0
  em[1] = 1
  em[k - digestInfo.length - 1] = 0
  em.set(digestInfo, k - digestInfo.length)
  e1Jwks = [e1]
  e1Token = `${input}.${b64u(em)}`

  const small = generateKeyPairSync('rsa', { modulusLength: 1024 })
  rsa1024Jwks = [{ ...small.publicKey.export({ format: 'jwk' }), kid: 'rsa-1024', alg: 'RS256' } as jose.JWK]
  const smallInput = `${segment({ alg: 'RS256', kid: 'rsa-1024', typ: 'JWT' })}.${segment(defaultClaims())}`
  rsa1024Token = `${smallInput}.${b64u(new Uint8Array(nodeSign('sha256', Buffer.from(smallInput), small.privateKey)))}`
})

/** Both accept. */
const AGREE_ACCEPT: Case[] = [
  ...ALGS.map((alg): Case => ({ name: `a valid ${alg} token`, token: () => sign(keys[alg]) })),
  {
    name: 'exp one second inside the tolerance',
    token: () => sign(keys.ES256, { claims: { exp: T - TOLERANCE + 1 } }),
  },
  { name: 'nbf at the tolerance boundary', token: () => sign(keys.ES256, { claims: { nbf: T + TOLERANCE } }) },
  { name: 'iat at the tolerance boundary', token: () => sign(keys.ES256, { claims: { iat: T + TOLERANCE } }) },
  {
    name: 'aud array with our client and azp = our client',
    token: () => sign(keys.ES256, { claims: { aud: ['x', CLIENT], azp: CLIENT } }),
  },
  { name: 'azp equal to the only aud', token: () => sign(keys.ES256, { claims: { azp: CLIENT } }) },
  {
    name: 'unknown extra claims and header members',
    token: () => sign(keys.ES256, { claims: { foo: { bar: [1] } }, header: { x: 1 } }),
  },
  { name: 'typ application/jwt', token: () => sign(keys.ES256, { header: { typ: 'application/jwt' } }) },
  {
    name: 'no typ',
    token: () => signSegments(keys.ES256, segment({ alg: 'ES256', kid: keys.ES256.kid }), segment(defaultClaims())),
  },
  {
    name: 'no kid, one key fits the alg',
    token: () => signSegments(keys.ES384, segment({ alg: 'ES384' }), segment(defaultClaims())),
  },
  {
    name: '"__proto__" and "constructor" claims',
    token: () => withPayloadText(claimsText(',"__proto__":{"x":1},"constructor":{}')),
  },
  // RFC 7515 §4 / RFC 8259: duplicate members may be rejected or the last one taken; both take the last.
  {
    name: 'a high-S ECDSA signature (n − s)',
    token: async () => {
      const token = await sign(keys.ES256)
      const sig = signatureBytes(token)
      const s = bytesToBigint(sig.subarray(32))
      return withSignature(token, new Uint8Array([...sig.subarray(0, 32), ...bigintToBytes(CURVE_ORDER.ES256 - s, 32)]))
    },
  },
]

/** Both reject (our code pinned). */
const AGREE_REJECT: Rejected[] = [
  {
    name: 'expired beyond the tolerance',
    ours: 'ERR_TOKEN_EXPIRED',
    claim: 'exp',
    token: () => sign(keys.ES256, { claims: { exp: T - TOLERANCE - 1 } }),
  },
  {
    name: 'exp exactly at the tolerance boundary',
    ours: 'ERR_TOKEN_EXPIRED',
    claim: 'exp',
    token: () => sign(keys.ES256, { claims: { exp: T - TOLERANCE } }),
  },
  {
    name: 'nbf beyond the tolerance',
    ours: 'ERR_TOKEN_NOT_YET_VALID',
    claim: 'nbf',
    token: () => sign(keys.ES256, { claims: { nbf: T + TOLERANCE + 1 } }),
  },
  {
    name: 'wrong iss',
    ours: 'ERR_CLAIM_INVALID',
    claim: 'iss',
    token: () => sign(keys.ES256, { claims: { iss: 'https://other.example' } }),
  },
  {
    name: 'iss with a trailing slash',
    ours: 'ERR_CLAIM_INVALID',
    claim: 'iss',
    token: () => sign(keys.ES256, { claims: { iss: `${ISSUER}/` } }),
  },
  { name: 'missing iss', ours: 'ERR_CLAIM_INVALID', claim: 'iss', token: () => sign(keys.ES256, { omit: ['iss'] }) },
  {
    name: 'wrong aud',
    ours: 'ERR_CLAIM_INVALID',
    claim: 'aud',
    token: () => sign(keys.ES256, { claims: { aud: 'other' } }),
  },
  { name: 'aud []', ours: 'ERR_CLAIM_INVALID', claim: 'aud', token: () => sign(keys.ES256, { claims: { aud: [] } }) },
  { name: 'missing aud', ours: 'ERR_CLAIM_INVALID', claim: 'aud', token: () => sign(keys.ES256, { omit: ['aud'] }) },
  {
    name: 'exp a string',
    ours: 'ERR_TOKEN_MALFORMED',
    claim: 'exp',
    token: () => withPayloadText(claimsText(',"exp":"1800000600"', ['exp'])),
  },
  {
    name: 'iat a string',
    ours: 'ERR_TOKEN_MALFORMED',
    claim: 'iat',
    token: () => withPayloadText(claimsText(',"iat":"1"', ['iat'])),
  },
  {
    name: 'nbf a string',
    ours: 'ERR_TOKEN_MALFORMED',
    claim: 'nbf',
    token: () => withPayloadText(claimsText(',"nbf":"1"')),
  },
  {
    name: 'nbf 1e400 (Infinity)',
    ours: 'ERR_TOKEN_MALFORMED',
    claim: 'nbf',
    token: () => withPayloadText(claimsText(',"nbf":1e400')),
  },
  {
    name: 'aud a number',
    ours: 'ERR_TOKEN_MALFORMED',
    claim: 'aud',
    token: () => withPayloadText(claimsText(',"aud":42', ['aud'])),
  },
  {
    name: 'alg none',
    ours: 'ERR_ALG_NOT_ALLOWED',
    token: async () => `${segment({ alg: 'none' })}.${segment(defaultClaims())}.`,
  },
  {
    name: 'HS256 keyed with the public key JSON',
    ours: 'ERR_ALG_NOT_ALLOWED',
    token: async () => {
      const input = `${segment({ alg: 'HS256', kid: keys.RS256.kid })}.${segment(defaultClaims())}`
      const { createHmac } = await import('node:crypto')
      return `${input}.${b64u(new Uint8Array(createHmac('sha256', JSON.stringify(keys.RS256.publicJwk)).update(input).digest()))}`
    },
  },
  {
    name: 'crit with an unknown extension',
    ours: 'ERR_HEADER_UNSUPPORTED',
    token: () =>
      signSegments(
        keys.ES256,
        segment({ alg: 'ES256', kid: keys.ES256.kid, crit: ['x'], x: 1 }),
        segment(defaultClaims()),
      ),
  },
  {
    name: 'b64: false under crit',
    ours: 'ERR_HEADER_UNSUPPORTED',
    token: () =>
      signSegments(
        keys.ES256,
        segment({ alg: 'ES256', kid: keys.ES256.kid, crit: ['b64'], b64: false }),
        segment(defaultClaims()),
      ),
  },
  {
    name: 'two parts',
    ours: 'ERR_TOKEN_MALFORMED',
    token: async () => (await sign(keys.ES256)).split('.').slice(0, 2).join('.'),
  },
  { name: 'four parts', ours: 'ERR_TOKEN_MALFORMED', token: async () => `${await sign(keys.ES256)}.AAAA` },
  {
    name: '"+" or "/" in the signature',
    ours: 'ERR_TOKEN_MALFORMED',
    token: () => respellSignatureWith('ES256', (sig) => sig.replace(/-/g, '+').replace(/_/g, '/')),
  },
  {
    name: 'a flipped signature byte',
    ours: 'ERR_SIGNATURE_INVALID',
    token: async () => {
      const t = await sign(keys.RS256)
      const s = signatureBytes(t)
      s[10] = s[10]! ^ 1
      return withSignature(t, s)
    },
  },
  {
    name: 'a truncated signature',
    ours: 'ERR_SIGNATURE_INVALID',
    token: async () => {
      const t = await sign(keys.PS256)
      return withSignature(t, signatureBytes(t).subarray(1))
    },
  },
  {
    name: 'a DER-encoded ECDSA signature',
    ours: 'ERR_SIGNATURE_INVALID',
    token: async () => {
      const t = await sign(keys.ES384)
      return withSignature(t, rawToDer(signatureBytes(t)))
    },
  },
  {
    name: 'psychic ECDSA signature r = s = 0',
    ours: 'ERR_SIGNATURE_INVALID',
    token: async () => withSignature(await sign(keys.ES256), new Uint8Array(64)),
  },
  { name: 'an RSA 1024 key', ours: 'ERR_KEY_NOT_FOUND', jwks: () => rsa1024Jwks, token: async () => rsa1024Token },
  {
    name: 'no kid, two keys fit the alg',
    ours: 'ERR_KEY_NOT_FOUND',
    jwks: () => [noAlg(keys.RS256.publicJwk), noAlg(keys.RS384.publicJwk)],
    token: () => signSegments(keys.RS256, segment({ alg: 'RS256' }), segment(defaultClaims())),
  },
  {
    name: 'key with use enc',
    ours: 'ERR_KEY_NOT_FOUND',
    jwks: () => [{ ...keys.ES256.publicJwk, use: 'enc' }],
    token: () => sign(keys.ES256),
  },
  {
    name: 'key_ops without verify',
    ours: 'ERR_KEY_NOT_FOUND',
    jwks: () => [{ ...keys.ES256.publicJwk, key_ops: ['sign'] }],
    token: () => sign(keys.ES256),
  },
  {
    name: 'key alg RS256 for a PS256 token',
    ours: 'ERR_KEY_NOT_FOUND',
    jwks: () => [{ ...keys.PS256.publicJwk, alg: 'RS256' }],
    token: () => sign(keys.PS256),
  },
  {
    name: 'EC key on the wrong curve',
    ours: 'ERR_KEY_NOT_FOUND',
    jwks: () => [{ ...noAlg(keys.ES384.publicJwk), kid: keys.ES256.kid }],
    token: () => sign(keys.ES256),
  },
  {
    name: 'a private JWK in the set',
    ours: 'ERR_KEY_NOT_FOUND',
    jwks: () => privateJwks,
    token: () => sign(keys.ES256),
  },
  { name: 'unknown kid', ours: 'ERR_KEY_NOT_FOUND', token: () => sign({ ...keys.ES256, kid: 'nope' }) },
  {
    name: 'embedded jwk of an attacker with a real kid',
    ours: 'ERR_SIGNATURE_INVALID',
    token: async () => sign({ ...attacker, kid: keys.ES256.kid }, { header: { jwk: attacker.publicJwk } }),
  },
  {
    name: 'header not JSON',
    ours: 'ERR_TOKEN_MALFORMED',
    token: () => withBytes('{alg:ES256}', JSON.stringify(defaultClaims())),
  },
  { name: 'payload a JSON array', ours: 'ERR_TOKEN_MALFORMED', token: () => withPayloadText('[]') },
  {
    name: 'payload not UTF-8',
    ours: 'ERR_TOKEN_MALFORMED',
    token: () =>
      withBytes(
        JSON.stringify({ alg: 'ES256', kid: keys.ES256.kid }),
        new Uint8Array([...encoder.encode(claimsText(',"x":"')), 0xff, 0x22, 0x7d]),
      ),
  },
]

/** We reject, jose accepts: each case is a rule of OpenID Connect or of this library's stricter parsing or key policy. */
const STRICTER_THAN_JWT: Documented[] = [
  {
    name: 'duplicate "iss", the last one right',
    ours: 'ERR_TOKEN_MALFORMED',
    why: 'RFC 7519 §4: a repeated claim name is refused (JSON.parse keeps the last, other parsers the first)',
    token: () => withPayloadText(`{"iss":"https://evil.example",${claimsText('').slice(1)}`),
  },
  {
    name: 'missing exp',
    ours: 'ERR_CLAIM_INVALID',
    claim: 'exp',
    why: 'OIDC Core §2: exp is REQUIRED',
    token: () => sign(keys.ES256, { omit: ['exp'] }),
  },
  {
    name: 'missing iat',
    ours: 'ERR_CLAIM_INVALID',
    claim: 'iat',
    why: 'OIDC Core §2: iat is REQUIRED',
    token: () => sign(keys.ES256, { omit: ['iat'] }),
  },
  {
    name: 'missing sub',
    ours: 'ERR_CLAIM_INVALID',
    claim: 'sub',
    why: 'OIDC Core §2: sub is REQUIRED',
    token: () => sign(keys.ES256, { omit: ['sub'] }),
  },
  {
    name: 'empty sub',
    ours: 'ERR_CLAIM_INVALID',
    claim: 'sub',
    why: 'OIDC Core §2: a locally unique identifier cannot be empty',
    token: () => sign(keys.ES256, { claims: { sub: '' } }),
  },
  {
    name: 'sub a number',
    ours: 'ERR_TOKEN_MALFORMED',
    claim: 'sub',
    why: 'RFC 7519 §4.1.2: sub is a string; jose checks it only with a subject option',
    token: () => withPayloadText(claimsText(',"sub":42', ['sub'])),
  },
  {
    name: 'iat beyond the tolerance in the future',
    ours: 'ERR_TOKEN_NOT_YET_VALID',
    claim: 'iat',
    why: 'OIDC Core 3.1.3.7 step 10; jose checks iat only with maxTokenAge',
    token: () => sign(keys.ES256, { claims: { iat: T + TOLERANCE + 1 } }),
  },
  {
    name: 'iat 1e400 (Infinity)',
    ours: 'ERR_TOKEN_MALFORMED',
    claim: 'iat',
    why: 'a NumericDate is finite; jose only checks typeof number',
    token: () => withPayloadText(claimsText(',"iat":1e400', ['iat'])),
  },
  {
    name: 'exp 1e400 (Infinity: never expires)',
    ours: 'ERR_TOKEN_MALFORMED',
    claim: 'exp',
    why: 'a NumericDate is finite; jose only checks typeof number',
    token: () => withPayloadText(claimsText(',"exp":1e400', ['exp'])),
  },
  {
    name: 'several aud without azp',
    ours: 'ERR_CLAIM_INVALID',
    claim: 'azp',
    why: 'OIDC Core 3.1.3.7 step 4 (azp SHOULD be present; required here)',
    token: () => sign(keys.ES256, { claims: { aud: [CLIENT, 'other'] } }),
  },
  {
    name: 'a foreign azp',
    ours: 'ERR_CLAIM_INVALID',
    claim: 'azp',
    why: 'OIDC Core 3.1.3.7 step 5',
    token: () => sign(keys.ES256, { claims: { azp: 'other' } }),
  },
  {
    name: 'aud array with a number',
    ours: 'ERR_TOKEN_MALFORMED',
    claim: 'aud',
    why: 'RFC 7519 §4.1.3: an array of strings; jose only looks for its audience in it',
    token: () => withPayloadText(claimsText(`,"aud":["${CLIENT}",42]`, ['aud'])),
  },
  {
    name: 'nonce an array',
    ours: 'ERR_TOKEN_MALFORMED',
    claim: 'nonce',
    why: 'OIDC Core §2: nonce is a string',
    token: () => withPayloadText(claimsText(',"nonce":["n"]')),
  },
  {
    name: 'amr a string',
    ours: 'ERR_TOKEN_MALFORMED',
    claim: 'amr',
    why: 'OIDC Core §2: amr is an array of strings',
    token: () => withPayloadText(claimsText(',"amr":"pwd"')),
  },
  {
    name: 'auth_time a string',
    ours: 'ERR_TOKEN_MALFORMED',
    claim: 'auth_time',
    why: 'OIDC Core §2: auth_time is a number',
    token: () => withPayloadText(claimsText(',"auth_time":"1"')),
  },
  {
    name: 'auth_time beyond the tolerance in the future',
    ours: 'ERR_CLAIM_INVALID',
    claim: 'auth_time',
    why: 'an authentication cannot happen after the token was checked',
    token: () => sign(keys.ES256, { claims: { auth_time: T + TOLERANCE + 1 } }),
  },
  {
    name: 'typ at+jwt',
    ours: 'ERR_HEADER_UNSUPPORTED',
    why: 'RFC 9068: an access token is not an ID token (token confusion)',
    token: () => sign(keys.ES256, { header: { typ: 'at+jwt' } }),
  },
  {
    name: 'typ logout+jwt',
    ours: 'ERR_HEADER_UNSUPPORTED',
    why: 'OIDC Back-Channel Logout: a logout token is not an ID token',
    token: () => sign(keys.ES256, { header: { typ: 'logout+jwt' } }),
  },
  {
    name: 'b64: false without crit',
    ours: 'ERR_HEADER_UNSUPPORTED',
    why: 'RFC 7797 §6 requires crit; jose then ignores b64, we refuse it outright',
    token: () =>
      signSegments(keys.ES256, segment({ alg: 'ES256', kid: keys.ES256.kid, b64: false }), segment(defaultClaims())),
  },
  {
    name: 'crit: ["b64"] with b64: true',
    ours: 'ERR_HEADER_UNSUPPORTED',
    why: 'we understand no critical extension, not even a no-op b64',
    token: () =>
      signSegments(
        keys.ES256,
        segment({ alg: 'ES256', kid: keys.ES256.kid, b64: true, crit: ['b64'] }),
        segment(defaultClaims()),
      ),
  },
  {
    name: 'BOM before the payload JSON',
    ours: 'ERR_TOKEN_MALFORMED',
    why: "RFC 8259 §8.1: no BOM in networked JSON; jose's TextDecoder drops it",
    token: () => withBytes(JSON.stringify({ alg: 'ES256', kid: keys.ES256.kid }), bom(JSON.stringify(defaultClaims()))),
  },
  {
    name: 'BOM before the header JSON',
    ours: 'ERR_TOKEN_MALFORMED',
    why: 'RFC 8259 §8.1, as above',
    token: () => withBytes(bom(JSON.stringify({ alg: 'ES256', kid: keys.ES256.kid })), JSON.stringify(defaultClaims())),
  },
  {
    name: 'a newline at the end of the signature',
    ours: 'ERR_TOKEN_MALFORMED',
    why: 'RFC 7515 §2: base64url without whitespace; atob() strips it',
    token: () => respellSignatureWith('RS256', (sig) => `${sig}\n`),
  },
  {
    name: 'a space inside the signature',
    ours: 'ERR_TOKEN_MALFORMED',
    why: 'RFC 7515 §2, as above',
    token: () => respellSignatureWith('EdDSA', (sig) => `${sig.slice(0, 10)} ${sig.slice(10)}`),
  },
  {
    name: '"=" padding on the signature',
    ours: 'ERR_TOKEN_MALFORMED',
    why: 'RFC 7515 §2: no padding; atob() accepts it',
    token: () => respellSignatureWith('ES256', (sig) => `${sig}==`),
  },
  {
    name: 'a non-canonical last signature character',
    ours: 'ERR_TOKEN_MALFORMED',
    why: 'one byte string, one spelling: non-zero trailing bits are refused; atob() ignores them',
    token: () => respellSignatureWith('EdDSA', lastCharNonCanonical),
  },
  {
    name: 'an RSA key with e = 1 and a signature forged without the private key',
    ours: 'ERR_KEY_NOT_FOUND',
    why: 'key policy: e = 1 makes the signature equal the encoded message; WebCrypto imports such a key',
    jwks: () => e1Jwks,
    token: async () => e1Token,
  },
  {
    name: 'a token longer than maxTokenLength (16384)',
    ours: 'ERR_TOKEN_MALFORMED',
    why: 'bounded input before any parsing',
    token: () => sign(keys.ES256, { claims: { pad: 'p'.repeat(16_384) } }),
  },
]

/** We accept, jose rejects: its key matching is stricter in these details. */
const LOOSER_THAN_JOSE: Case[] = [
  // API.md: "Ed25519 as an alias where the key is OKP/Ed25519" — a key published with alg EdDSA verifies a
  // token whose header says Ed25519 (RFC 9864's fully-specified name for the same algorithm). jose compares
  // the key's alg to the header's alg exactly.
  { name: 'header alg Ed25519, key alg EdDSA', token: () => sign(keys.EdDSA, { header: { alg: 'Ed25519' } }) },
  // jose requires key_ops without duplicates (RFC 7517 §4.3 "MUST NOT" list duplicates); we only ask for "verify".
  {
    name: 'key_ops ["verify", "verify"]',
    jwks: () => [{ ...keys.ES256.publicJwk, key_ops: ['verify', 'verify'] }],
    token: () => sign(keys.ES256),
  },
  // jose requires ext, when present, to be a boolean; we ignore ext (it describes a private key's exportability).
  {
    name: 'ext: "yes"',
    jwks: () => [{ ...keys.ES256.publicJwk, ext: 'yes' } as unknown as jose.JWK],
    token: () => sign(keys.ES256),
  },
]

let attacker: TestKey
let privateJwks: jose.JWK[] = []
beforeAll(async () => {
  attacker = await makeKey('ES256', 'attacker')
  privateJwks = [{ ...(await jose.exportJWK(keys.ES256.privateKey)), kid: keys.ES256.kid, alg: 'ES256' }]
})

async function respellSignatureWith(alg: Alg, respell: (sig: string) => string): Promise<string> {
  // Re-sign until the signature has "-" or "_" and a partial last quantum, so every respelling changes it.
  for (let i = 0; ; i++) {
    const token = await sign(keys[alg], { claims: { jti: `j${i}` } })
    const sig = token.slice(token.lastIndexOf('.') + 1)
    if (/[-_]/.test(sig) && sig.length % 4 >= 2) return withSignature(token, respell(sig))
  }
}

async function run(testCase: Case): Promise<{ ours: Outcome; jose: Outcome }> {
  const target = testCase.jwks === undefined ? both : pair(testCase.jwks())
  const token = await testCase.token()
  return { ours: await target.ours(token), jose: await target.jose(token) }
}

describe('agreement', () => {
  for (const testCase of AGREE_ACCEPT) {
    it(`both accept: ${testCase.name}`, async () => {
      expect(await run(testCase)).toEqual({ ours: { accepted: true }, jose: { accepted: true } })
    })
  }
  for (const testCase of AGREE_REJECT) {
    it(`both reject: ${testCase.name}`, async () => {
      const { ours, jose: theirs } = await run(testCase)
      expect(ours).toMatchObject({
        accepted: false,
        code: testCase.ours,
        ...(testCase.claim === undefined ? {} : { claim: testCase.claim }),
      })
      expect(theirs.accepted).toBe(false)
    })
  }
})

describe('STRICTER_THAN_JWT: OpenID Connect and strict parsing reject what jose accepts', () => {
  for (const testCase of STRICTER_THAN_JWT) {
    it(`${testCase.name} (${testCase.why})`, async () => {
      const { ours, jose: theirs } = await run(testCase)
      expect(theirs).toEqual({ accepted: true })
      expect(ours).toMatchObject({
        accepted: false,
        code: testCase.ours,
        ...(testCase.claim === undefined ? {} : { claim: testCase.claim }),
      })
    })
  }
})

describe('LOOSER_THAN_JOSE: key-matching details where jose refuses and we accept', () => {
  for (const testCase of LOOSER_THAN_JOSE) {
    it(testCase.name, async () => {
      const { ours, jose: theirs } = await run(testCase)
      expect(ours).toEqual({ accepted: true })
      expect(theirs.accepted).toBe(false)
    })
  }
})

describe('mutated tokens', () => {
  const PER_ALG = 60

  /** The only disagreement a mutation may cause: jose reads a lax spelling of the same signature bytes. */
  function laxRespelling(original: string, mutated: string): boolean {
    const a = original.split('.')
    const b = mutated.split('.')
    return b.length === 3 && a[0] === b[0] && a[1] === b[1] && sameBytes(joseLaxDecode(b[2]!), joseLaxDecode(a[2]!))
  }

  for (const alg of ALGS) {
    it(`${alg}: ${PER_ALG} seeded mutations get the same verdict, except lax respellings of the signature`, async () => {
      const token = await sign(keys[alg])
      const mutants = fc
        .sample(mutationsArb, { seed: 7_000 + ALGS.indexOf(alg), numRuns: PER_ALG })
        .map((mutations) => applyMutations(token, mutations))
      // Lax respellings jose forgives, added so that every run exercises that class.
      const sig = token.slice(token.lastIndexOf('.') + 1)
      mutants.push(withSignature(token, `${sig}\n`), withSignature(token, ` ${sig}`), token)
      let laxOnes = 0
      for (const mutated of mutants) {
        const ours = await both.ours(mutated)
        const theirs = await both.jose(mutated)
        if (mutated === token) {
          expect({ ours, theirs }).toEqual({ ours: { accepted: true }, theirs: { accepted: true } })
        } else if (ours.accepted !== theirs.accepted) {
          // Only ever: we reject as malformed what jose decodes leniently to the very same signature.
          expect(ours).toMatchObject({ accepted: false, code: 'ERR_TOKEN_MALFORMED' })
          expect(laxRespelling(token, mutated)).toBe(true)
          laxOnes++
        } else {
          expect(ours.accepted).toBe(false)
        }
      }
      expect(laxOnes).toBeGreaterThanOrEqual(2)
    })
  }
})
