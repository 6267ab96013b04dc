// The conformance suite in Chromium (Debian's, driven by playwright-core), loading the built SDK by URL from a
// second origin with a plain <script type="module">: the CDN path (see ./page.ts).
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CASE_COUNT } from '../conformance/suite.ts'
import { serveSuitePage, type SuitePage } from './page.ts'
import { chromiumLaunchOptions } from '../../scripts/browsers.mjs'

let browser: Browser
let page: SuitePage

beforeAll(async () => {
  page = await serveSuitePage()
  browser = await chromium.launch(chromiumLaunchOptions())
})

afterAll(async () => {
  await browser?.close()
  await page?.close()
})

describe('conformance: Chromium', () => {
  it(
    `passes all ${CASE_COUNT} cases with dist/index.js imported by URL from another origin`,
    { timeout: 60_000 },
    async () => {
      const tab = await browser.newPage()
      const errors: string[] = []
      tab.on('pageerror', (error) => errors.push(error.message))
      tab.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text())
      })
      await tab.goto(page.url)
      await tab
        .waitForFunction(() => window.conformance !== undefined, undefined, { timeout: 15_000 })
        .catch((error: Error) => {
          throw new Error(`the page did not start the suite: ${errors.join('; ') || error.message}`)
        })
      const result = await tab.evaluate(() => window.conformance!)
      console.log(`chromium ${browser.version()}: ${result.passed} passed, ${result.failed} failed`)
      expect(result.failures).toEqual([])
      expect(result).toMatchObject({ passed: CASE_COUNT, failed: 0 })
      expect(result.lines.at(-1)).toBe(`${CASE_COUNT} passed, 0 failed`)
      expect(errors).toEqual([])
      expect(page.cdnRequests).toContain(new URL(page.sdkUrl).pathname)
      await tab.close()
    },
  )
})
