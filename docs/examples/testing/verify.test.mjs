// vitest: the mock provider's handlers under MSW's setupServer, so the verifier's real fetches are answered in-process.
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import { createMockIdp } from 'idtoken-verify/mock-idp'
import { createVerifier } from 'idtoken-verify'

let now = Date.now() // one clock for the provider and the verifier: tests move it, never sleep
const idp = await createMockIdp({ issuer: 'https://login.example.com', clientId: 'my-client-id', now: () => now })
const server = setupServer(...idp.handlers)

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => idp.reset())
afterAll(() => server.close())

it('accepts a token from the provider', async () => {
  const verifier = createVerifier({ issuer: idp.issuer, audience: idp.clientId, now: () => now })
  const token = await idp.mintIdToken({ sub: 'alice', nonce: 'n-1' })
  const { payload } = await verifier.verify(token, { nonce: 'n-1' })
  expect(payload.sub).toBe('alice')
})

it('rejects a forged token', async () => {
  const verifier = createVerifier({ issuer: idp.issuer, audience: idp.clientId, now: () => now })
  const bad = await idp.mintBadToken('hmacWithPublicKey')
  await expect(verifier.verify(bad.token, bad.checks)).rejects.toMatchObject({ code: 'ERR_ALG_NOT_ALLOWED' })
})

it('keeps verifying on cached keys while the provider is down', async () => {
  const verifier = createVerifier({ issuer: idp.issuer, audience: idp.clientId, now: () => now })
  await verifier.verify(await idp.mintIdToken())
  idp.setFault('discovery', { status: 503 })
  idp.setFault('jwks', { status: 503 })
  now += 2 * 3600_000 // keys past freshness (max-age 300), still within staleIfError (6 h)
  const { payload } = await verifier.verify(await idp.mintIdToken())
  expect(payload.sub).toBe('test-user')
  expect(idp.requestCount('jwks')).toBe(2) // the failed refresh was attempted
})
