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
 * keeps the last), over `utf8`, the text's UTF-8 bytes when the caller has them, and collected only when the counts
 * differ.
 */
export function repeatedMember(json: string, parsed?: object, utf8?: Uint8Array): string | undefined {
  if (parsed !== undefined && memberNames(utf8 ?? new TextEncoder().encode(json)) === Object.keys(parsed).length) {
    return undefined
  }
  let depth = 0
  // True between a top-level `{` or `,` and the next string, which is then a member name.
  let atName = false
  // A Set, not an array: a hostile 16 KB header can hold a couple of thousand names.
  const names = new Set<string>()
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i)
    if (c === QUOTE) {
      const start = i + 1
      // To the closing quote, stepping over each escaped character.
      for (let e = json.charCodeAt(++i); e !== QUOTE && i < json.length; e = json.charCodeAt(++i))
        if (e === BACKSLASH) i++
      if (atName) {
        atName = false
        let name = json.slice(start, i)
        if (name.includes('\\')) name = JSON.parse(json.slice(start - 1, i + 1)) as string
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
  return undefined
}

/**
 * How many top-level member names the UTF-8 bytes of a well-formed JSON object text hold: the scan above, counting.
 * Every byte it looks for is ASCII, which UTF-8 never uses inside a longer character, so the bytes count what the
 * text does; and they are read several times faster than the decoded string (in Chromium TextDecoder's strings
 * are external, slow to index).
 */
function memberNames(utf8: Uint8Array): number {
  const length = utf8.length
  let depth = 0
  let count = 0
  let atName = false
  for (let i = 0; i < length; i++) {
    const c = utf8[i]
    if (c === QUOTE) {
      for (let e = utf8[++i]; e !== QUOTE && i < length; e = utf8[++i]) if (e === BACKSLASH) i++
      if (atName) {
        atName = false
        count++
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
  return count
}
