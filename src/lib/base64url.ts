// Strict base64url (RFC 4648 §5, RFC 7515 §2): the URL-safe alphabet only, no padding, no whitespace,
// and canonical (unused trailing bits must be zero), so that one byte string has exactly one encoding.

const INVALID = 255
const TABLE = /* @__PURE__ */ (() => {
  const table = new Uint8Array(128).fill(INVALID)
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  for (let i = 0; i < 64; i++) table[alphabet.charCodeAt(i)] = i
  return table
})()

type FromBase64 = (input: string, options: { alphabet: string; lastChunkHandling: string }) => Uint8Array<ArrayBuffer>

/** Decodes `input.slice(start, end)`; returns `undefined` if it is not exact base64url. */
export function decodeBase64Url(
  input: string,
  start = 0,
  end: number = input.length,
): Uint8Array<ArrayBuffer> | undefined {
  const length = end - start
  const tail = length & 3
  if (tail === 1) return undefined
  const size = (length >> 2) * 3 + (tail === 0 ? 0 : tail - 1)
  const native = (Uint8Array as unknown as { fromBase64?: FromBase64 }).fromBase64
  if (native !== undefined) {
    // The platform decoder (browsers, Deno, Bun) is faster but lenient: it skips whitespace, takes padding and
    // ignores unused bits. Exactness is restored around it: a skipped or padding character shortens the output,
    // and the last character's unused bits are checked here.
    const last = tail === 0 ? 0 : sextet(input, end - 1)
    if (last > 63 || (last & (tail === 2 ? 15 : tail === 3 ? 3 : 0)) !== 0) return undefined
    try {
      const bytes = native.call(Uint8Array, input.slice(start, end), {
        alphabet: 'base64url',
        lastChunkHandling: 'loose',
      })
      return bytes.length === size ? bytes : undefined
    } catch {
      return undefined
    }
  }
  const out = new Uint8Array(size)
  let o = 0
  let i = start
  const full = end - tail
  for (; i < full; i += 4) {
    const a = sextet(input, i)
    const b = sextet(input, i + 1)
    const c = sextet(input, i + 2)
    const d = sextet(input, i + 3)
    // Any INVALID (255) sets bits above 63, so one comparison checks all four.
    if ((a | b | c | d) > 63) return undefined
    out[o++] = (a << 2) | (b >> 4)
    out[o++] = ((b & 15) << 4) | (c >> 2)
    out[o++] = ((c & 3) << 6) | d
  }
  if (tail === 2) {
    const a = sextet(input, i)
    const b = sextet(input, i + 1)
    if ((a | b) > 63 || (b & 15) !== 0) return undefined
    out[o] = (a << 2) | (b >> 4)
  } else if (tail === 3) {
    const a = sextet(input, i)
    const b = sextet(input, i + 1)
    const c = sextet(input, i + 2)
    if ((a | b | c) > 63 || (c & 3) !== 0) return undefined
    out[o++] = (a << 2) | (b >> 4)
    out[o] = ((b & 15) << 4) | (c >> 2)
  }
  return out
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
