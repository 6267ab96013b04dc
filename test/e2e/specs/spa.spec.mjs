// The fixture against a SPA that signs in by full-page redirect (code + PKCE) and verifies the ID token
// in the page: personas, login_hint, prompt=none, faults, rotation and the clock, all through mockIdp.
import { test, expect } from 'idtoken-verify/mock-idp/playwright'

const USERS = {
  alice: { sub: 'alice', name: 'Alice Liddell', email: 'alice@example.test' },
  bob: { sub: 'bob', name: 'Bob Builder', email: 'bob@example.test' },
}
test.use({ mockIdpOptions: { clientId: 'spa', users: USERS } })

const claims = async (page) => JSON.parse(await page.locator('#claims').textContent())

test("signInAs: the page shows the persona's claims, verified in the page", async ({ page, mockIdp }) => {
  mockIdp.signInAs('alice')
  await page.goto('/spa/')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.locator('#status')).toHaveText('signed in as alice')
  expect(await claims(page)).toEqual({
    sub: 'alice',
    name: 'Alice Liddell',
    email: 'alice@example.test',
    kid: mockIdp.signingKid(),
  })
  expect(new URL(page.url()).search).toBe('')
  // Discovery twice (authorize, then token), JWKS once: all answered in-process at https://idp.example.test.
  expect([mockIdp.requestCount('authorize'), mockIdp.requestCount('token'), mockIdp.requestCount('jwks')]).toEqual([
    1, 1, 1,
  ])
})

test('login_hint=bob signs bob in', async ({ page, mockIdp }) => {
  mockIdp.signInAs('alice')
  await page.goto(`/spa/?issuer=${encodeURIComponent(mockIdp.issuer)}&client_id=spa&hint=bob`)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.locator('#status')).toHaveText('signed in as bob')
  expect((await claims(page)).name).toBe('Bob Builder')
})

test('prompt=none with nobody signed in comes back with error=login_required', async ({ page, mockIdp }) => {
  mockIdp.signInAs(null)
  await page.goto('/spa/')
  await page.getByRole('button', { name: 'Check session' }).click()
  await expect(page.locator('#status')).toHaveText('error: login_required')
  mockIdp.signInAs('bob')
  await page.getByRole('button', { name: 'Check session' }).click()
  await expect(page.locator('#status')).toHaveText('signed in as bob')
})

test('a key set that answers 503: the page reports ERR_JWKS_UNAVAILABLE', async ({ page, mockIdp }) => {
  mockIdp.setFault('jwks', { status: 503 })
  await page.goto('/spa/')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.locator('#status')).toHaveText('failed: ERR_JWKS_UNAVAILABLE')
  expect(mockIdp.requestCount('jwks')).toBeGreaterThanOrEqual(1)
})

test('a failing network for the token endpoint reaches the page as a failed fetch', async ({ page, mockIdp }) => {
  mockIdp.setFault('token', { networkError: true, times: 1 })
  const failed = page.waitForEvent('requestfailed', (request) => request.url() === mockIdp.endpoints.token)
  await page.goto('/spa/')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await failed
})

test('rotation: the token is signed by the new key, the page verifies it', async ({ page, mockIdp }) => {
  const old = mockIdp.signingKid()
  const next = await mockIdp.rotateKeys()
  mockIdp.retireKey(old)
  await page.goto('/spa/')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.locator('#status')).toHaveText('signed in as test-user')
  expect((await claims(page)).kid).toBe(next)
  expect(next).not.toBe(old)
})

test('the clock: a provider two hours behind issues tokens the page finds expired', async ({ page, mockIdp }) => {
  mockIdp.advanceClock(-2 * 3600)
  await page.goto('/spa/')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.locator('#status')).toHaveText('failed: ERR_TOKEN_EXPIRED')
})

test("each test gets a fresh provider, with the worker's keys", async ({ mockIdp, mockIdpKeys }) => {
  expect(mockIdp.requestCount()).toBe(0)
  const [key] = await mockIdpKeys.keys(['RS256'])
  expect(mockIdp.jwks().keys.find((jwk) => jwk.kid === mockIdp.signingKid()).n).toBe(key.n)
})
