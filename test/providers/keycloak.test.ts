// keycloak(): the realm's issuer, typ "ID" (access tokens are "Bearer"), an encryption key in the key set.
import { describe, expect, it } from 'vitest'
import { createVerifier } from '../../src/index.ts'
import { keycloak } from '../../src/providers/index.ts'
import { payloadOf, profileServer, rejection } from './helpers.ts'

const { idp: mock } = profileServer()
const verifierOf = (realm = 'main') =>
  createVerifier({ ...keycloak({ url: 'https://sso.example.test', realm, clientId: 'my-app' }), cache: 'memory' })

describe('keycloak() against the keycloak profile', () => {
  it("verifies the realm's ID tokens; the encryption key in the key set is not used", async () => {
    const idp = await mock('keycloak', { clientId: 'my-app' })
    expect(idp.jwks().keys.map((key) => [key.use, key.alg])).toEqual([
      ['sig', 'RS256'],
      ['sig', 'RS256'],
      ['enc', 'RSA-OAEP'],
    ])
    expect(idp.jwks().keys[0]?.x5c).toHaveLength(1)
    const token = await idp.mintIdToken()
    expect(payloadOf(token)).toMatchObject({ typ: 'ID', azp: 'my-app' })
    expect((await verifierOf().verify(token)).payload.typ).toBe('ID')
  })

  it('refuses an access token that names the client in aud (typ "Bearer")', async () => {
    const idp = await mock('keycloak', { clientId: 'my-app' })
    const access = await idp.mintAccessToken()
    expect(payloadOf(access)).toMatchObject({ typ: 'Bearer', aud: 'my-app', azp: 'my-app' })
    const error = await rejection(verifierOf().verify(access))
    expect(error).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'typ' })
    expect(error.message).toContain('access token')
  })

  it("refuses another realm's token: its key is not the realm's, and its iss is named as not the configured one", async () => {
    const idp = await mock('keycloak', { clientId: 'my-app' })
    const other = await mock('keycloak', { clientId: 'my-app', issuer: 'https://sso.example.test/realms/other' })
    expect(await rejection(verifierOf().verify(await other.mintIdToken()))).toMatchObject({
      code: 'ERR_CLAIM_INVALID',
      claim: 'iss',
    })
    const error = await rejection(verifierOf().verify(await idp.mintIdToken({ iss: other.issuer })))
    expect(error).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'iss' })
    expect(error.message).toContain('"https://sso.example.test/realms/main"')
    expect(error.message).toContain('another tenant, realm or project')
  })

  it('argument misuse is a TypeError naming the preset and the argument', () => {
    expect(() => keycloak({ url: 'https://sso.example.com/realms/main', realm: 'main', clientId: 'my-app' })).toThrow(
      /^keycloak: "url" is the server's base URL/,
    )
    expect(() => keycloak({ url: 'sso.example.com', realm: 'main', clientId: 'my-app' })).toThrow(
      /^keycloak: "url" must be an http\(s\) URL/,
    )
    expect(() => keycloak({ url: 'https://sso.example.com/', realm: 'main', clientId: 'my-app' })).toThrow(
      /^keycloak: "url" must not end with "\/"/,
    )
    expect(keycloak({ url: 'http://localhost:8080', realm: 'dev', clientId: 'my-app' }).issuer).toBe(
      'http://localhost:8080/realms/dev',
    )
  })
})
