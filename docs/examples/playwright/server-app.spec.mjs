// The server-rendered app's server redeems the code and fetches the key set itself, out of the
// browser's reach: the fixture serves the provider on a real server (server: { port }) whose URL the
// app was started with as its issuer (playwright.config.mjs).
import { test, expect } from 'idtoken-verify/mock-idp/playwright'

const app = process.env.APP_URL ?? 'http://127.0.0.1:3000'
test.use({
  baseURL: app,
  mockIdpOptions: {
    server: { port: Number(process.env.IDP_PORT ?? 4010) },
    clientId: 'my-app',
    clients: [{ clientId: 'my-app', clientSecret: 'test-secret', redirectUris: [`${app}/callback`] }],
    users: {
      alice: { sub: 'alice', name: 'Alice' },
      bob: { sub: 'bob', name: 'Bob' },
    },
  },
})

test('the server verifies the ID token of the persona signed in', async ({ page, mockIdp }) => {
  mockIdp.signInAs('alice')
  await page.goto('/')
  await page.getByRole('link', { name: 'Sign in' }).click()
  await expect(page.locator('#status')).toHaveText('Hello Alice')
  expect(mockIdp.requestCount('token')).toBe(1) // redeemed by the app's server, not the browser
})

test('login_hint picks bob', async ({ page }) => {
  await page.goto('/login?login_hint=bob')
  await expect(page.locator('#status')).toHaveText('Hello Bob')
})

test('prompt=none with nobody signed in: login_required', async ({ page, mockIdp }) => {
  mockIdp.signInAs(null)
  await page.goto('/login?prompt=none')
  await expect(page.locator('#status')).toHaveText('Sign-in failed: login_required')
})
