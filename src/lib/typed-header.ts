import { fail } from './fail.ts'
import type { JwsHeader } from './header.ts'

/** What an explicitly typed token kind (RFC 8725 §3.11) accepts as the header `typ`. */
export interface TypRule {
  /** The media type's short form, for messages: `at+jwt`. */
  readonly name: string
  /** Accepted values, lower-case: RFC 7515 §4.1.9 compares media types case-insensitively, "application/" optional. */
  readonly types: ReadonlySet<string>
  /** True when a header without `typ` is accepted (only ever by an explicit option). */
  readonly untyped: boolean
  /** The kind with its article, and its plural: "an access token", "access tokens". */
  readonly kind: string
  readonly kinds: string
}

/** The typed rule for `name`: `x+jwt` and `application/x+jwt`, plus `extra` values. */
export function typRule(
  name: string,
  kind: string,
  kinds: string,
  untyped = false,
  extra: readonly string[] = [],
): TypRule {
  return { name, kind, kinds, untyped, types: new Set([name, `application/${name}`, ...extra]) }
}

/**
 * The header members a verifier must refuse (RFC 7515 §4.1.11, RFC 7797), then the `typ` of this kind: the
 * same rules as the ID-token header, where an ID token's `typ` (`JWT` or none) is another kind.
 */
export function checkTypedHeader(header: JwsHeader, rule: TypRule): void {
  if (Object.hasOwn(header, 'crit')) {
    fail('ERR_HEADER_UNSUPPORTED', 'the header has "crit": no critical extensions are understood')
  }
  if (Object.hasOwn(header, 'b64') && header.b64 !== true) {
    fail('ERR_HEADER_UNSUPPORTED', `the header has "b64": unencoded payloads are not ${rule.kinds}`)
  }
  if (header.typ === undefined) {
    if (!rule.untyped)
      fail('ERR_HEADER_UNSUPPORTED', `the header has no "typ": ${rule.kind} must be typed "${rule.name}"`)
  } else if (!rule.types.has(header.typ.toLowerCase())) {
    fail('ERR_HEADER_UNSUPPORTED', `the header "typ" names a token kind other than ${rule.kind} ("${rule.name}")`)
  }
}
