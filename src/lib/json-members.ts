// JSON.parse keeps the last of two equal member names; other parsers keep the first or fail. A JOSE
// header or claims set with a repeated name therefore reads differently to different readers (RFC 7515 §4,
// RFC 7519 §4 allow a verifier to refuse it), so the verifier refuses it.

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d

/**
 * The first top-level member name that occurs twice in `json`, compared after unescaping, or undefined.
 * `json` must be a JSON object text that JSON.parse accepted: the scan relies on it being well-formed.
 * Given that object, the names are only counted first (a repeat leaves fewer keys than names, since JSON.parse
 * keeps the last), and collected only when the counts differ. The scan reads `utf8`, the text's UTF-8 bytes (pass
 * them when you have them): every byte it looks for is ASCII, which UTF-8 never uses inside a longer character,
 * and bytes are read several times faster than a decoded string (in Chromium TextDecoder's are external).
 */
export function repeatedMember(
  json: string,
  parsed?: object,
  utf8: Uint8Array = new TextEncoder().encode(json),
): string | undefined {
  return parsed !== undefined && scan(utf8) === Object.keys(parsed).length
    ? undefined
    : (scan(utf8, new Set()) as string | undefined)
}

const decoder = /* @__PURE__ */ new TextDecoder()

/** The number of top-level member names; with `names`, the first that repeats (after unescaping), if any. */
function scan(utf8: Uint8Array, names?: Set<string>): number | string | undefined {
  const length = utf8.length
  let depth = 0
  let count = 0
  // True between a top-level `{` or `,` and the next string, which is then a member name.
  let atName = false
  for (let i = 0; i < length; i++) {
    const c = utf8[i]
    if (c === QUOTE) {
      const start = i + 1
      // To the closing quote, stepping over each escaped character.
      for (let e = utf8[++i]; e !== QUOTE && i < length; e = utf8[++i]) if (e === BACKSLASH) i++
      if (atName) {
        atName = false
        count++
        if (names === undefined) continue
        let name = decoder.decode(utf8.subarray(start, i))
        if (name.includes('\\')) name = JSON.parse(`"${name}"`) as string
        // A Set, not an array: a hostile 16 KB header can hold a couple of thousand names.
        if (names.has(name)) return name
        names.add(name)
      }
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++
      atName = c === OPEN_OBJECT && depth === 1
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--
    } else if (c === COMMA) {
      atName = depth === 1
    }
  }
  return names === undefined ? count : undefined
}
