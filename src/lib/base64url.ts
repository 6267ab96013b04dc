// Strict base64url (RFC 4648 §5, RFC 7515 §2): the URL-safe alphabet only, no padding, no whitespace,
// and canonical (unused trailing bits must be zero), so that one byte string has exactly one encoding.

const LOOSE = { alphabet: 'base64url', lastChunkHandling: 'loose' } as const

type SetFromBase64 = (input: string, options: typeof LOOSE) => { written: number }

/** How many bytes `length` base64url characters decode to (a length of 1 mod 4 is refused by the decoder). */
export function decodedLength(length: number): number {
  return (length * 3) >> 2
}

/**
 * Decodes `input.slice(start, end)`; returns `undefined` if it is not exact base64url. `out`, exactly
 * `decodedLength(end - start)` bytes long, spares an allocation: a view into a buffer the caller reuses.
 */
export function decodeBase64Url(
  input: string,
  start = 0,
  end: number = input.length,
  out: Uint8Array<ArrayBuffer> = new Uint8Array(decodedLength(end - start)),
): Uint8Array<ArrayBuffer> | undefined {
  const tail = (end - start) & 3
  // The last character's value, exact for the alphabet (anything else is refused by the decoding below): its
  // bits past the last whole byte must be zero.
  const c = input.charCodeAt(end - 1)
  const last = c > 96 ? c - 71 : c > 94 ? 63 : c > 64 ? c - 65 : c > 47 ? c + 4 : 62
  if (tail === 1 || (last & (tail === 2 ? 15 : tail === 3 ? 3 : 0)) !== 0) return undefined
  const text = input.slice(start, end)
  const native = (out as { setFromBase64?: SetFromBase64 }).setFromBase64
  if (native !== undefined) {
    // The platform decoder (browsers, Deno, Bun) is lenient: it skips whitespace, takes padding and ignores
    // unused bits. Exactness is restored around it: a skipped or padding character shortens the output, and the
    // last character's unused bits were checked above.
    try {
      return native.call(out, text, LOOSE).written === out.length ? out : undefined
    } catch {
      return undefined
    }
  }
  // Elsewhere (Node up to 24) atob, which also takes "+", "/", padding and whitespace: only the alphabet passes.
  if (/[^\w-]/.test(text)) return undefined
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}

/** Encodes bytes as unpadded base64url. */
export function encodeBase64Url(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!)
  return btoa(binary).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
}
