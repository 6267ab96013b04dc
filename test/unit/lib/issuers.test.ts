// issuersOf: a token's unverified `iss` is routed only to a configured issuer, exactly or through a template whose
// placeholders stand for one identifier each. issuerHint: the near-misses people make, named without the value.
import { describe, expect, it } from 'vitest'
import { isTemplate, issuerHint, issuersOf } from '../../../src/lib/issuers.ts'

const ENTRA = 'https://login.example.test/{tenantid}/v2.0'
const issuers = issuersOf(['https://a.example.test', 'https://b.example.test/realms/x', ENTRA])

describe('issuersOf().match', () => {
  it.each([
    ['a configured issuer', 'https://a.example.test', { configured: 'https://a.example.test', params: {} }],
    [
      'another configured issuer',
      'https://b.example.test/realms/x',
      { configured: 'https://b.example.test/realms/x', params: {} },
    ],
    [
      'a template, with its value',
      'https://login.example.test/1234-abcd/v2.0',
      { configured: ENTRA, params: { tenantid: '1234-abcd' } },
    ],
    [
      'a value of 128 characters',
      `https://login.example.test/${'a'.repeat(128)}/v2.0`,
      { configured: ENTRA, params: { tenantid: 'a'.repeat(128) } },
    ],
    ['a trailing slash', 'https://a.example.test/', undefined],
    ['another case', 'https://A.example.test', undefined],
    ['a prefix of a configured issuer', 'https://b.example.test/realms', undefined],
    ['a configured issuer with more path', 'https://b.example.test/realms/x/y', undefined],
    ['a value of 129 characters', `https://login.example.test/${'a'.repeat(129)}/v2.0`, undefined],
    ['an empty value', 'https://login.example.test//v2.0', undefined],
    ['a value with a slash', 'https://login.example.test/a/b/v2.0', undefined],
    ['a value with a dot (a host)', 'https://login.example.test/evil.example/v2.0', undefined],
    ['a value with a colon', 'https://login.example.test/a:b/v2.0', undefined],
    ['a template whose dot matched any character', 'https://loginXexample.test/abc/v2.0', undefined],
    ['a template with more after it', 'https://login.example.test/abc/v2.0/x', undefined],
    ['a template with more before it', 'https://evil.test/https://login.example.test/abc/v2.0', undefined],
    ['the template itself', ENTRA, undefined],
    ['not a string', 42, undefined],
    ['an array holding a configured issuer', ['https://a.example.test'], undefined],
  ])('%s', (_, iss, expected) => {
    const match = issuers.match(iss)
    expect(match === undefined ? undefined : { configured: match.configured, params: match.params }).toEqual(expected)
    if (match !== undefined) expect(match.issuer).toBe(iss)
  })

  it.each([
    [
      'two placeholders',
      'https://{region}.example.test/{project}',
      'https://eu.example.test/p-1',
      { region: 'eu', project: 'p-1' },
    ],
    [
      'two placeholders, a dot in one',
      'https://{region}.example.test/{project}',
      'https://eu.x.example.test/p-1',
      undefined,
    ],
    ['regex characters around a placeholder are literal', 'https://x.test/a+b/{id}', 'https://x.test/aab/1', undefined],
    ['... and still match themselves', 'https://x.test/a+b/{id}', 'https://x.test/a+b/1', { id: '1' }],
  ])('%s', (_, template, iss, params) => {
    expect(issuersOf([template]).match(iss)?.params).toEqual(params)
  })
})

describe('isTemplate', () => {
  it.each([
    ['https://login.example.test/{tenantid}/v2.0', true],
    ['https://x.test/{a_1}', true],
    ['https://x.test/{1a}', false],
    ['https://x.test/{}', false],
    ['https://x.test/{a-b}', false],
    ['https://x.test/tenant', false],
  ])('%s: %s', (issuer, expected) => {
    expect(isTemplate(issuer)).toBe(expected)
  })
})

describe('issuerHint', () => {
  it.each([
    ['a trailing slash', 'https://a.example.test/', ['https://a.example.test'], /trailing slash/],
    ['a missing trailing slash', 'https://a.example.test', ['https://a.example.test/'], /trailing slash/],
    ['the scheme', 'http://a.example.test', ['https://a.example.test'], /scheme/],
    ['the host', 'https://other.example.test/realms/x', ['https://b.example.test/realms/x'], /another host/],
    ['one path segment', 'https://b.example.test/realms/y', ['https://b.example.test/realms/x'], /one path segment/],
    ['unrelated', 'https://c.example.test/a/b', ['https://b.example.test/realms/x'], /^$/],
    ['two path segments', 'https://b.example.test/other/y', ['https://b.example.test/realms/x'], /^$/],
    ['not URLs', 'issuer-a', ['issuer-b'], /^$/],
  ])('%s', (_, iss, configured, expected) => {
    expect(issuerHint(iss, configured)).toMatch(expected)
  })
})
