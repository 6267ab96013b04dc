// entra(): single tenant by discovery, multi-tenant by the {tenantid} template with a tid allowlist and the key's
// issuer member, v1.0 tokens only on request; against the entra profile (keys without alg, with x5c and issuer).
import { http, HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import { createVerifier } from '../../src/index.ts'
import { entra } from '../../src/providers/index.ts'
import { headerOf, payloadOf, profileServer, rejection } from './helpers.ts'

const CLIENT = '6731de76-14a6-49ae-97bc-6eba6914391e'
const TENANT = '11111111-1111-4111-8111-111111111111' // the profile's default tenant
const OTHER = '22222222-2222-4222-8222-222222222222'
const CONSUMERS = '9188040d-6c67-4c5b-b112-36a304b66dad'
const { idp: mock, server } = profileServer()
const verifierOf = (options: Parameters<typeof entra>[0]) => createVerifier({ ...entra(options), cache: 'memory' })

describe('entra() single tenant', () => {
  it("verifies the tenant's v2.0 tokens through its discovery document; the keys look like Entra's", async () => {
    const idp = await mock('entra', { clientId: CLIENT })
    const token = await idp.mintIdToken()
    expect(payloadOf(token)).toMatchObject({
      iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
      tid: TENANT,
      ver: '2.0',
    })
    expect(typeof payloadOf(token).oid).toBe('string')
    const key = idp.jwks().keys[0]!
    expect(key.alg).toBeUndefined()
    expect(key).toMatchObject({ kty: 'RSA', use: 'sig', issuer: `https://login.microsoftonline.com/${TENANT}/v2.0` })
    expect(key.x5c?.[0]).toMatch(/^MII/)
    expect(key.x5t).toMatch(/^[\w-]{27}$/)
    const { payload } = await verifierOf({ clientId: CLIENT, tenant: TENANT }).verify(token)
    expect(payload.tid).toBe(TENANT)
    expect(idp.requests.map((r) => r.endpoint)).toEqual(['discovery', 'jwks'])
    expect(headerOf(token).typ).toBe('JWT')
  })

  it("refuses another tenant's token, naming the configured issuer and hinting at the tenant", async () => {
    const idp = await mock('entra', { clientId: CLIENT })
    const error = await rejection(
      verifierOf({ clientId: CLIENT, tenant: TENANT }).verify(await idp.mintIdToken({ tid: OTHER })),
    )
    expect(error).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'iss' })
    expect(error.message).toContain(`"https://login.microsoftonline.com/${TENANT}/v2.0"`)
    expect(error.message).toContain('another tenant')
    expect(error.message).not.toContain(OTHER)
  })

  it('v1.0 tokens only with v1: true', async () => {
    const idp = await mock('entra', { clientId: CLIENT })
    const v1 = await idp.mintIdToken({ ver: '1.0' })
    expect(payloadOf(v1).iss).toBe(`https://sts.windows.net/${TENANT}/`)
    expect(await rejection(verifierOf({ clientId: CLIENT, tenant: TENANT }).verify(v1))).toMatchObject({
      code: 'ERR_CLAIM_INVALID',
      claim: 'iss',
    })
    const verifier = verifierOf({ clientId: CLIENT, tenant: TENANT, v1: true })
    expect((await verifier.verify(v1)).payload.iss).toBe(`https://sts.windows.net/${TENANT}/`)
    expect((await verifier.verify(await idp.mintIdToken())).payload.ver).toBe('2.0')
  })

  it('refuses an Entra access token for the same client (it has scopes)', async () => {
    const idp = await mock('entra', { clientId: CLIENT })
    const error = await rejection(
      verifierOf({ clientId: CLIENT, tenant: TENANT }).verify(await idp.mintAccessToken({ aud: CLIENT })),
    )
    expect(error).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'scp' })
    expect(error.message).toContain('access token')
  })
})

describe('entra() multi-tenant', () => {
  it('an allowlist accepts its tenants and refuses another, naming the allowed ones', async () => {
    const idp = await mock('entra', { clientId: CLIENT })
    const verifier = verifierOf({ clientId: CLIENT, tenant: 'organizations', tenants: [TENANT] })
    expect((await verifier.verify(await idp.mintIdToken())).payload.tid).toBe(TENANT)
    const error = await rejection(verifier.verify(await idp.mintIdToken({ tid: OTHER })))
    expect(error).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'tid' })
    expect(error.message).toContain(`"${TENANT}"`)
    expect(error.message).not.toContain(OTHER)
    // The tenant-independent key set, fetched once for every tenant.
    expect(idp.requests.map((r) => r.url)).toEqual([
      'https://login.microsoftonline.com/organizations/discovery/v2.0/keys',
    ])
  })

  it("tenants: 'any' accepts every tenant; without tenants it is a TypeError naming the choice", async () => {
    const idp = await mock('entra', { clientId: CLIENT })
    const verifier = verifierOf({ clientId: CLIENT, tenant: 'common', tenants: 'any' })
    expect((await verifier.verify(await idp.mintIdToken({ tid: OTHER }))).payload.tid).toBe(OTHER)
    expect((await verifier.verify(await idp.mintIdToken({ tid: CONSUMERS }))).payload.tid).toBe(CONSUMERS)
    expect(() => entra({ clientId: CLIENT, tenant: 'common' })).toThrow(
      /^entra: "tenants" is required with tenant "common".*tenants: 'any'/,
    )
  })

  it('organizations refuses personal accounts; tid and iss must name the same tenant', async () => {
    const idp = await mock('entra', { clientId: CLIENT })
    const verifier = verifierOf({ clientId: CLIENT, tenant: 'organizations', tenants: 'any' })
    expect(await rejection(verifier.verify(await idp.mintIdToken({ tid: CONSUMERS })))).toMatchObject({
      code: 'ERR_CLAIM_INVALID',
      claim: 'tid',
    })
    const mixed = await idp.mintIdToken({ tid: TENANT, iss: `https://login.microsoftonline.com/${OTHER}/v2.0` })
    expect(await rejection(verifier.verify(mixed))).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'iss' })
  })

  it('a key whose issuer member names one tenant does not sign for another', async () => {
    const idp = await mock('entra', { clientId: CLIENT })
    const keys = idp.jwks().keys.map((key) => ({ ...key, issuer: `https://login.microsoftonline.com/${OTHER}/v2.0` }))
    server.use(
      http.get('https://login.microsoftonline.com/common/discovery/v2.0/keys', () => HttpResponse.json({ keys })),
    )
    const verifier = verifierOf({ clientId: CLIENT, tenant: 'common', tenants: 'any' })
    const error = await rejection(verifier.verify(await idp.mintIdToken()))
    expect(error).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'iss' })
    expect(error.message).toContain('"issuer" member')
    expect((await verifier.verify(await idp.mintIdToken({ tid: OTHER }))).payload.tid).toBe(OTHER)
  })

  it('v1.0 tokens of any tenant only with v1: true', async () => {
    const idp = await mock('entra', { clientId: CLIENT })
    const v1 = await idp.mintIdToken({ tid: OTHER, ver: '1.0' })
    expect(
      await rejection(verifierOf({ clientId: CLIENT, tenant: 'common', tenants: [OTHER] }).verify(v1)),
    ).toMatchObject({ claim: 'iss' })
    expect(
      (await verifierOf({ clientId: CLIENT, tenant: 'common', tenants: [OTHER], v1: true }).verify(v1)).payload.tid,
    ).toBe(OTHER)
  })
})

describe('entra() argument misuse', () => {
  it('is a TypeError naming the preset and the argument', () => {
    expect(() => entra({ clientId: CLIENT, tenant: 'contoso.onmicrosoft.com' })).toThrow(
      /^entra: "tenant" must be the directory \(tenant\) ID/,
    )
    expect(() => entra({ clientId: CLIENT, tenant: TENANT, tenants: [TENANT] })).toThrow(
      /^entra: "tenants" applies to a multi-tenant app only/,
    )
    expect(() => entra({ clientId: CLIENT, tenant: 'common', tenants: ['contoso'] })).toThrow(
      /^entra: "tenants" must be 'any' or/,
    )
    expect(() => entra({ tenant: TENANT } as never)).toThrow(/^entra: "clientId"/)
  })
})
