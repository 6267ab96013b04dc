import { decodeBase64Url } from './base64url.ts'
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
  const dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1)
  if (dot2 < 0) fail('ERR_TOKEN_MALFORMED', 'the token is not a compact JWS of three parts')
  if (token.indexOf('.', dot2 + 1) >= 0) {
    fail('ERR_TOKEN_MALFORMED', 'the token has more than three parts (an encrypted JWE is not supported)')
  }
  return { token, dot1, dot2 }
}

/**
 * Decodes a segment as base64url → fatal UTF-8 → JSON → object whose member names are unique, failing with
 * the segment's name.
 */
export function decodeJsonSegment(token: string, start: number, end: number, what: string): Record<string, unknown> {
  const bytes = decodeBase64Url(token, start, end)
  if (bytes === undefined) fail('ERR_TOKEN_MALFORMED', `the ${what} is not exact base64url`)
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
  const repeated = repeatedMember(text)
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

export function decodeSignature(parts: CompactParts): Uint8Array<ArrayBuffer> {
  const signature = decodeBase64Url(parts.token, parts.dot2 + 1)
  if (signature === undefined || signature.length === 0) {
    fail('ERR_TOKEN_MALFORMED', 'the signature is empty or not exact base64url')
  }
  return signature
}

const encoder = /* @__PURE__ */ new TextEncoder()

/** RFC 7515 §5.2: the signing input is the ASCII of the first two segments with their dot. */
export function signingInput(parts: CompactParts): Uint8Array<ArrayBuffer> {
  return encoder.encode(parts.token.slice(0, parts.dot2))
}
