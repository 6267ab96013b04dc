// More of a provider: client_credentials, token revocation (RFC 7009) and back-channel logout
// (OpenID Connect Back-Channel Logout 1.0), checked against the specs with jose and the SDK.
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createVerifier } from '../../dist/index.js'
import { createMockIdp, type MockIdp } from '../../mock-idp/index.ts'

const EVENT = 'http://schemas.openid.net/event/backchannel-logout'
let idp: MockIdp
const server = setupServer()
const received: { url: string; contentType: string | null; body: string }[] = []
beforeAll(async () => {
  idp = await createMockIdp({
    algorithms: ['ES256'],
    clients: [
      { clientId: 'web', clientSecret: 'web-secret', backchannelLogoutUri: 'https://web.test/backchannel' },
      { clientId: 'spa' },
      { clientId: 'worker', clientSecret: 'worker-secret', backchannelLogoutUri: 'https://worker.test/logout' },
      { clientId: 'gone', clientSecret: 'gone-secret', backchannelLogoutUri: 'https://gone.test/logout' },
    ],
  })
  const capture = async ({ request }: { request: Request }) => {
    received.push({ url: request.url, contentType: request.headers.get('content-type'), body: await request.text() })
    return new HttpResponse(null, { status: 200 })
  }
  server.use(
    ...idp.handlers,
    http.post('https://web.test/backchannel', capture),
    http.post('https://worker.test/logout', capture),
    http.post('https://gone.test/logout', () => HttpResponse.error()),
  )
  server.listen({ onUnhandledRequest: 'error' })
})
afterEach(() => {
  idp.reset()
  received.length = 0
})
afterAll(() => server.close())

const form = (body: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams(body),
})
const basic = (id: string, secret: string) => ({ authorization: `Basic ${btoa(`${id}:${secret}`)}` })
const keys = () => createLocalJWKSet(idp.jwks())

async function login(clientId: string, secret: string): Promise<{ access_token: string; refresh_token: string }> {
  const authorize = new URL(idp.endpoints.authorize)
  authorize.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: 'https://web.test/cb',
    response_type: 'code',
    scope: 'openid',
  }).toString()
  const code = new URL(
    String((await fetch(authorize, { redirect: 'manual' })).headers.get('location')),
  ).searchParams.get('code')
  const response = await fetch(
    idp.endpoints.token,
    form(
      { grant_type: 'authorization_code', code: String(code), redirect_uri: 'https://web.test/cb' },
      basic(clientId, secret),
    ),
  )
  expect(response.status).toBe(200)
  return (await response.json()) as { access_token: string; refresh_token: string }
}

describe('client_credentials', () => {
  it('a confidential client gets an access token for itself: no ID token, no refresh token', async () => {
    expect(idp.discovery().grant_types_supported).toContain('client_credentials')
    const response = await fetch(
      idp.endpoints.token,
      form({ grant_type: 'client_credentials', scope: 'jobs:read' }, basic('worker', 'worker-secret')),
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = (await response.json()) as Record<string, unknown>
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type'])
    expect(body).toMatchObject({ token_type: 'Bearer', scope: 'jobs:read' })
    const { payload, protectedHeader } = await jwtVerify(String(body.access_token), keys(), {
      issuer: idp.issuer,
      typ: 'at+jwt',
    })
    expect(protectedHeader.typ).toBe('at+jwt')
    expect(payload).toMatchObject({ sub: 'worker', client_id: 'worker', scope: 'jobs:read' })
    // client_secret_post works too, and without scope none is claimed.
    const post = await fetch(
      idp.endpoints.token,
      form({ grant_type: 'client_credentials', client_id: 'worker', client_secret: 'worker-secret' }),
    )
    const { access_token: token, scope } = (await post.json()) as { access_token: string; scope?: string }
    expect(scope).toBeUndefined()
    expect((await jwtVerify(token, keys(), { issuer: idp.issuer })).payload.scope).toBeUndefined()
  })

  it('a public client is refused (unauthorized_client), a wrong secret is invalid_client', async () => {
    const publicClient = await fetch(idp.endpoints.token, form({ grant_type: 'client_credentials', client_id: 'spa' }))
    expect(publicClient.status).toBe(400)
    expect(await publicClient.json()).toMatchObject({ error: 'unauthorized_client' })
    const wrong = await fetch(idp.endpoints.token, form({ grant_type: 'client_credentials' }, basic('worker', 'nope')))
    expect(wrong.status).toBe(401)
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' })
  })
})

describe('token revocation (RFC 7009)', () => {
  it('discovery announces it; a revoked refresh token no longer refreshes; unknown tokens get 200', async () => {
    expect(idp.discovery()).toMatchObject({ revocation_endpoint: `${idp.issuer}/revoke` })
    expect(idp.endpoints.revocation).toBe(`${idp.issuer}/revoke`)
    const { refresh_token: refresh } = await login('web', 'web-secret')
    const refreshed = await fetch(
      idp.endpoints.token,
      form({ grant_type: 'refresh_token', refresh_token: refresh }, basic('web', 'web-secret')),
    )
    expect(refreshed.status).toBe(200)
    const revoked = await fetch(
      idp.endpoints.revocation,
      form({ token: refresh, token_type_hint: 'refresh_token' }, basic('web', 'web-secret')),
    )
    expect(revoked.status).toBe(200)
    const again = await fetch(
      idp.endpoints.token,
      form({ grant_type: 'refresh_token', refresh_token: refresh }, basic('web', 'web-secret')),
    )
    expect(again.status).toBe(400)
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' })
    expect((await fetch(idp.endpoints.revocation, form({ token: refresh }, basic('web', 'web-secret')))).status).toBe(
      200,
    )
    expect(
      (await fetch(idp.endpoints.revocation, form({ token: 'never-issued' }, basic('web', 'web-secret')))).status,
    ).toBe(200)
  })

  it("client authentication as at the token endpoint; another client's token is refused and stays valid", async () => {
    const { refresh_token: refresh } = await login('web', 'web-secret')
    expect((await fetch(idp.endpoints.revocation, form({ token: refresh }, basic('web', 'wrong')))).status).toBe(401)
    const foreign = await fetch(idp.endpoints.revocation, form({ token: refresh }, basic('worker', 'worker-secret')))
    expect(foreign.status).toBe(400)
    expect(await foreign.json()).toMatchObject({ error: 'unauthorized_client' })
    expect((await fetch(idp.endpoints.revocation, form({}, basic('web', 'web-secret')))).status).toBe(400)
    expect((await fetch(idp.endpoints.revocation, { method: 'GET' })).status).toBe(405)
    const refreshed = await fetch(
      idp.endpoints.token,
      form({ grant_type: 'refresh_token', refresh_token: refresh }, basic('web', 'web-secret')),
    )
    expect(refreshed.status).toBe(200)
  })

  it('a revoked access token is refused at userinfo; faults and counts apply to the endpoint', async () => {
    const { access_token: access } = await login('web', 'web-secret')
    const userinfo = () => fetch(idp.endpoints.userinfo, { headers: { authorization: `Bearer ${access}` } })
    expect((await userinfo()).status).toBe(200)
    expect((await fetch(idp.endpoints.revocation, form({ token: access }, basic('web', 'web-secret')))).status).toBe(
      200,
    )
    expect((await userinfo()).status).toBe(401)
    idp.setFault('revocation', { status: 503, times: 1 })
    expect((await fetch(idp.endpoints.revocation, form({ token: 'x' }, basic('web', 'web-secret')))).status).toBe(503)
    expect(idp.requestCount('revocation')).toBe(2)
  })
})

describe('back-channel logout', () => {
  it("posts a logout+jwt to each client's registered URI, as a form, and returns the answers", async () => {
    expect(idp.discovery().backchannel_logout_supported).toBe(true)
    const deliveries = await idp.backchannelLogout('alice', { sid: 'session-1' })
    expect(deliveries.map((d) => [d.clientId, d.uri, d.response?.status ?? d.error?.name])).toEqual([
      ['web', 'https://web.test/backchannel', 200],
      ['worker', 'https://worker.test/logout', 200],
      ['gone', 'https://gone.test/logout', 'TypeError'],
    ])
    expect(received.map((r) => [r.url, r.contentType])).toEqual([
      ['https://web.test/backchannel', 'application/x-www-form-urlencoded'],
      ['https://worker.test/logout', 'application/x-www-form-urlencoded'],
    ])
    const token = String(new URLSearchParams(received[0]?.body).get('logout_token'))
    expect(token).toBe(deliveries[0]?.logoutToken)
    const { payload, protectedHeader } = await jwtVerify(token, keys(), {
      issuer: idp.issuer,
      audience: 'web',
      typ: 'logout+jwt',
      requiredClaims: ['iat', 'exp', 'jti'],
    })
    expect(protectedHeader).toMatchObject({ typ: 'logout+jwt', alg: 'ES256', kid: idp.signingKid() })
    expect(Object.keys(payload).sort()).toEqual(['aud', 'events', 'exp', 'iat', 'iss', 'jti', 'sid', 'sub'])
    expect(payload).toMatchObject({ sub: 'alice', sid: 'session-1', events: { [EVENT]: {} } })
    expect(Number(payload.exp) - Number(payload.iat)).toBeLessThanOrEqual(300)
    // An ID token verifier must refuse it (its typ says what it is).
    const verifier = createVerifier({ issuer: idp.issuer, audience: 'web', cache: 'memory' })
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'ERR_HEADER_UNSUPPORTED' })
  })

  it('sid alone, chosen clients only; neither sub nor sid is a TypeError', async () => {
    const [only, ...rest] = await idp.backchannelLogout(undefined, { sid: 's-2', clientIds: ['worker'] })
    expect(rest).toEqual([])
    const { payload } = await jwtVerify(String(only?.logoutToken), keys(), { audience: 'worker' })
    expect(payload.sub).toBeUndefined()
    expect(payload.sid).toBe('s-2')
    await expect(idp.backchannelLogout(undefined)).rejects.toThrow(TypeError)
    await expect(createMockIdp({ clients: [{ clientId: 'x', backchannelLogoutUri: 'not a url' }] })).rejects.toThrow(
      /backchannelLogoutUri/,
    )
  })

  it('mintLogoutToken: the defaults, never a nonce, and claims override them', async () => {
    const token = await idp.mintLogoutToken()
    expect(decodeProtectedHeader(token).typ).toBe('logout+jwt')
    const { payload } = await jwtVerify(token, keys(), { issuer: idp.issuer, audience: idp.clientId })
    expect(payload).toMatchObject({ sub: 'test-user', events: { [EVENT]: {} } })
    expect(payload).not.toHaveProperty('nonce')
    const custom = await idp.mintLogoutToken({ sub: undefined, sid: 's', aud: 'worker' }, { expiresIn: 30 })
    const decoded = (await jwtVerify(custom, keys(), { audience: 'worker' })).payload
    expect(decoded.sub).toBeUndefined()
    expect(Number(decoded.exp) - Number(decoded.iat)).toBe(30)
  })
})
