// Small byte helpers over Web APIs only, so the core runs in browsers, Deno, Bun and Node.
import { base64url } from 'jose'
import { algorithmEntry } from './algorithms.ts'

const encoder = new TextEncoder()

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text)
}

export function b64u(input: Uint8Array | string): string {
  return base64url.encode(input)
}

export function b64uJson(value: unknown): string {
  return b64u(JSON.stringify(value))
}

export function randomToken(bytes = 24): string {
  return b64u(crypto.getRandomValues(new Uint8Array(bytes)))
}

/** OIDC Core 3.1.3.6: base64url of the left half of the alg's hash of the ASCII value. */
export async function halfHash(alg: string, value: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest(algorithmEntry(alg).hash, utf8(value)))
  return b64u(digest.subarray(0, digest.length / 2))
}

/** RFC 7636 4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
export async function s256(verifier: string): Promise<string> {
  return b64u(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(verifier))))
}

/** Removes `undefined` members, so `{ sub: undefined }` in an override means "leave it out". */
export function compact<T extends Record<string, unknown>>(value: T): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, member] of Object.entries(value)) if (member !== undefined) out[key] = member
  return out
}
