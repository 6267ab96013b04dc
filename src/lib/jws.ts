import { decodeBase64Url } from './base64url.ts'
import { fail } from './fail.ts'
import { isObject } from './jwks.ts'

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
  const dot1 = token.indexOf('.')
  const dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1)
  if (dot2 < 0) fail('ERR_TOKEN_MALFORMED', 'the token is not a compact JWS of three parts')
  if (token.indexOf('.', dot2 + 1) >= 0) {
    fail('ERR_TOKEN_MALFORMED', 'the token has more than three parts (an encrypted JWE is not supported)')
  }
  return { token, dot1, dot2 }
}

/** Decodes a segment as base64url → fatal UTF-8 → JSON → object, failing with the segment's name. */
export function decodeJsonSegment(token: string, start: number, end: number, what: string): Record<string, unknown> {
  const bytes = decodeBase64Url(token, start, end)
  if (bytes === undefined) fail('ERR_TOKEN_MALFORMED', `the ${what} is not exact base64url`)
  let value: unknown
  try {
    value = JSON.parse(utf8.decode(bytes))
  } catch {
    // No cause: a SyntaxError quotes the decoded JSON, and errors never carry token content.
    fail('ERR_TOKEN_MALFORMED', `the ${what} is not UTF-8 JSON`)
  }
  if (!isObject(value)) fail('ERR_TOKEN_MALFORMED', `the ${what} is not a JSON object`)
  return value
}

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
