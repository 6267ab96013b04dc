// The Vite SPA of docs/examples/vite-spa, served by `vite` (playwright.config.mjs): it redirects to
// the provider at the issuer it was built with, and the fixture answers there, inside the browser.
import { test, expect } from 'idtoken-verify/mock-idp/playwright'

test.use({
  mockIdpOptions: {
    issuer: 'https://login.example.com', // VITE_OIDC_ISSUER in the app's .env
    clientId: 'my-client-id',
    users: { alice: { sub: 'alice', name: 'Alice' } },
  },
})

test('signs in by redirect and verifies the ID token in the page', async ({ page, mockIdp }) => {
  mockIdp.signInAs('alice')
  await page.goto('/')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.locator('#result')).toHaveText('Signed in as alice')
})

test('a key set that answers 503 shows in the app', async ({ page, mockIdp }) => {
  mockIdp.setFault('jwks', { status: 503 })
  await page.goto('/')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.locator('#result')).toHaveText('Sign-in failed: ERR_JWKS_UNAVAILABLE')
})
