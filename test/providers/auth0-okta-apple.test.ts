// auth0() (the trailing slash), okta() (the issuer as given), apple() (bundle and Services IDs, string booleans).
import { describe, expect, it } from 'vitest'
import { createVerifier } from '../../src/index.ts'
import { apple, auth0, okta } from '../../src/providers/index.ts'
import { headerOf, payloadOf, profileServer, rejection } from './helpers.ts'

const { idp: mock } = profileServer()

describe('auth0() against the auth0 profile', () => {
  const verifier = () =>
    createVerifier({ ...auth0({ domain: 'example.eu.auth0.com', clientId: 'my-app' }), cache: 'memory' })

  it('verifies tokens of the issuer with its trailing slash; keys carry certificates', async () => {
    const idp = await mock('auth0', { clientId: 'my-app' })
    expect(idp.issuer).toBe('https://example.eu.auth0.com/')
    expect(idp.jwks().keys[0]).toMatchObject({ alg: 'RS256', use: 'sig' })
    expect(idp.jwks().keys[0]?.x5c).toHaveLength(1)
    expect((await verifier().verify(await idp.mintIdToken())).payload.iss).toBe('https://example.eu.auth0.com/')
  })

  it("names the trailing slash when a token's iss lacks it; refuses the API access token by aud", async () => {
    const idp = await mock('auth0', { clientId: 'my-app' })
    const slash = await rejection(verifier().verify(await idp.mintIdToken({ iss: 'https://example.eu.auth0.com' })))
    expect(slash).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'iss' })
    expect(slash.message).toContain('"https://example.eu.auth0.com/"')
    expect(slash.message).toContain('trailing slash')
    const access = await rejection(verifier().verify(await idp.mintAccessToken()))
    expect(access).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'aud' })
    expect(access.message).toContain('access token')
  })

  it("another client's token is refused naming the configured one; a domain with a scheme is a TypeError", async () => {
    const idp = await mock('auth0', { clientId: 'another-app' })
    const error = await rejection(verifier().verify(await idp.mintIdToken()))
    expect(error).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'aud' })
    expect(error.message).toContain('"my-app"')
    expect(() => auth0({ domain: 'https://example.eu.auth0.com/', clientId: 'my-app' })).toThrow(
      /^auth0: "domain" must be a host name.*\(without "https:\/\/"\)/,
    )
  })
})

describe('okta() against the okta profile', () => {
  const issuer = 'https://example.okta.com/oauth2/default'
  const verifier = () => createVerifier({ ...okta({ issuer, clientId: '0oa1b2c3d4e5f6g7h8i9' }), cache: 'memory' })

  it('verifies ID tokens of the custom authorization server, and refuses its access tokens by aud', async () => {
    const idp = await mock('okta', { clientId: '0oa1b2c3d4e5f6g7h8i9' })
    expect(headerOf(await idp.mintIdToken()).typ).toBeUndefined()
    const kept = verifier()
    expect((await kept.verify(await idp.mintIdToken())).payload.ver).toBe(1)
    const access = await idp.mintAccessToken()
    expect(payloadOf(access)).toMatchObject({ aud: 'api://default', cid: '0oa1b2c3d4e5f6g7h8i9' })
    expect(await rejection(kept.verify(access))).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'aud' })
    expect(idp.requests.map((r) => r.url)).toEqual([`${issuer}/.well-known/openid-configuration`, `${issuer}/v1/keys`])
  })

  it('the org authorization server is another issuer; a trailing slash is a TypeError', async () => {
    const idp = await mock('okta', { clientId: '0oa1b2c3d4e5f6g7h8i9' })
    const error = await rejection(verifier().verify(await idp.mintIdToken({ iss: 'https://example.okta.com' })))
    expect(error).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'iss' })
    expect(error.message).toContain(`"${issuer}"`)
    expect(() => okta({ issuer: `${issuer}/`, clientId: 'x' })).toThrow(/^okta: "issuer" must not end with "\/"/)
    expect(() => okta({ issuer: 'example.okta.com', clientId: 'x' })).toThrow(/^okta: "issuer" must be an https URL/)
  })
})

describe('apple() against the apple profile', () => {
  const verifier = () =>
    createVerifier({ ...apple({ clientId: ['com.example.app', 'com.example.web'] }), cache: 'memory' })

  it('verifies tokens for the bundle ID and for the Services ID; string booleans are passed on as they are', async () => {
    const app = await mock('apple', { clientId: 'com.example.app' })
    const { payload } = await verifier().verify(await app.mintIdToken())
    expect(payload.email_verified).toBe('true')
    expect(payload.is_private_email).toBe('true')
    const web = await mock('apple', { clientId: 'com.example.web' })
    expect((await verifier().verify(await web.mintIdToken())).payload.aud).toBe('com.example.web')
    expect(headerOf(await web.mintIdToken()).typ).toBeUndefined()
    expect(web.requests.map((r) => r.url)).toEqual(['https://appleid.apple.com/auth/keys'])
  })

  it("refuses another app's token, naming the configured IDs", async () => {
    const idp = await mock('apple', { clientId: 'com.other.app' })
    const error = await rejection(verifier().verify(await idp.mintIdToken()))
    expect(error).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'aud' })
    expect(error.message).toContain('"com.example.app" or "com.example.web"')
    expect(error.message).not.toContain('com.other.app')
    expect(() => apple({ clientId: [] })).toThrow('apple: "clientId" must be a non-empty string or array of them')
  })
})
