// firebase(): the fixed JWK set (no discovery), iss and aud of the project, auth_time, the sub rules.
import { describe, expect, it } from 'vitest'
import { createVerifier } from '../../src/index.ts'
import { firebase } from '../../src/providers/index.ts'
import { payloadOf, profileServer, rejection } from './helpers.ts'

const { idp: mock } = profileServer()
const verifierOf = (projectId: string) => createVerifier({ ...firebase({ projectId }), cache: 'memory' })

describe('firebase() against the firebase profile', () => {
  it("verifies the project's tokens from the securetoken JWK set, without a discovery request", async () => {
    const idp = await mock('firebase', { issuer: 'https://securetoken.google.com/my-project-1234' })
    expect(idp.clientId).toBe('my-project-1234')
    const token = await idp.mintIdToken()
    expect(payloadOf(token)).toMatchObject({
      aud: 'my-project-1234',
      user_id: 'test-user',
      firebase: { sign_in_provider: 'password' },
    })
    const { payload } = await verifierOf('my-project-1234').verify(token)
    expect(payload.sub).toBe('test-user')
    expect(idp.requests.map((r) => r.url)).toEqual([
      'https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com',
    ])
    // The profile serves no discovery document, as Firebase.
    expect((await fetch(`${idp.issuer}/.well-known/openid-configuration`)).status).toBe(404)
  })

  it("refuses another project's token, naming the configured project", async () => {
    const idp = await mock('firebase', { issuer: 'https://securetoken.google.com/another-project' })
    const error = await rejection(verifierOf('my-project-1234').verify(await idp.mintIdToken()))
    expect(error).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'iss' })
    expect(error.message).toContain('"https://securetoken.google.com/my-project-1234"')
    expect(error.message).toContain('another tenant, realm or project')
    expect(error.message).not.toContain('another-project')
    // Same issuer, another audience.
    const idp2 = await mock('firebase', { issuer: 'https://securetoken.google.com/my-project-1234' })
    expect(
      await rejection(verifierOf('my-project-1234').verify(await idp2.mintIdToken({ aud: 'another-project' }))),
    ).toMatchObject({ claim: 'aud' })
  })

  it('auth_time is required and in the past; sub is at most 128 characters', async () => {
    const idp = await mock('firebase')
    const verifier = verifierOf('mock-project')
    expect(await rejection(verifier.verify(await idp.mintIdToken({ auth_time: undefined })))).toMatchObject({
      code: 'ERR_CLAIM_INVALID',
      claim: 'auth_time',
    })
    expect(
      await rejection(verifier.verify(await idp.mintIdToken({ auth_time: idp.nowSeconds() + 3600 }))),
    ).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'auth_time' })
    expect(await rejection(verifier.verify(await idp.mintIdToken({ sub: 'u'.repeat(129) })))).toMatchObject({
      code: 'ERR_CLAIM_INVALID',
      claim: 'sub',
    })
    expect(await rejection(verifier.verify(await idp.mintIdToken({ sub: '' })))).toMatchObject({
      code: 'ERR_CLAIM_INVALID',
      claim: 'sub',
    })
    expect((await verifier.verify(await idp.mintIdToken({ sub: 'u'.repeat(128) }))).payload.sub).toHaveLength(128)
  })

  it('argument misuse is a TypeError naming the preset and the argument', () => {
    expect(() => firebase({ projectId: '123456789012' })).toThrow(
      /^firebase: "projectId" looks like the project number/,
    )
    expect(() => firebase({ projectId: 'https://securetoken.google.com/x' })).toThrow(
      /^firebase: "projectId" must be the project ID/,
    )
    expect(() => firebase(undefined as never)).toThrow('firebase: options are required')
  })
})
