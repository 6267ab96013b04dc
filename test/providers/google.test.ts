// google(): both issuer spellings, Google's key set without discovery, the client ID, the hosted domain.
import { describe, expect, it } from 'vitest'
import { createVerifier } from '../../src/index.ts'
import { google } from '../../src/providers/index.ts'
import { headerOf, payloadOf, profileServer, rejection } from './helpers.ts'

const CLIENT = '1234-web.apps.googleusercontent.com'
const { idp: mock } = profileServer()

describe('google() against the google profile', () => {
  it('verifies tokens of both issuer spellings with one key set request and no discovery', async () => {
    const idp = await mock('google', { clientId: CLIENT })
    const verifier = createVerifier({ ...google({ clientId: CLIENT }), cache: 'memory' })
    const token = await idp.mintIdToken()
    expect(payloadOf(token)).toMatchObject({ iss: 'https://accounts.google.com', azp: CLIENT, email_verified: true })
    expect(headerOf(token)).toMatchObject({ alg: 'RS256', typ: 'JWT' })
    expect((await verifier.verify(token)).payload.iss).toBe('https://accounts.google.com')
    expect((await verifier.verify(await idp.mintIdToken({ iss: 'accounts.google.com' }))).payload.iss).toBe(
      'accounts.google.com',
    )
    expect(idp.requests.map((r) => r.url)).toEqual(['https://www.googleapis.com/oauth2/v3/certs'])
  })

  it("refuses another client's token, naming the configured client ID", async () => {
    const idp = await mock('google', { clientId: 'another-client.apps.googleusercontent.com' })
    const error = await rejection(
      createVerifier({ ...google({ clientId: CLIENT }), cache: 'memory' }).verify(await idp.mintIdToken()),
    )
    expect(error).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'aud' })
    expect(error.message).toContain(`"${CLIENT}"`)
    expect(error.message).not.toContain('another-client')
  })

  it('hostedDomain: only accounts of the listed Workspace domains', async () => {
    const idp = await mock('google', { clientId: CLIENT })
    const verifier = createVerifier({ ...google({ clientId: CLIENT, hostedDomain: 'example.com' }), cache: 'memory' })
    expect((await verifier.verify(await idp.mintIdToken({ hd: 'example.com' }))).payload.hd).toBe('example.com')
    const gmail = await rejection(verifier.verify(await idp.mintIdToken()))
    expect(gmail).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'hd' })
    expect(gmail.message).toContain('"example.com"')
    const other = await rejection(verifier.verify(await idp.mintIdToken({ hd: 'other.example' })))
    expect(other).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'hd' })
    expect(other.message).not.toContain('other.example')
  })

  it('argument misuse is a TypeError naming the preset and the argument', () => {
    expect(() => google({} as never)).toThrow(
      new TypeError('google: "clientId" must be a non-empty string or array of them'),
    )
    expect(() => google({ clientId: CLIENT, hostedDomain: 'alice@example.com' })).toThrow(/^google: "hostedDomain"/)
  })
})

describe('the profile option of createMockIdp', () => {
  it("names the profiles for an unknown one, and wants an issuer of the provider's form", async () => {
    const { createMockIdp } = await import('../../mock-idp/index.ts')
    await expect(createMockIdp({ profile: 'github' as never })).rejects.toThrow(
      /^"profile" must be one of "google", "entra", "firebase"/,
    )
    await expect(createMockIdp({ profile: 'google', issuer: 'https://idp.example.test' })).rejects.toThrow(
      'this profile\'s "issuer" must have the provider\'s form, like "https://accounts.google.com"',
    )
    expect(
      (await createMockIdp({ profile: 'keycloak', issuer: 'https://sso.example.test/realms/other' })).jwksUri,
    ).toBe('https://sso.example.test/realms/other/protocol/openid-connect/certs')
  })
})
