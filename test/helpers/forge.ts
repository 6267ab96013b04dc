// Hand-made tokens for attack and differential tests: any header bytes, any payload bytes, any
// segment spelling, signed with WebCrypto directly (not through src/), so that a test can make the
// *only* thing wrong with a token the one property it is about.
import { expect } from 'vitest'
import { IdTokenError, ERROR_CODES, type IdTokenErrorCode } from '../../src/errors.ts'
import type { IdTokenVerifier } from '../../src/verifier.ts'
import type { VerifyChecks } from '../../src/lib/claims.ts'
import { defaultClaims, type TestKey } from './issuer.ts'

const encoder = new TextEncoder()

export function b64u(input: Uint8Array | string): string {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input
  return Buffer.from(bytes).toString('base64url')
}

/** Strict inverse of b64u for test-side decoding of well-formed segments. */
export function unb64u(segment: string): Uint8Array {
  return new Uint8Array(Buffer.from(segment, 'base64url'))
}

/** A JSON value (or raw JSON text / raw bytes) as one base64url segment. */
export function segment(value: unknown): string {
  if (value instanceof Uint8Array) return b64u(value)
  if (typeof value === 'string') return b64u(value)
  return b64u(JSON.stringify(value))
}

/** WebCrypto sign parameters per JWS alg (RFC 7518 §3). */
export function signParams(alg: string): AlgorithmIdentifier | RsaPssParams | EcdsaParams {
  if (alg.startsWith('RS')) return { name: 'RSASSA-PKCS1-v1_5' }
  if (alg.startsWith('PS')) return { name: 'RSA-PSS', saltLength: Number(alg.slice(2)) / 8 } as RsaPssParams
  if (alg.startsWith('ES')) return { name: 'ECDSA', hash: `SHA-${alg === 'ES512' ? 512 : alg.slice(2)}` } as EcdsaParams
  return { name: 'Ed25519' }
}

/** Signs the exact ASCII `headerSegment.payloadSegment` with the key's private half. */
export async function signSegments(key: TestKey, headerSegment: string, payloadSegment: string): Promise<string> {
  const input = encoder.encode(`${headerSegment}.${payloadSegment}`)
  const signature = new Uint8Array(await crypto.subtle.sign(signParams(key.alg), key.privateKey, input))
  return `${headerSegment}.${payloadSegment}.${b64u(signature)}`
}

/** A token with the given header (defaults: the key's alg and kid, typ JWT) and claims (defaults from issuer.ts). */
export function forge(
  key: TestKey,
  header: Record<string, unknown> = {},
  claims: Record<string, unknown> = {},
): Promise<string> {
  return signSegments(
    key,
    segment({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header }),
    segment({ ...defaultClaims(), ...claims }),
  )
}

export function signatureBytes(token: string): Uint8Array {
  return unb64u(token.slice(token.lastIndexOf('.') + 1))
}

export function withSignature(token: string, signature: Uint8Array | string): string {
  const sig = typeof signature === 'string' ? signature : b64u(signature)
  return `${token.slice(0, token.lastIndexOf('.'))}.${sig}`
}

// Group orders n (SEC 2 v2, FIPS 186-4 D.1.2), written out here independently of src/lib/algorithms.ts.
export const CURVE_ORDER: Readonly<Record<'ES256' | 'ES384' | 'ES512', bigint>> = {
  ES256: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  ES384: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  ES512:
    0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
}
export const ECDSA_SIZE = { ES256: 32, ES384: 48, ES512: 66 } as const

export function bigintToBytes(value: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size)
  let v = value
  for (let i = size - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  if (v !== 0n) throw new RangeError('value does not fit')
  return out
}

export function bytesToBigint(bytes: Uint8Array): bigint {
  let v = 0n
  for (const byte of bytes) v = (v << 8n) | BigInt(byte)
  return v
}

/** Raw r‖s (JWS) → ASN.1 DER `SEQUENCE { INTEGER r, INTEGER s }` (what X.509 / node:crypto default use). */
export function rawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2
  const integer = (bytes: Uint8Array): number[] => {
    let i = 0
    while (i < bytes.length - 1 && bytes[i] === 0) i++
    const body = [...bytes.subarray(i)]
    if (body[0]! & 0x80) body.unshift(0)
    return [0x02, ...derLength(body.length), ...body]
  }
  const content = [...integer(raw.subarray(0, half)), ...integer(raw.subarray(half))]
  return new Uint8Array([0x30, ...derLength(content.length), ...content])
}

function derLength(length: number): number[] {
  if (length < 0x80) return [length]
  if (length < 0x100) return [0x81, length]
  return [0x82, length >> 8, length & 0xff]
}

/**
 * jose 6's base64url decoder on runtimes without `Uint8Array.fromBase64` (Node 20): refuse `+` and `/`,
 * map the URL alphabet, then `atob` (forgiving-base64: strips ASCII whitespace, accepts `=` padding and
 * non-zero trailing bits). Returns undefined where jose would throw.
 */
export function joseLaxDecode(input: string): Uint8Array | undefined {
  if (input.includes('+') || input.includes('/')) return undefined
  try {
    const binary = atob(input.replace(/-/g, '+').replace(/_/g, '/'))
    return Uint8Array.from(binary, (c) => c.charCodeAt(0))
  } catch {
    return undefined
  }
}

export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i])
}

export interface Expectation {
  claim?: string
  checks?: VerifyChecks
  /** Strings that must not appear in the error message (claim values the token supplied). */
  secrets?: readonly string[]
}

/**
 * Verifies `token` and asserts an IdTokenError with exactly `code` (and `claim`, when given), whose message
 * carries neither the token, nor any of its segments, nor any of `secrets`. Returns the error.
 */
export async function expectCode(
  verifier: IdTokenVerifier,
  token: unknown,
  code: IdTokenErrorCode,
  expectation: Expectation = {},
): Promise<IdTokenError> {
  let error: unknown
  try {
    await verifier.verify(token as string, expectation.checks)
  } catch (caught) {
    error = caught
  }
  if (error === undefined) throw new Error(`expected ${code}, but the token verified`)
  expect(error).toBeInstanceOf(IdTokenError)
  const e = error as IdTokenError
  expect(e.name).toBe('IdTokenError')
  expect(ERROR_CODES).toContain(e.code)
  expect({ code: e.code, message: e.message }).toMatchObject({ code })
  if (expectation.claim !== undefined) expect(e.claim).toBe(expectation.claim)
  assertNoLeak(e, token, expectation.secrets)
  return e
}

/** The message and the own properties of an error carry no token, no token segment and no secret. */
export function assertNoLeak(error: IdTokenError, token: unknown, secrets: readonly string[] = []): void {
  const needles = [...secrets]
  if (typeof token === 'string' && token.length > 0) {
    needles.push(token)
    for (const part of token.split('.')) if (part.length >= 12) needles.push(part)
  }
  const visible = [error.message, error.code, String(error.claim), String(error), JSON.stringify(error)]
  for (const text of visible) {
    for (const needle of needles) {
      if (text.includes(needle))
        throw new Error(`the error exposes ${JSON.stringify(needle.slice(0, 40))}: ${text.slice(0, 200)}`)
    }
  }
}
