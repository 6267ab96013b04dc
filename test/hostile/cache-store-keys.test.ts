// Issue 8.10: store keys were `v1 jwks <issuer> <uri>`: not injective when a configured value has a space, so
// two verifiers could share an entry. Each part is now encoded.
import { beforeAll, expect, it } from 'vitest'
import { createVerifier, memoryStore } from '../../src/index.ts'
import { CLIENT, NOW, defaultClaims, makeKey, rejection, sign, type TestKey } from '../helpers/issuer.ts'

let keyX: TestKey
let keyY: TestKey
beforeAll(async () => {
  keyX = await makeKey('ES256', 'same-kid')
  keyY = await makeKey('ES256', 'same-kid')
})

it('two verifiers whose issuer and jwksUri join to the same string keep separate entries', async () => {
  // "https://a.example" + " " + "https://b.example/k https://c.example/j"
  // "https://a.example https://b.example/k" + " " + "https://c.example/j"
  const x = { issuer: 'https://a.example', jwksUri: 'https://b.example/k https://c.example/j' }
  const y = { issuer: 'https://a.example https://b.example/k', jwksUri: 'https://c.example/j' }
  const requests: string[] = []
  const fetch = (async (input: RequestInfo | URL) => {
    const url = String(input instanceof Request ? input.url : input)
    requests.push(url)
    const keys = url.startsWith('https://b.example/') ? [keyX.publicJwk] : [keyY.publicJwk]
    return Response.json({ keys })
  }) as typeof globalThis.fetch
  const store = memoryStore()
  const common = { audience: CLIENT, fetch, cache: store, now: () => NOW, algorithms: ['ES256'] as const }
  const verifierX = createVerifier({ ...x, ...common, algorithms: ['ES256'] })
  await verifierX.verify(await sign(keyX, { claims: { ...defaultClaims(NOW), iss: x.issuer } }))
  await new Promise((resolve) => setTimeout(resolve, 10)) // store writes run off the critical path

  const verifierY = createVerifier({ ...y, ...common, algorithms: ['ES256'] })
  // Signed by X's key, for Y's issuer: Y must not find X's key set under its own store key.
  const forged = await sign(keyX, { claims: { ...defaultClaims(NOW), iss: y.issuer } })
  expect((await rejection(verifierY.verify(forged))).code).toBe('ERR_SIGNATURE_INVALID')
  expect(requests.some((url) => url.startsWith('https://c.example/'))).toBe(true)
  await verifierY.verify(await sign(keyY, { claims: { ...defaultClaims(NOW), iss: y.issuer } }))
})
