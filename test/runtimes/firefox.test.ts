// The conformance suite in a second engine: Debian's Firefox ESR (Gecko, SpiderMonkey), driven over WebDriver
// BiDi by puppeteer-core (which downloads nothing: the browser is /usr/bin/firefox-esr). Same page as the
// Chromium runner: dist/index.js imported by URL from another origin with a plain <script type="module">.
import puppeteer, { type Browser } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CASE_COUNT } from '../conformance/suite.ts'
import { serveSuitePage, type SuitePage } from './page.ts'
import { firefoxLaunchOptions } from '../../scripts/browsers.mjs'

let browser: Browser
let page: SuitePage

beforeAll(async () => {
  page = await serveSuitePage()
  browser = await puppeteer.launch(firefoxLaunchOptions())
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await page?.close()
})

describe('conformance: Firefox', () => {
  it(
    `passes all ${CASE_COUNT} cases with dist/index.js imported by URL from another origin`,
    { timeout: 60_000 },
    async () => {
      const tab = await browser.newPage()
      const errors: string[] = []
      tab.on('pageerror', (error) => errors.push(String(error)))
      tab.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text())
      })
      await tab.goto(page.url)
      await tab
        .waitForFunction(() => window.conformance !== undefined, { timeout: 15_000 })
        .catch((error: Error) => {
          throw new Error(`the page did not start the suite: ${errors.join('; ') || error.message}`)
        })
      const result = await tab.evaluate(() => window.conformance!)
      console.log(`${(await browser.version()).replace('/', ' ')}: ${result.passed} passed, ${result.failed} failed`)
      expect(result.failures).toEqual([])
      expect(result).toMatchObject({ passed: CASE_COUNT, failed: 0 })
      expect(result.lines.at(-1)).toBe(`${CASE_COUNT} passed, 0 failed`)
      expect(errors).toEqual([])
      expect(page.cdnRequests).toContain(new URL(page.sdkUrl).pathname)
      await tab.close()
    },
  )
})
