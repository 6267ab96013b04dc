// A real OIDC client (oauth4webapi 3) completes logins against the handlers; the ID token is then
// verified by jose with the nonce. Error paths answer as RFC 6749 says.
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { setupServer } from 'msw/node'
import * as oauth from 'oauth4webapi'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createMockIdp, type MockIdp } from '../../mock-idp/index.ts'

const REDIRECT = 'https://app.example.test/callback'
let clock = Date.UTC(2030, 0, 1)
let idp: MockIdp
let as: oauth.AuthorizationServer
const server = setupServer()

beforeAll(async () => {
  idp = await createMockIdp({
    algorithms: ['ES256', 'RS256'],
    now: () => clock,
    user: { sub: 'alice', claims: { name: 'Alice', email: 'alice@example.test', email_verified: true } },
    clients: [
      { clientId: 'spa', redirectUris: [REDIRECT], postLogoutRedirectUris: ['https://app.example.test/bye'] },
      { clientId: 'backend', clientSecret: 's3cr3t:+/', redirectUris: [REDIRECT] },
    ],
  })
  server.use(...idp.handlers)
  server.listen({ onUnhandledRequest: 'error' })
  const issuer = new URL(idp.issuer)
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc' }))
})
afterEach(() => idp.reset())
afterAll(() => server.close())

async function authorize(params: Record<string, string>): Promise<URL> {
  const url = new URL(String(as.authorization_endpoint))
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value)
  const response = await fetch(url, { redirect: 'manual' })
  expect(response.status).toBe(302)
  return new URL(String(response.headers.get('location')))
}

async function login(clientId: string, auth: oauth.ClientAuth, usePkce = true) {
  const client: oauth.Client = { client_id: clientId }
  const verifier = oauth.generateRandomCodeVerifier()
  const state = oauth.generateRandomState()
  const nonce = oauth.generateRandomNonce()
  const pkce: Record<string, string> = usePkce
    ? { code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }
    : {}
  const callback = await authorize({
    client_id: clientId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid profile email',
    state,
    nonce,
    ...pkce,
  })
  const params = oauth.validateAuthResponse(as, client, callback, state)
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    auth,
    params,
    REDIRECT,
    usePkce ? verifier : oauth.nopkce,
  )
  const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
    expectedNonce: nonce,
    requireIdToken: true,
  })
  return { client, result, nonce, params }
}

describe('login with oauth4webapi', () => {
  it('public client: discovery, authorize, token with PKCE, userinfo; jose verifies the ID token with the nonce', async () => {
    const { client, result, nonce, params } = await login('spa', oauth.None())
    expect(params.get('iss')).toBe(idp.issuer)
    expect(result.token_type).toBe('bearer')
    expect(result.expires_in).toBe(3600)
    const claims = oauth.getValidatedIdTokenClaims(result)
    expect(claims).toMatchObject({
      sub: 'alice',
      aud: 'spa',
      nonce,
      name: 'Alice',
      auth_time: Math.floor(clock / 1000),
    })

    const { payload, protectedHeader } = await jwtVerify(
      String(result.id_token),
      createRemoteJWKSet(new URL(idp.jwksUri)),
      {
        issuer: idp.issuer,
        audience: 'spa',
        currentDate: new Date(clock),
      },
    )
    expect(payload.nonce).toBe(nonce)
    expect(protectedHeader.alg).toBe('ES256')

    const userinfo = await oauth.processUserInfoResponse(
      as,
      client,
      'alice',
      await oauth.userInfoRequest(as, client, result.access_token),
    )
    expect(userinfo).toEqual({ sub: 'alice', name: 'Alice', email: 'alice@example.test', email_verified: true })

    const request = new Request('https://api.example.test/', {
      headers: { authorization: `Bearer ${result.access_token}` },
    })
    const access = await oauth.validateJwtAccessToken(as, request, 'spa')
    expect(access).toMatchObject({ sub: 'alice', client_id: 'spa', scope: 'openid profile email' })
    expect(idp.requestCount('authorize')).toBe(1)
    expect(idp.requestCount('token')).toBe(1)
    expect(idp.requestCount('userinfo')).toBe(1)
  })

  it('confidential client with client_secret_basic and client_secret_post, then the refresh_token grant', async () => {
    const { client, result } = await login('backend', oauth.ClientSecretBasic('s3cr3t:+/'), false)
    expect(result.refresh_token).toEqual(expect.any(String))
    clock += 600_000
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(
        as,
        client,
        oauth.ClientSecretPost('s3cr3t:+/'),
        String(result.refresh_token),
      ),
    )
    const claims = oauth.getValidatedIdTokenClaims(refreshed)
    expect(claims).toMatchObject({ sub: 'alice', aud: 'backend', iat: Math.floor(clock / 1000) })
    expect(claims).not.toHaveProperty('nonce')
    const wrongSecret = await oauth.refreshTokenGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic('nope'),
      String(result.refresh_token),
    )
    expect(wrongSecret.status).toBe(401)
    expect(wrongSecret.headers.get('www-authenticate')).toMatch(/^Basic/)
    expect(await wrongSecret.json()).toMatchObject({ error: 'invalid_client' })
  })
})

describe('authorization endpoint errors', () => {
  const base = { client_id: 'spa', redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 'st' }
  const challenge = { code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }

  it('does not redirect for an unknown client or redirect_uri', async () => {
    for (const params of [
      { ...base, client_id: 'nobody' },
      { ...base, redirect_uri: 'https://evil.example.test/cb' },
    ]) {
      const url = new URL(idp.endpoints.authorize)
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
      const response = await fetch(url, { redirect: 'manual' })
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({ error: 'invalid_request' })
    }
  })

  it.each([
    ['missing PKCE for a public client', base, 'invalid_request'],
    [
      'plain PKCE',
      { ...base, code_challenge: challenge.code_challenge, code_challenge_method: 'plain' },
      'invalid_request',
    ],
    ['response_type token', { ...base, ...challenge, response_type: 'token' }, 'unsupported_response_type'],
  ])('redirects with an error for %s', async (_, params, error) => {
    const location = await authorize(params)
    expect(location.origin + location.pathname).toBe(REDIRECT)
    expect(Object.fromEntries(location.searchParams)).toMatchObject({ error, state: 'st', iss: idp.issuer })
  })

  it('login_required when no user is signed in; setUser changes who logs in', async () => {
    idp.setUser(null)
    expect((await authorize({ ...base, ...challenge })).searchParams.get('error')).toBe('login_required')
    idp.setUser({ sub: 'bob' })
    const { result } = await login('spa', oauth.None())
    expect(oauth.getValidatedIdTokenClaims(result)?.sub).toBe('bob')
  })
})

describe('token endpoint errors', () => {
  async function codeFor(verifier: string): Promise<string> {
    const location = await authorize({
      client_id: 'spa',
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'openid',
      nonce: 'n',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    })
    return String(location.searchParams.get('code'))
  }
  const token = (body: Record<string, string>) =>
    fetch(idp.endpoints.token, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body),
    })

  it('checks the code verifier, redirect_uri and single use; codes expire on the clock', async () => {
    const verifier = oauth.generateRandomCodeVerifier()
    const grant = { grant_type: 'authorization_code', client_id: 'spa', redirect_uri: REDIRECT }
    let code = await codeFor(verifier)
    let response = await token({ ...grant, code, code_verifier: oauth.generateRandomCodeVerifier() })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' })
    expect(response.headers.get('cache-control')).toBe('no-store')

    code = await codeFor(verifier)
    expect(
      await (await token({ ...grant, code, code_verifier: verifier, redirect_uri: `${REDIRECT}2` })).json(),
    ).toMatchObject({ error: 'invalid_grant' })

    code = await codeFor(verifier)
    expect((await token({ ...grant, code, code_verifier: verifier })).status).toBe(200)
    expect(await (await token({ ...grant, code, code_verifier: verifier })).json()).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/used/),
    })

    code = await codeFor(verifier)
    clock += 61_000
    expect(await (await token({ ...grant, code, code_verifier: verifier })).json()).toMatchObject({
      error_description: expect.stringMatching(/expired/),
    })
  })

  it('rejects unknown grants, non-form bodies and unknown clients', async () => {
    expect(await (await token({ grant_type: 'password', client_id: 'spa' })).json()).toMatchObject({
      error: 'unsupported_grant_type',
    })
    const json = await fetch(idp.endpoints.token, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(json.status).toBe(400)
    expect((await token({ grant_type: 'refresh_token', client_id: 'ghost', refresh_token: 'x' })).status).toBe(401)
    expect((await fetch(idp.endpoints.token)).status).toBe(405)
  })
})

describe('userinfo, end-session and CORS', () => {
  it('userinfo wants a valid Bearer access token', async () => {
    expect((await fetch(idp.endpoints.userinfo)).status).toBe(401)
    const idToken = await idp.mintIdToken()
    const wrongType = await fetch(idp.endpoints.userinfo, { headers: { authorization: `Bearer ${idToken}` } })
    expect(wrongType.status).toBe(401)
    expect(wrongType.headers.get('www-authenticate')).toMatch(/invalid_token/)
    const accessToken = await idp.mintAccessToken({ sub: 'alice' })
    expect(
      await (await fetch(idp.endpoints.userinfo, { headers: { authorization: `Bearer ${accessToken}` } })).json(),
    ).toMatchObject({ sub: 'alice', name: 'Alice' })
    clock += 3601_000
    expect((await fetch(idp.endpoints.userinfo, { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(
      401,
    )
  })

  it('end-session redirects to a registered post_logout_redirect_uri with state', async () => {
    const url = new URL(String(as.end_session_endpoint))
    url.searchParams.set('client_id', 'spa')
    url.searchParams.set('post_logout_redirect_uri', 'https://app.example.test/bye')
    url.searchParams.set('state', 'bye-state')
    const response = await fetch(url, { redirect: 'manual' })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('https://app.example.test/bye?state=bye-state')
    url.searchParams.set('post_logout_redirect_uri', 'https://evil.example.test/')
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(400)
    expect((await fetch(idp.endpoints.end_session)).status).toBe(200)
  })

  it('answers preflights and sets CORS headers on every endpoint', async () => {
    const preflight = await fetch(idp.endpoints.token, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.test',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, dpop',
      },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.test')
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST')
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type, dpop')
    expect(idp.requestCount('token')).toBe(0)
    for (const endpoint of Object.values(idp.endpoints)) {
      const response = await fetch(endpoint, { headers: { origin: 'https://app.example.test' }, redirect: 'manual' })
      expect(response.headers.get('access-control-allow-origin'), endpoint).toBe('https://app.example.test')
    }
    const jwks = await fetch(idp.jwksUri)
    expect(jwks.headers.get('access-control-allow-origin')).toBe('*')
    expect(jwks.headers.get('access-control-expose-headers')).toContain('etag')
  })
})
