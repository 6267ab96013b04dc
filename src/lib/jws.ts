import { decodeBase64Url, decodedLength } from './base64url.ts'
import { fail } from './fail.ts'
import { isObject } from './jwks.ts'
import { repeatedMember } from './json-members.ts'

/** The three segments of a compact JWS, located by one scan for the two dots. */
export interface CompactParts {
  readonly token: string
  readonly dot1: number
  readonly dot2: number
}

const utf8 = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

export function splitCompact(token: unknown, maxLength: number): CompactParts {
  if (typeof token !== 'string') fail('ERR_TOKEN_MALFORMED', 'the token is not a string')
  if (token.length > maxLength) fail('ERR_TOKEN_MALFORMED', `the token is longer than ${maxLength} characters`)
  // An Authorization header value passed whole: say so rather than "not base64url".
  if (token.charCodeAt(6) === 32 && /^bearer /i.test(token)) {
    fail(
      'ERR_TOKEN_MALFORMED',
      'the token starts with "Bearer ": pass the token alone, without the authorization scheme',
    )
  }
  const dot1 = token.indexOf('.')
  // With no dot at all, this searches from 0 and finds none either.
  const dot2 = token.indexOf('.', dot1 + 1)
  if (dot2 < 0) fail('ERR_TOKEN_MALFORMED', 'the token is not a compact JWS of three parts')
  if (token.indexOf('.', dot2 + 1) >= 0) {
    fail('ERR_TOKEN_MALFORMED', 'the token has more than three parts (an encrypted JWE is not supported)')
  }
  return { token, dot1, dot2 }
}

/** The payload's bytes, for JWS payloads that need not be JSON (the test vectors' plain text). */
export function decodePayloadBytes(parts: CompactParts): Uint8Array<ArrayBuffer> {
  return decodeSegment(parts.token, parts.dot1 + 1, parts.dot2, 'payload').slice()
}

// Segments are decoded to text at once, so one buffer serves every call: in Chromium a new ArrayBuffer costs
// about as much as decoding into it. The bytes are valid until the next call.
let scratch = /* @__PURE__ */ new Uint8Array(0)

function decodeSegment(token: string, start: number, end: number, what: string): Uint8Array<ArrayBuffer> {
  const size = decodedLength(end - start)
  if (scratch.length < size) scratch = new Uint8Array(size)
  return (
    decodeBase64Url(token, start, end, scratch.subarray(0, size)) ??
    fail('ERR_TOKEN_MALFORMED', `the ${what} is not exact base64url`)
  )
}

/**
 * Decodes a segment as base64url → fatal UTF-8 → JSON → object whose member names are unique, failing with
 * the segment's name.
 */
export function decodeJsonSegment(token: string, start: number, end: number, what: string): Record<string, unknown> {
  const bytes = decodeSegment(token, start, end, what)
  let text: string
  let value: unknown
  try {
    text = utf8.decode(bytes)
    value = JSON.parse(text)
  } catch {
    // No cause: a SyntaxError quotes the decoded JSON, and errors never carry token content.
    fail('ERR_TOKEN_MALFORMED', `the ${what} is not UTF-8 JSON`)
  }
  if (!isObject(value)) fail('ERR_TOKEN_MALFORMED', `the ${what} is not a JSON object`)
  const repeated = repeatedMember(text, value, bytes)
  if (repeated !== undefined) {
    // Registered names are ours to quote; any other name is token content.
    const member = REGISTERED_NAMES.has(repeated) ? `the member "${repeated}"` : 'a member name'
    fail('ERR_TOKEN_MALFORMED', `the ${what} repeats ${member}`)
  }
  return value
}

// JOSE header parameters (RFC 7515 §4.1, RFC 7516 §4.1, RFC 7797) and ID token claims (RFC 7519 §4.1,
// OpenID Connect Core §2).
const REGISTERED_NAMES: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'alg',
  'jku',
  'jwk',
  'kid',
  'x5u',
  'x5c',
  'x5t',
  'x5t#S256',
  'typ',
  'cty',
  'crit',
  'b64',
  'enc',
  'zip',
  'iss',
  'sub',
  'aud',
  'exp',
  'nbf',
  'iat',
  'jti',
  'nonce',
  'azp',
  'auth_time',
  'at_hash',
  'c_hash',
  'acr',
  'amr',
  'sid',
])

/** What crypto.subtle.verify takes: the signing input and the signature, two views of one buffer. */
export interface Signed {
  readonly data: Uint8Array<ArrayBuffer>
  readonly signature: Uint8Array<ArrayBuffer>
}

// Views whose verification has settled: in Chromium a new ArrayBuffer costs about a microsecond, as much as
// filling it, and even a new view of an old one costs a quarter of that. They come back only through `release`,
// once crypto.subtle.verify has settled, since an engine may read its input after the call returns.
const spare: Signed[] = []
let encoder: TextEncoder | undefined

/**
 * Decodes the signature and encodes the signing input (RFC 7515 §5.2: the ASCII of the first two segments
 * with their dot) into one buffer.
 */
export function decodeSigned(parts: CompactParts): Signed {
  const { token, dot2 } = parts
  const size = decodedLength(token.length - dot2 - 1)
  let signed = spare.pop()
  if (signed?.data.length !== dot2 || signed.signature.length !== size) {
    // Another token's shape: new views, of the same buffer when it is big enough.
    const buffer =
      (signed?.data.buffer.byteLength ?? 0) >= dot2 + size ? signed!.data.buffer : new ArrayBuffer(dot2 + size)
    signed = { data: new Uint8Array(buffer, 0, dot2), signature: new Uint8Array(buffer, dot2, size) }
  }
  if (!decodeBase64Url(token, dot2 + 1, token.length, signed.signature)?.length) {
    fail('ERR_TOKEN_MALFORMED', 'the signature is empty or not exact base64url')
  }
  // encodeInto stops when `data` is full: all of the first two segments when they are ASCII, and no allocation
  // (TextEncoder.encode's new buffer costs more than the encoding). Otherwise (the segments' decoding refuses such
  // a token anyway) a loop: a non-ASCII character becomes 0xFF, a byte no signing input holds, so none can alias
  // another.
  const { data } = signed
  if ((encoder ??= new TextEncoder()).encodeInto(token, data).read !== dot2) {
    for (let i = 0; i < dot2; i++) {
      const code = token.charCodeAt(i)
      data[i] = code < 128 ? code : 255
    }
  }
  return signed
}

/** Hands `signed` to the next verification; only once its crypto.subtle.verify has settled. */
export function release(signed: Signed): void {
  if (spare.length < 16) spare.push(signed)
}
