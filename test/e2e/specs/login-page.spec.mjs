// The CLI's login page (--login-page) for manual runs: the SPA redirects to the CLI server's /authorize,
// which shows the personas; a click (after editing the claims) continues the flow back to the app.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { test, expect } from '@playwright/test'

const cli = fileURLToPath(new URL('../../../dist/mock-idp-cli.js', import.meta.url))
const users = { alice: { sub: 'alice', name: 'Alice' }, bob: { sub: 'bob', name: 'Bob', email: 'bob@example.test' } }
let child
let issuer

test.beforeAll(async () => {
  child = spawn(
    process.execPath,
    [cli, '--port', '0', '--client-id', 'spa', '--login-page', '--users', JSON.stringify(users)],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  )
  const [chunk] = await once(child.stdout, 'data')
  issuer = String(chunk).split('\n')[0]
})

test.afterAll(async () => {
  child.kill('SIGTERM')
  await once(child, 'exit')
})

test('pick a persona on the login page, with edited claims', async ({ page }) => {
  await page.goto(`/spa/?issuer=${encodeURIComponent(issuer)}&client_id=spa`)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await expect(page).toHaveTitle('Mock IdP: sign in')
  await expect(page.getByRole('button', { name: /^Sign in as / })).toHaveText(['Sign in as alice', 'Sign in as bob'])
  await page
    .getByLabel('Claims of bob (JSON)')
    .fill(JSON.stringify({ sub: 'bob', name: 'Robert', email: 'bob@example.test' }))
  await page.getByRole('button', { name: 'Sign in as bob' }).click()
  await expect(page.locator('#status')).toHaveText('signed in as bob')
  expect(JSON.parse(await page.locator('#claims').textContent())).toMatchObject({
    sub: 'bob',
    name: 'Robert',
    email: 'bob@example.test',
  })
  // The session is bob's now: prompt=none answers without the page.
  await page.getByRole('button', { name: 'Check session' }).click()
  await expect(page.locator('#status')).toHaveText('signed in as bob')
})

test('the login page runs no script and cannot be framed', async ({ page }) => {
  const errors = []
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()))
  await page.goto(`/spa/?issuer=${encodeURIComponent(issuer)}&client_id=spa`)
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().startsWith(`${issuer}/authorize`)),
    page.getByRole('button', { name: 'Sign in', exact: true }).click(),
  ])
  expect(response.headers()['content-security-policy']).toContain("default-src 'none'")
  expect(response.headers()['x-frame-options']).toBe('DENY')
  await expect(page.locator('form')).toHaveCount(2)
  expect(await page.locator('script').count()).toBe(0)
  await page.getByRole('button', { name: 'Sign in as alice' }).click()
  await expect(page.locator('#status')).toHaveText('signed in as alice')
  expect(errors).toEqual([]) // no CSP violation on the way
})
