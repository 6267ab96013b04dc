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
  const last = tail === 0 ? 0 : sextet(input, end - 1)
  if (tail === 1 || last > 63 || (last & (tail === 2 ? 15 : 3)) !== 0) return undefined
  const native = (out as { setFromBase64?: SetFromBase64 }).setFromBase64
  if (native !== undefined) {
    // The platform decoder (browsers, Deno, Bun) is faster but lenient: it skips whitespace, takes padding and
    // ignores unused bits. Exactness is restored around it: a skipped or padding character shortens the output,
    // and the last character's unused bits were checked above.
    try {
      return native.call(out, input.slice(start, end), LOOSE).written === out.length ? out : undefined
    } catch {
      return undefined
    }
  }
  let o = 0
  let bad = 0
  for (let i = start; i < end; i += 4) {
    // A short last group reads its missing characters as zero; the bytes they would fill lie past the end of
    // `out`, where a typed array ignores writes.
    const a = sextet(input, i)
    const b = sextet(input, i + 1)
    const c = i + 2 < end ? sextet(input, i + 2) : 0
    const d = i + 3 < end ? sextet(input, i + 3) : 0
    // Any INVALID (255) sets bits above 63, so one comparison at the end checks them all.
    bad |= a | b | c | d
    out[o++] = (a << 2) | (b >> 4)
    out[o++] = ((b & 15) << 4) | (c >> 2)
    out[o++] = ((c & 3) << 6) | d
  }
  return bad < 64 ? out : undefined
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
