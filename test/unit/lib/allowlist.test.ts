// The one place that decides which header `alg` values a verifier accepts.
import { describe, expect, it } from 'vitest'
import { createAllowlist } from '../../../src/lib/allowlist.ts'

describe('createAllowlist', () => {
  it.each<[string, readonly string[] | undefined, boolean, readonly unknown[] | undefined, string[]]>([
    ['the option wins over discovery', ['ES256'], true, ['RS256', 'PS256'], ['ES256']],
    ['the option without discovery', ['ES256', 'EdDSA'], false, undefined, ['ES256', 'EdDSA']],
    ['discovery announces: its supported algorithms', undefined, true, ['PS256', 'ES256'], ['PS256', 'ES256']],
    ['unsupported and non-string announcements are dropped', undefined, true, ['HS256', 'none', 7, 'ES384'], ['ES384']],
    ['an announcement of nothing supported allows nothing', undefined, true, ['HS256'], []],
    ['discovery announces nothing: RS256', undefined, true, undefined, ['RS256']],
    ['a profile that ignores discovery (RFC 9068): RS256', undefined, false, ['ES256'], ['RS256']],
  ])('%s', (_name, configured, fromDiscovery, announced, expected) => {
    expect([...createAllowlist(configured, fromDiscovery)(announced)]).toEqual(expected)
  })

  it('rebuilds the set only when a new document was parsed (the hot path allocates nothing)', () => {
    const allowed = createAllowlist(undefined, true)
    const announced = ['ES256']
    const first = allowed(announced)
    expect(allowed(announced)).toBe(first)
    expect(allowed(['ES256'])).not.toBe(first)
  })
})
