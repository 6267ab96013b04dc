// Issue 8.6: each jwks_uri discovery ever named kept its key set in memory and in the store forever. Only the
// current one is kept.
import { beforeAll, expect, it } from 'vitest'
import { type CachedEntry, type JwksStore } from '../../src/index.ts'
import { ISSUER, makeKey, type TestKey } from '../helpers/issuer.ts'
import { harness } from '../helpers/harness.ts'

let key: TestKey
beforeAll(async () => {
  key = await makeKey('ES256', 'k1')
})

it('a provider that changes jwks_uri on every discovery fetch leaves one key set in the store', async () => {
  let generation = 0
  const fetch = (async (input: RequestInfo | URL) => {
    const url = new URL(String(input instanceof Request ? input.url : input))
    const headers = { 'content-type': 'application/json', 'cache-control': 'max-age=60' }
    if (url.pathname === '/.well-known/openid-configuration') {
      generation++
      return new Response(JSON.stringify({ issuer: ISSUER, jwks_uri: `${ISSUER}/jwks/${generation}` }), { headers })
    }
    return new Response(JSON.stringify({ keys: [key.publicJwk] }), { headers })
  }) as typeof globalThis.fetch
  const entries = new Map<string, CachedEntry>()
  const store: JwksStore = {
    get: async (k) => entries.get(k),
    set: async (k, entry) => void entries.set(k, entry),
    delete: async (k) => void entries.delete(k),
  }
  // The provider cannot say this (a new jwks_uri per discovery fetch): its own fetch, the harness's clock.
  const { clock, verifier, token } = harness({ key }, { fetch, cache: store, algorithms: ['ES256'] })
  for (let i = 0; i < 20; i++) {
    await verifier.verify(await token())
    clock.advance(61)
  }
  await new Promise((resolve) => setTimeout(resolve, 10)) // store writes run off the critical path
  expect(generation).toBe(20)
  const keySets = [...entries.keys()].filter((k) => k.includes('jwks'))
  expect(keySets).toHaveLength(1)
  expect(keySets[0]).toContain(encodeURIComponent(`${ISSUER}/jwks/20`))
})
