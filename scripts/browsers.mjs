// The browsers the suites and the bench drive, and how each is launched, in one place: Debian's Chromium through
// Playwright with the flags the project prescribes, and Debian's Firefox ESR over WebDriver BiDi through
// puppeteer-core. Nothing here downloads a browser.
import { existsSync } from 'node:fs'

export const CHROMIUM = '/usr/bin/chromium'
export const FIREFOX = '/usr/bin/firefox-esr'

export const CHROMIUM_ARGS = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
])

/** Playwright's launch options for Debian's Chromium. */
export function chromiumLaunchOptions() {
  return { executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] }
}

/** puppeteer-core's launch options for Debian's Firefox ESR; throws, saying what to install, when it is missing. */
export function firefoxLaunchOptions(extra = {}) {
  if (!existsSync(FIREFOX)) {
    throw new Error(
      `${FIREFOX} is missing: install Debian's firefox-esr (apt-get install -y firefox-esr; .ci/run does)`,
    )
  }
  return {
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: FIREFOX,
    headless: true,
    // No updates, telemetry or remote settings: nothing but the page may touch the network.
    extraPrefsFirefox: {
      'app.update.enabled': false,
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
      'network.captive-portal-service.enabled': false,
    },
    ...extra,
  }
}
