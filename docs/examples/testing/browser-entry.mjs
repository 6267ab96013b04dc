// A test-only entry of the app, bundled for the browser: the mock provider answers the page's fetches
// through MSW's service worker (run `npx msw init public/` once to copy mockServiceWorker.js).
import { setupWorker } from 'msw/browser'
import { createMockIdp } from 'idtoken-verify/mock-idp'
import { createVerifier } from 'idtoken-verify'

const idp = await createMockIdp({ issuer: 'https://login.example.com', clientId: 'my-client-id' })
const worker = setupWorker(...idp.handlers)
await worker.start({ onUnhandledRequest: 'bypass', quiet: true })

// What the app does with the ID token its sign-in returns; Playwright drives both through `window`.
const verifier = createVerifier({ issuer: idp.issuer, audience: idp.clientId })
window.mockIdp = idp
window.signIn = async (idToken) => (await verifier.verify(idToken)).payload.sub
