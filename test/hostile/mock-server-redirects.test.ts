// The authorization endpoint signs the user in without a page, so a redirect carries a live code:
// it goes only to a registered URI, or (for a client without any) to a loopback or reserved test
// name. A page that fetches /authorize cannot read where it leads: redirects carry no CORS grant.
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockIdp } from '../../mock-idp/index.ts'
import { startMockIdpServer, type MockIdpServer } from '../../mock-idp/server.ts'
import type { MockIdp } from '../../mock-idp/types.ts'

const CHALLENGE = { code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }
const FOREIGN = [
  'https://evil.example.com/cb',
  'http://localhost.evil.example.com/cb',
  'http://127.0.0.1.evil.example.com/cb',
  'http://evil.example.com/?x=http://localhost/',
  'http://10.0.0.1/cb',
  'http://0.0.0.0/cb',
  'http://[::ffff:7f00:1]/cb',
  'http://[fe80::1]/cb',
  'ftp://localhost/cb',
  'javascript://localhost/%0aalert(1)',
]
const LOCAL = [
  'http://127.0.0.1:9/cb',
  'http://127.5.6.7/cb',
  'https://localhost:3000/callback?x=1',
  'http://LOCALHOST/cb',
  'http://app.localhost:5173/',
  'http://[::1]:8080/cb',
  'https://app.test/cb',
]

let msw: MockIdp
const server = setupServer()
let srv: MockIdpServer

beforeAll(async () => {
  msw = await createMockIdp({
    algorithms: ['ES256'],
    clients: [
      { clientId: 'open' },
      {
        clientId: 'registered',
        redirectUris: ['https://app.example.com/callback'],
        postLogoutRedirectUris: ['https://app.example.com/bye'],
      },
    ],
  })
  server.use(...msw.handlers)
  // The real server below is reached over the network, past MSW.
  server.listen({ onUnhandledRequest: 'bypass' })
  srv = await startMockIdpServer({ port: 0, algorithms: ['ES256'] })
})
afterAll(async () => {
  server.close()
  await srv.close()
})

function authorizeUrl(idp: MockIdp, clientId: string, redirectUri: string): URL {
  const url = new URL(idp.endpoints.authorize)
  url.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    state: 's',
    ...CHALLENGE,
  }).toString()
  return url
}

function logoutUrl(idp: MockIdp, target: string, clientId?: string): URL {
  const url = new URL(idp.endpoints.end_session)
  if (clientId !== undefined) url.searchParams.set('client_id', clientId)
  url.searchParams.set('post_logout_redirect_uri', target)
  return url
}

describe('authorization redirects (MSW handlers)', () => {
  it('a client without registered URIs is never redirected to a foreign URI: 400, no Location', async () => {
    for (const uri of FOREIGN) {
      const response = await fetch(authorizeUrl(msw, 'open', uri), { redirect: 'manual' })
      expect(response.status, uri).toBe(400)
      expect(response.headers.get('location'), uri).toBeNull()
      expect(await response.json()).toMatchObject({ error: 'invalid_request' })
    }
  })

  it('... but is redirected, with a code, to loopback and reserved test names', async () => {
    for (const uri of LOCAL) {
      const response = await fetch(authorizeUrl(msw, 'open', uri), { redirect: 'manual' })
      expect(response.status, uri).toBe(302)
      const location = new URL(String(response.headers.get('location')))
      expect(location.searchParams.get('code'), uri).toBeTruthy()
      expect(`${location.origin}${location.pathname}`).toBe(`${new URL(uri).origin}${new URL(uri).pathname}`)
    }
  })

  it('a client with registered URIs gets exactly those, not loopback ones', async () => {
    expect(
      (await fetch(authorizeUrl(msw, 'registered', 'https://app.example.com/callback'), { redirect: 'manual' })).status,
    ).toBe(302)
    expect((await fetch(authorizeUrl(msw, 'registered', 'http://127.0.0.1:9/cb'), { redirect: 'manual' })).status).toBe(
      400,
    )
  })

  it('a redirect carries no CORS grant, so a page cannot follow it with fetch and read the code', async () => {
    const response = await fetch(authorizeUrl(msw, 'open', 'http://127.0.0.1:9/cb'), {
      headers: { origin: 'https://evil.example.com' },
      redirect: 'manual',
    })
    expect(response.status).toBe(302)
    expect(response.headers.get('access-control-allow-origin')).toBeNull()
    expect(response.headers.get('access-control-allow-credentials')).toBeNull()
    // Errors that are not redirects keep CORS, as before.
    const error = await fetch(msw.endpoints.authorize, { headers: { origin: 'https://app.example.com' } })
    expect(error.headers.get('access-control-allow-origin')).toBe('https://app.example.com')
  })
})

describe('end-session redirects (MSW handlers)', () => {
  it('without registered URIs: loopback only', async () => {
    const bare = await createMockIdp({ issuer: 'https://bare.example.test', algorithms: ['ES256'] })
    server.use(...bare.handlers)
    for (const uri of FOREIGN) {
      const response = await fetch(logoutUrl(bare, uri), { redirect: 'manual' })
      expect(response.status, uri).toBe(400)
      expect(response.headers.get('location')).toBeNull()
    }
    for (const uri of LOCAL)
      expect((await fetch(logoutUrl(bare, uri, bare.clientId), { redirect: 'manual' })).status, uri).toBe(302)
  })

  it('with registered URIs: exactly those', async () => {
    expect(
      (await fetch(logoutUrl(msw, 'https://app.example.com/bye', 'registered'), { redirect: 'manual' })).status,
    ).toBe(302)
    expect(
      (await fetch(logoutUrl(msw, 'https://evil.example.com/', 'registered'), { redirect: 'manual' })).status,
    ).toBe(400)
  })
})

describe('the real server', () => {
  it('answers a foreign redirect_uri with a 400 page, never a redirect', async () => {
    const response = await fetch(authorizeUrl(srv.idp, 'test-client', 'https://evil.example.com/steal'), {
      redirect: 'manual',
    })
    expect(response.status).toBe(400)
    expect(response.headers.get('location')).toBeNull()
    const logout = await fetch(logoutUrl(srv.idp, 'https://evil.example.com/'), { redirect: 'manual' })
    expect(logout.status).toBe(400)
    const local = await fetch(authorizeUrl(srv.idp, 'test-client', 'http://127.0.0.1:9/cb'), {
      redirect: 'manual',
      headers: { origin: 'https://evil.example.com' },
    })
    expect(local.status).toBe(302)
    expect(local.headers.get('access-control-allow-origin')).toBeNull()
  })
})
