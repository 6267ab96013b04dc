// cognito(): the user pool's issuer, the app client, token_use "id".
import { describe, expect, it } from 'vitest'
import { createVerifier } from '../../src/index.ts'
import { cognito } from '../../src/providers/index.ts'
import { payloadOf, profileServer, rejection } from './helpers.ts'

const CLIENT = '1example23456789'
const POOL = 'eu-west-1_MockPool1' // the profile's default pool
const { idp: mock } = profileServer()
const verifierOf = (userPoolId = POOL) =>
  createVerifier({ ...cognito({ region: 'eu-west-1', userPoolId, clientId: CLIENT }), cache: 'memory' })

describe('cognito() against the cognito profile', () => {
  it("verifies the pool's ID tokens", async () => {
    const idp = await mock('cognito', { clientId: CLIENT })
    const token = await idp.mintIdToken()
    expect(payloadOf(token)).toMatchObject({ token_use: 'id', 'cognito:username': 'test-user', aud: CLIENT })
    expect((await verifierOf().verify(token)).payload['cognito:username']).toBe('test-user')
  })

  it('refuses access tokens as ID tokens', async () => {
    const idp = await mock('cognito', { clientId: CLIENT })
    const access = await idp.mintAccessToken()
    expect(payloadOf(access)).toMatchObject({ token_use: 'access', client_id: CLIENT })
    expect(payloadOf(access).aud).toBeUndefined()
    // Without aud it fails the required-claims check first.
    expect(await rejection(verifierOf().verify(access))).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'aud' })
    // Even one that names the client in aud is refused by token_use.
    const withAud = await rejection(verifierOf().verify(await idp.mintAccessToken({ aud: CLIENT })))
    expect(withAud).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'token_use' })
    expect(withAud.message).toContain('access token')
  })

  it("refuses another pool's and another client's tokens, naming the configured values", async () => {
    const configured = await mock('cognito', { clientId: CLIENT })
    const other = await mock('cognito', {
      clientId: CLIENT,
      issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Another2',
    })
    // Another pool's token: refused by its iss before its (unknown) key is looked up.
    expect(await rejection(verifierOf().verify(await other.mintIdToken()))).toMatchObject({
      code: 'ERR_CLAIM_INVALID',
      claim: 'iss',
    })
    const pool = await rejection(verifierOf().verify(await configured.mintIdToken({ iss: other.issuer })))
    expect(pool).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'iss' })
    expect(pool.message).toContain(`"https://cognito-idp.eu-west-1.amazonaws.com/${POOL}"`)
    expect(pool.message).not.toContain('Another2')
    const idp = await mock('cognito', { clientId: 'another-client' })
    const client = await rejection(verifierOf().verify(await idp.mintIdToken()))
    expect(client).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'aud' })
    expect(client.message).toContain(`"${CLIENT}"`)
  })

  it('argument misuse is a TypeError naming the preset and the argument', () => {
    expect(() => cognito({ region: 'us-east-1', userPoolId: POOL, clientId: CLIENT })).toThrow(
      /^cognito: "userPoolId" "eu-west-1_MockPool1" is a user pool of the region "eu-west-1", not of "region" "us-east-1"/,
    )
    expect(() => cognito({ userPoolId: 'MockPool1', clientId: CLIENT })).toThrow(
      /^cognito: "userPoolId" must be a user pool ID/,
    )
    expect(cognito({ userPoolId: POOL, clientId: CLIENT }).issuer).toBe(
      `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`,
    )
  })
})
