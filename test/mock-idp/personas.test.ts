// Personas: `users`, `signInAs`, `login_hint` and `prompt=none` at the authorization endpoint, and the
// optional login page; each login is completed at the token endpoint and its ID token read.
import { decodeJwt } from 'jose'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockIdp, type MockIdp, type MockIdpOptions } from '../../mock-idp/index.ts'

const REDIRECT = 'https://app.example.test/callback'
const VERIFIER = 'v'.repeat(43)
const CHALLENGE = '7w_YNF9DSfIdPf_pRjSq646_kPr-2-o9NAl16JGghdM' // S256 of VERIFIER
const USERS = {
  alice: { sub: 'alice-1', name: 'Alice', email: 'alice@example.test' },
  bob: { sub: 'bob-2', name: 'Bob', email: 'Bob@Example.test', roles: ['admin'] },
}

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

async function provider(options: MockIdpOptions = {}): Promise<MockIdp> {
  const idp = await createMockIdp({
    issuer: `https://idp${Math.random().toString(36).slice(2)}.example.test`,
    ...options,
  })
  server.use(...idp.handlers)
  return idp
}

function authorizeUrl(idp: MockIdp, extra: Record<string, string> = {}): URL {
  const url = new URL(idp.endpoints.authorize)
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: idp.clientId,
    redirect_uri: REDIRECT,
    scope: 'openid',
    state: 's-1',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    ...extra,
  }).toString()
  return url
}

/** The claims of the ID token a login issues, or the error it came back with. */
async function complete(idp: MockIdp, response: Response): Promise<Record<string, unknown>> {
  expect(response.status).toBe(302)
  const back = new URL(String(response.headers.get('location')))
  expect(back.searchParams.get('state')).toBe('s-1')
  const code = back.searchParams.get('code')
  if (code === null)
    return { error: back.searchParams.get('error'), error_description: back.searchParams.get('error_description') }
  const tokens = await fetch(idp.endpoints.token, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: idp.clientId,
      code_verifier: VERIFIER,
    }),
  })
  expect(tokens.status).toBe(200)
  return decodeJwt(((await tokens.json()) as { id_token: string }).id_token)
}

const login = async (idp: MockIdp, extra: Record<string, string> = {}) =>
  complete(idp, await fetch(authorizeUrl(idp, extra), { redirect: 'manual' }))

describe('personas', () => {
  it("signInAs picks who the authorization endpoint signs in, with the persona's claims", async () => {
    const idp = await provider({ users: USERS })
    idp.signInAs('bob')
    expect(await login(idp)).toMatchObject({ sub: 'bob-2', name: 'Bob', roles: ['admin'] })
    idp.signInAs('alice')
    const claims = await login(idp)
    expect(claims).toMatchObject({ sub: 'alice-1', name: 'Alice', email: 'alice@example.test' })
    expect(claims).not.toHaveProperty('roles')
  })

  it('login_hint picks a persona by name, sub or email, and that persona stays signed in', async () => {
    const idp = await provider({ users: USERS })
    expect(await login(idp, { login_hint: 'bob' })).toMatchObject({ sub: 'bob-2' })
    expect(await login(idp)).toMatchObject({ sub: 'bob-2' }) // the session is bob's now
    expect(await login(idp, { login_hint: 'alice-1' })).toMatchObject({ sub: 'alice-1' })
    expect(await login(idp, { login_hint: 'bob@example.TEST' })).toMatchObject({ sub: 'bob-2' })
  })

  it('a login_hint that names no persona is login_required, naming the personas', async () => {
    const idp = await provider({ users: USERS })
    expect(await login(idp, { login_hint: 'mallory' })).toEqual({
      error: 'login_required',
      error_description: 'login_hint names no persona (known: alice, bob)',
    })
  })

  it('prompt=none: login_required when nobody is signed in, the session user otherwise', async () => {
    const idp = await provider({ users: USERS })
    idp.signInAs(null)
    expect(await login(idp, { prompt: 'none' })).toMatchObject({ error: 'login_required' })
    expect(await login(idp, { prompt: 'none', login_hint: 'alice' })).toMatchObject({ error: 'login_required' })
    idp.signInAs('alice')
    expect(await login(idp, { prompt: 'none' })).toMatchObject({ sub: 'alice-1' })
    expect(await login(idp, { prompt: 'none', login_hint: 'alice' })).toMatchObject({ sub: 'alice-1' })
    // Another user's hint: they have no session, and prompt=none may not start one.
    expect(await login(idp, { prompt: 'none', login_hint: 'bob' })).toMatchObject({ error: 'login_required' })
    expect(await login(idp, { prompt: 'none consent' })).toMatchObject({ error: 'invalid_request' })
  })

  it('without users: the configured user is signed in, login_hint is ignored, signInAs is a TypeError', async () => {
    const idp = await provider({ user: { sub: 'solo', claims: { name: 'Solo' } } })
    expect(await login(idp, { login_hint: 'someone-else' })).toMatchObject({ sub: 'solo', name: 'Solo' })
    expect(() => idp.signInAs('alice')).toThrow(new TypeError('no persona "alice" (no "users" configured)'))
    const withUsers = await provider({ users: USERS })
    expect(await login(withUsers)).toMatchObject({ sub: 'test-user' }) // the default user until a persona is picked
    expect(() => withUsers.signInAs('carol')).toThrow(new TypeError('no persona "carol" (known: alice, bob)'))
  })

  it('reset() signs the configured user back in', async () => {
    const idp = await provider({ users: USERS })
    idp.signInAs(null)
    idp.reset()
    expect(await login(idp, { prompt: 'none' })).toMatchObject({ sub: 'test-user' })
  })

  it('a persona without a string sub is a TypeError at creation', async () => {
    await expect(createMockIdp({ users: { x: { sub: '' } } })).rejects.toThrow(
      new TypeError('persona "x" needs a non-empty string "sub"'),
    )
  })
})

describe('login page', () => {
  it("shows one form per persona, with the request's parameters and editable claims, and no script", async () => {
    const idp = await provider({ users: USERS, loginPage: true })
    const page = await fetch(authorizeUrl(idp, { login_hint: 'bob', nonce: '<n>' }))
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html;charset=UTF-8')
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'")
    const html = await page.text()
    expect(html).not.toContain('<script')
    expect(html.match(/<form method="post" action="\/authorize"/g)).toHaveLength(2)
    expect(html).toContain('<input type="hidden" name="nonce" value="&lt;n&gt;">')
    expect(html).toContain('<button type="submit" name="mock_idp_persona" value="bob">Sign in as bob</button>')
    expect(html).toContain('&quot;roles&quot;: [')
  })

  it('the posted form signs the chosen persona in with the edited claims', async () => {
    const idp = await provider({ users: USERS, loginPage: true })
    const form = new URLSearchParams(authorizeUrl(idp, { nonce: 'n-1' }).search)
    form.set('mock_idp_persona', 'bob')
    form.set('mock_idp_claims', JSON.stringify({ sub: 'bob-2', name: 'Robert' }))
    const response = await fetch(idp.endpoints.authorize, { method: 'POST', body: form, redirect: 'manual' })
    const claims = await complete(idp, response)
    expect(claims).toMatchObject({ sub: 'bob-2', name: 'Robert', nonce: 'n-1' })
    expect(claims).not.toHaveProperty('roles')
    // The edited user is signed in: prompt=none answers without the page.
    expect(await login(idp, { prompt: 'none' })).toMatchObject({ sub: 'bob-2', name: 'Robert' })
  })

  it('claims that are not a JSON object with a sub are a 400, never a redirect', async () => {
    const idp = await provider({ users: USERS, loginPage: true })
    for (const claims of ['{', '[]', '{"name":"x"}']) {
      const form = new URLSearchParams(authorizeUrl(idp).search)
      form.set('mock_idp_persona', 'bob')
      form.set('mock_idp_claims', claims)
      const response = await fetch(idp.endpoints.authorize, { method: 'POST', body: form, redirect: 'manual' })
      expect(response.status).toBe(400)
    }
  })

  it('without users the page offers the signed-in user; prompt=none never shows it', async () => {
    const idp = await provider({ loginPage: true })
    expect(await (await fetch(authorizeUrl(idp))).text()).toContain('Sign in as test-user')
    expect(await login(idp, { prompt: 'none' })).toMatchObject({ sub: 'test-user' })
  })
})
