// The mock IdP's token endpoint issues access tokens for the API a client names: RFC 8707 `resource`
// (repeatable, absolute URI without fragment, else invalid_target) or the `audience` parameter, for every grant;
// the tokens verify with createAccessTokenVerifier for that API and for no other, and the ID token keeps the
// client as its audience.
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { decodeJwt } from 'jose'
import { createAccessTokenVerifier, createVerifier, IdTokenError } from '../../src/index.ts'
import { createMockIdp, type MockIdp } from '../../mock-idp/index.ts'

const API = 'https://api.example.test'
let idp: MockIdp
const server = setupServer()

beforeAll(async () => {
  idp = await createMockIdp({
    algorithms: ['ES256'],
    clients: [
      { clientId: 'web', clientSecret: 'web-secret' },
      { clientId: 'worker', clientSecret: 'worker-secret' },
    ],
  })
  server.use(...idp.handlers)
  server.listen({ onUnhandledRequest: 'error' })
})
afterEach(() => idp.reset())
afterAll(() => server.close())

const basic = (id: string, secret: string) => ({ authorization: `Basic ${btoa(`${id}:${secret}`)}` })
function token(params: [string, string][], client: [string, string] = ['worker', 'worker-secret']): Promise<Response> {
  return fetch(idp.endpoints.token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...basic(...client) },
    body: new URLSearchParams(params),
  })
}
async function accessTokenOf(response: Response): Promise<string> {
  expect(response.status).toBe(200)
  return ((await response.json()) as { access_token: string }).access_token
}
const apiVerifier = (audience: string) =>
  createAccessTokenVerifier({ issuer: idp.issuer, audience, algorithms: ['ES256'], cache: 'memory' })

describe('client_credentials', () => {
  it('resource becomes aud: the API verifies it, another API does not', async () => {
    const at = await accessTokenOf(
      await token([
        ['grant_type', 'client_credentials'],
        ['resource', API],
        ['scope', 'jobs:read'],
      ]),
    )
    const { payload } = await apiVerifier(API).verify(at, { scopes: ['jobs:read'] })
    expect(payload).toMatchObject({ aud: API, client_id: 'worker', sub: 'worker' })
    const elsewhere = await apiVerifier('https://other.example.test')
      .verify(at)
      .catch((error: unknown) => error)
    expect(elsewhere).toMatchObject({ code: 'ERR_CLAIM_INVALID', claim: 'aud' })
  })

  it("several resources: aud lists them all; audience (Auth0's spelling) works the same", async () => {
    const two = await accessTokenOf(
      await token([
        ['grant_type', 'client_credentials'],
        ['resource', API],
        ['resource', 'https://b.example.test/'],
      ]),
    )
    expect(decodeJwt(two).aud).toEqual([API, 'https://b.example.test/'])
    await apiVerifier('https://b.example.test/').verify(two)
    const auth0 = await accessTokenOf(
      await token([
        ['grant_type', 'client_credentials'],
        ['audience', 'urn:my-api'],
      ]),
    )
    expect(decodeJwt(auth0).aud).toBe('urn:my-api')
    // Without either, the provider's default audience as before.
    expect(decodeJwt(await accessTokenOf(await token([['grant_type', 'client_credentials']]))).aud).toBe(idp.clientId)
  })

  it('a relative or fragment resource is invalid_target; resource and audience together, or an empty audience, invalid_request', async () => {
    for (const resource of ['/api', 'api.example.test', `${API}#frag`]) {
      const response = await token([
        ['grant_type', 'client_credentials'],
        ['resource', resource],
      ])
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({ error: 'invalid_target' })
    }
    for (const params of [
      [
        ['resource', API],
        ['audience', 'x'],
      ],
      [['audience', '']],
    ] as [string, string][][]) {
      const response = await token([['grant_type', 'client_credentials'], ...params])
      expect(await response.json()).toMatchObject({ error: 'invalid_request' })
    }
  })
})

describe('authorization_code and refresh_token', () => {
  it('the access token is for the resource, the ID token still for the client; a refresh may ask for another resource', async () => {
    const authorize = new URL(idp.endpoints.authorize)
    authorize.search = new URLSearchParams({
      client_id: 'web',
      redirect_uri: 'https://web.test/cb',
      response_type: 'code',
      scope: 'openid',
    }).toString()
    const code = new URL(
      String((await fetch(authorize, { redirect: 'manual' })).headers.get('location')),
    ).searchParams.get('code')!
    const response = await token(
      [
        ['grant_type', 'authorization_code'],
        ['code', code],
        ['redirect_uri', 'https://web.test/cb'],
        ['resource', API],
      ],
      ['web', 'web-secret'],
    )
    const body = (await response.json()) as { access_token: string; id_token: string; refresh_token: string }
    await apiVerifier(API).verify(body.access_token)
    await createVerifier({ issuer: idp.issuer, audience: 'web', cache: 'memory' }).verify(body.id_token)
    // Each verifier refuses the other's token.
    await expect(apiVerifier('web').verify(body.id_token)).rejects.toMatchObject({ code: 'ERR_HEADER_UNSUPPORTED' })
    await expect(
      createVerifier({ issuer: idp.issuer, audience: API, cache: 'memory' }).verify(body.access_token),
    ).rejects.toBeInstanceOf(IdTokenError)
    const refreshed = await token(
      [
        ['grant_type', 'refresh_token'],
        ['refresh_token', body.refresh_token],
        ['resource', 'https://b.example.test'],
      ],
      ['web', 'web-secret'],
    )
    expect(decodeJwt(await accessTokenOf(refreshed)).aud).toBe('https://b.example.test')
  })
})
