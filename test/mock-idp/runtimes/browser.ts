// Runner for Chromium: the scenario under msw's setupWorker, with the app's own mockServiceWorker.js
// served at the page origin. The Playwright test calls window.runMockIdpScenario().
import { setupWorker } from 'msw/browser'
import { runScenario } from './scenario.ts'

declare global {
  interface Window {
    runMockIdpScenario(): Promise<number>
  }
}

window.runMockIdpScenario = async () => {
  const worker = setupWorker()
  await worker.start({ serviceWorker: { url: '/mockServiceWorker.js' }, onUnhandledRequest: 'error', quiet: true })
  try {
    return await runScenario((handlers) => worker.use(...handlers))
  } finally {
    worker.stop()
  }
}
