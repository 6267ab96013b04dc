// Strict base64url (RFC 4648 §5, RFC 7515 §2): the URL-safe alphabet only, no padding, no whitespace,
// and canonical (unused trailing bits must be zero), so that one byte string has exactly one encoding.

const INVALID = 255
const TABLE = /* @__PURE__ */ (() => {
  const table = new Uint8Array(128).fill(INVALID)
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  for (let i = 0; i < 64; i++) table[alphabet.charCodeAt(i)] = i
  return table
})()
const LOOSE = { alphabet: 'base64url', lastChunkHandling: 'loose' } as const

type SetFromBase64 = (input: string, options: typeof LOOSE) => { written: number }

/** How many bytes `length` base64url characters decode to; -1 when no byte string encodes to that many. */
export function decodedLength(length: number): number {
  const tail = length & 3
  return tail === 1 ? -1 : (length >> 2) * 3 + (tail && tail - 1)
}

/** Decodes `input.slice(start, end)`; returns `undefined` if it is not exact base64url. */
export function decodeBase64Url(
  input: string,
  start = 0,
  end: number = input.length,
): Uint8Array<ArrayBuffer> | undefined {
  const size = decodedLength(end - start)
  if (size < 0) return undefined
  const out = new Uint8Array(size)
  return decodeBase64UrlInto(input, start, end, out) ? out : undefined
}

/**
 * Decodes `input.slice(start, end)` into `out`, which must be exactly `decodedLength(end - start)` bytes long
 * (a view into a larger buffer, so callers can spare an allocation). False if it is not exact base64url.
 */
export function decodeBase64UrlInto(input: string, start: number, end: number, out: Uint8Array): boolean {
  const tail = (end - start) & 3
  const last = tail === 0 ? 0 : sextet(input, end - 1)
  if (tail === 1 || last > 63 || (last & (tail === 2 ? 15 : 3)) !== 0) return false
  const native = (out as { setFromBase64?: SetFromBase64 }).setFromBase64
  if (native !== undefined) {
    // The platform decoder (browsers, Deno, Bun) is faster but lenient: it skips whitespace, takes padding and
    // ignores unused bits. Exactness is restored around it: a skipped or padding character shortens the output,
    // and the last character's unused bits were checked above.
    try {
      return native.call(out, input.slice(start, end), LOOSE).written === out.length
    } catch {
      return false
    }
  }
  let o = 0
  let i = start
  let bad = 0
  for (const full = end - tail; i < full; i += 4) {
    const a = sextet(input, i)
    const b = sextet(input, i + 1)
    const c = sextet(input, i + 2)
    const d = sextet(input, i + 3)
    // Any INVALID (255) sets bits above 63, so one comparison at the end checks them all.
    bad |= a | b | c | d
    out[o++] = (a << 2) | (b >> 4)
    out[o++] = ((b & 15) << 4) | (c >> 2)
    out[o++] = ((c & 3) << 6) | d
  }
  if (tail > 1) {
    const a = sextet(input, i)
    const b = sextet(input, i + 1)
    bad |= a | b
    out[o++] = (a << 2) | (b >> 4)
    if (tail === 3) {
      const c = sextet(input, i + 2)
      bad |= c
      out[o] = ((b & 15) << 4) | (c >> 2)
    }
  }
  return bad < 64
}

function sextet(input: string, index: number): number {
  const code = input.charCodeAt(index)
  return code < 128 ? TABLE[code]! : INVALID
}

/** Encodes bytes as unpadded base64url. */
export function encodeBase64Url(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!)
  return btoa(binary).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
}
