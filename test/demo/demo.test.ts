// README's first command, as a newcomer meets it: `npm start` serves the mock IdP and the demo page.
// Chromium signs in, sees the verified claims, rotates the IdP's keys, breaks its JWKS endpoint and
// reloads. The screenshot is kept in artifacts/ for a human to look at.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { chromium, type Browser, type Page } from 'playwright-core'
import { chromiumLaunchOptions } from '../../scripts/browsers.mjs'

const root = new URL('../../', import.meta.url)
let child: ChildProcess
let browser: Browser
let demoUrl: string
let output = ''

beforeAll(async () => {
  child = spawn(process.execPath, ['examples/start.mjs'], {
    cwd: root,
    env: { ...process.env, DEMO_PORT: '0', IDP_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  demoUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start:\n${output}`)), 30_000)
    const read = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /Demo page: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout!.on('data', read)
    child.stderr!.on('data', read)
    child.once('exit', (code) => reject(new Error(`demo exited with ${code}:\n${output}`)))
  })
  browser = await chromium.launch(chromiumLaunchOptions())
})

afterAll(async () => {
  await browser?.close()
  child?.kill('SIGTERM')
})

async function signIn(page: Page): Promise<void> {
  // The click starts a full-page redirect: until it commits, the old page would still say "ok".
  await page.evaluate(() => document.getElementById('status')?.setAttribute('class', 'signing-in'))
  await page.click('#sign-in')
  await page.waitForFunction(() => document.getElementById('status')?.className === 'ok', null, { timeout: 15_000 })
}

it('prints verified claims and rejected forgeries in the terminal', () => {
  expect(output).toMatch(/✔ verified an ID token signed with ES256/)
  expect(output).toMatch(/✔ rejected unpublishedKey: ERR_KEY_NOT_FOUND/)
  expect(output).toMatch(/✔ rejected algNone: ERR_ALG_NOT_ALLOWED/)
  expect(output).not.toMatch(/✘/)
})

it('signs in, shows the verified claims and key, survives rotation, an outage and a reload', async () => {
  const page = await browser.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(String(error)))
  await page.goto(demoUrl)
  await signIn(page)
  expect(await page.textContent('#status')).toContain('Signed in as Alice Example')
  expect(await page.textContent('[data-claim="sub"]')).toBe('"alice"')
  expect(await page.textContent('[data-claim="email"]')).toBe('"alice@example.test"')
  expect(await page.textContent('#source')).toContain('network')
  const firstKey = await page.textContent('#key')
  expect(firstKey).toMatch(/^ES256, kid /)
  mkdirSync(new URL('artifacts/', root), { recursive: true })
  await page.screenshot({ path: new URL('artifacts/demo.png', root).pathname, fullPage: true })

  // A reload verifies from IndexedDB without a request.
  await page.evaluate(() => document.getElementById('status')?.setAttribute('class', 'reloading'))
  await page.click('#reload')
  await page.waitForFunction(() => document.getElementById('status')?.className === 'ok')
  expect(await page.textContent('#source')).toContain('no request')

  // Rotation: the next login's token is signed by the new key, found with one refetch.
  await page.click('#rotate')
  await page.waitForFunction(() => /rotated/.test(document.getElementById('log')?.textContent ?? ''))
  await signIn(page)
  const rotatedKey = await page.textContent('#key')
  expect(rotatedKey).not.toBe(firstKey)
  expect(await page.textContent('#source')).toContain('network')

  // Outage: with the JWKS endpoint broken, the cached keys still verify.
  await page.click('#break')
  await page.waitForFunction(() => /503/.test(document.getElementById('log')?.textContent ?? ''))
  await page.evaluate(() => document.getElementById('status')?.setAttribute('class', 'verifying'))
  await page.click('#verify-again')
  await page.waitForFunction(() => document.getElementById('status')?.className === 'ok')
  await page.click('#fix')
  expect(errors).toEqual([])
  await page.close()
})
