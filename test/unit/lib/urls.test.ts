import { describe, expect, it } from 'vitest'
import { discoveryUrl, jwksUriProblem } from '../../../src/lib/urls.ts'

describe('jwksUriProblem', () => {
  it.each<[unknown, string, string | undefined]>([
    ['https://idp.test/jwks', 'https://idp.test', undefined],
    ['http://localhost:8080/jwks', 'http://localhost:8080', undefined],
    ['http://idp.test/jwks', 'not a url issuer', undefined],
    ['/jwks', 'https://idp.test', 'is not an absolute URL'],
    [42, 'https://idp.test', 'is not an absolute URL'],
    ['file:///etc/jwks', 'https://idp.test', 'is not an http(s) URL'],
    ['javascript:alert(1)', 'https://idp.test', 'is not an http(s) URL'],
    ['http://idp.test/jwks', 'https://idp.test', 'is plain http for an https issuer'],
  ])('%s for %s', (uri, issuer, problem) => {
    expect(jwksUriProblem(uri, issuer)).toBe(problem)
  })
})

describe('discoveryUrl', () => {
  it.each([
    ['https://idp.test', 'https://idp.test/.well-known/openid-configuration'],
    ['https://idp.test/', 'https://idp.test/.well-known/openid-configuration'],
    ['https://idp.test/realms/a', 'https://idp.test/realms/a/.well-known/openid-configuration'],
  ])('%s', (issuer, url) => {
    expect(discoveryUrl(issuer)).toBe(url)
  })
})
