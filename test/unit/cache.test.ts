// The key cache: HTTP freshness, conditional refresh, stale-while-revalidate, outages, back-off,
// rotation and cooldown. Time is the injected clock; requests are counted at the provider.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { memoryStore, type VerifierOptions } from '../../src/index.ts'
import { ISSUER, NOW, defaultClaims, keysForAllAlgs, rejection, sign, type TestKey } from '../helpers/issuer.ts'
import { harness, manualClock } from '../helpers/harness.ts'
import { type FakeIdp } from '../helpers/idp.ts'
import { storeKey } from '../../src/lib/persisted.ts'

let key: TestKey
let other: TestKey
beforeAll(async () => {
  const keys = await keysForAllAlgs()
  key = keys.ES256
  other = keys.RS256
})
afterEach(() => {
  vi.useRealTimers()
})

const setup = (options: Partial<VerifierOptions> = {}, keys = [key.publicJwk]) => {
  const h = harness({ key, keys }, options)
  return {
    ...h,
    token: (signer: TestKey = key, header?: Record<string, unknown>) => h.token(signer, header ? { header } : {}),
  }
}

const fetches = (idp: FakeIdp) => idp.count('/jwks')

describe('freshness from HTTP', () => {
  it('keeps a key set fresh for max-age minus Age, then revalidates with If-None-Match before use', async () => {
    const { idp, clock, verifier, token } = setup({ staleWhileRevalidate: 0 })
    idp.headers = { 'cache-control': 'public, max-age=300', age: '100' }
    await verifier.verify(await token())
    expect(fetches(idp)).toBe(1)
    clock.advance(149)
    await verifier.verify(await token())
    expect(fetches(idp)).toBe(1)
    clock.advance(52)
    await verifier.verify(await token())
    expect(fetches(idp)).toBe(2)
    const last = idp.log.at(-1)!
    expect(last.ifNoneMatch).toMatch(/^"/)
    expect(last.status).toBe(304)
  })

  it('renews the set ahead of expiry in the background: one request, and steady traffic never finds it expired', async () => {
    const { idp, clock, verifier, token } = setup({ staleWhileRevalidate: 0 })
    idp.headers = { 'cache-control': 'max-age=400' }
    await verifier.verify(await token())
    clock.advance(299) // the last quarter of the lifetime (at most 5 minutes) starts at 300 s
    await verifier.verify(await token())
    expect(fetches(idp)).toBe(1)
    clock.advance(2)
    const tokens = await Promise.all(Array.from({ length: 10 }, () => token()))
    await Promise.all(tokens.map((t) => verifier.verify(t)))
    await vi.waitFor(() => expect(idp.log.at(-1)!.status).toBe(304))
    expect(fetches(idp)).toBe(2) // one background request for ten verifications
    expect(idp.log.at(-1)!.status).toBe(304)
    clock.advance(150) // past the first copy's max-age (400 s), inside the renewed one's
    idp.fault = 503
    await verifier.verify(await token())
    expect(fetches(idp)).toBe(2)
  })

  it('a 304 keeps the keys and renews freshness', async () => {
    const { idp, clock, verifier, token, events } = setup({ staleWhileRevalidate: 0 })
    idp.headers = { 'cache-control': 'max-age=120' }
    await verifier.verify(await token())
    clock.advance(121)
    await verifier.verify(await token())
    expect(idp.log.filter((r) => r.path === '/jwks').map((r) => r.status)).toEqual([200, 304])
    clock.advance(89)
    await verifier.verify(await token())
    expect(fetches(idp)).toBe(2)
    expect(events.some((e) => e.type === 'fetched' && e.status === 304)).toBe(true)
  })

  it('clamps max-age to the configured bounds and uses the default without headers', async () => {
    const low = setup({ minCacheAge: 60, staleWhileRevalidate: 0 })
    low.idp.headers = { 'cache-control': 'max-age=0' }
    await low.verifier.verify(await low.token())
    low.clock.advance(44)
    await low.verifier.verify(await low.token())
    expect(fetches(low.idp)).toBe(1)
    low.clock.advance(17)
    await low.verifier.verify(await low.token())
    expect(fetches(low.idp)).toBe(2)

    const high = setup({ maxCacheAge: 100, staleWhileRevalidate: 0 })
    high.idp.headers = { 'cache-control': 'max-age=999999' }
    await high.verifier.verify(await high.token())
    high.clock.advance(101)
    await high.verifier.verify(await high.token())
    expect(fetches(high.idp)).toBe(2)

    const none = setup({ defaultCacheAge: 30, minCacheAge: 10, staleWhileRevalidate: 0 })
    await none.verifier.verify(await none.token())
    none.clock.advance(22)
    await none.verifier.verify(await none.token())
    expect(fetches(none.idp)).toBe(1)
    none.clock.advance(9)
    await none.verifier.verify(await none.token())
    expect(fetches(none.idp)).toBe(2)
  })

  it('does not put a no-store response in the store', async () => {
    const store = memoryStore()
    const { idp, verifier, token } = setup({ cache: store })
    idp.headers = { 'cache-control': 'no-store' }
    await verifier.verify(await token())
    expect(await store.get(storeKey('jwks', ISSUER, `${ISSUER}/jwks`))).toBeUndefined()
    expect(await store.get(storeKey('discovery', ISSUER))).toBeUndefined()
  })
})

describe('stale-while-revalidate', () => {
  it('answers from the stale set at once and refreshes in the background, where the response allows it', async () => {
    const { idp, clock, verifier, token } = setup({ staleWhileRevalidate: 600 })
    idp.headers = { 'cache-control': 'max-age=60, stale-while-revalidate=300' }
    await verifier.verify(await token())
    clock.advance(120)
    // The provider hangs: a verification that waited for it would time out.
    idp.fault = 'hang'
    const result = await verifier.verify(await token())
    expect(result.payload.sub).toBe('user-1')
    expect(idp.count('/jwks')).toBe(2) // the background refresh was started
  })

  it('without the directive, a set past max-age is revalidated before use', async () => {
    const { idp, clock, verifier, token } = setup({ staleWhileRevalidate: 600, timeout: 50, staleIfError: 0 })
    idp.headers = { 'cache-control': 'max-age=60' }
    await verifier.verify(await token())
    clock.advance(120)
    idp.fault = 'hang'
    expect((await rejection(verifier.verify(await token()))).code).toBe('ERR_JWKS_UNAVAILABLE')
  })

  it('the option bounds what the response may grant', async () => {
    const { idp, clock, verifier, token } = setup({ staleWhileRevalidate: 30, staleIfError: 0 })
    idp.headers = { 'cache-control': 'max-age=60, stale-while-revalidate=3600' }
    await verifier.verify(await token())
    clock.advance(80) // inside 60 + 30
    idp.fault = 503
    await verifier.verify(await token())
    clock.advance(20) // past 60 + 30
    expect((await rejection(verifier.verify(await token()))).code).toBe('ERR_JWKS_UNAVAILABLE')
  })

  it('waits for the network once the set is past stale-while-revalidate', async () => {
    const { idp, clock, verifier, token } = setup({ staleWhileRevalidate: 60, staleIfError: 0 })
    idp.headers = { 'cache-control': 'max-age=60, stale-while-revalidate=60' }
    await verifier.verify(await token())
    clock.advance(200)
    idp.fault = 503
    expect((await rejection(verifier.verify(await token()))).code).toBe('ERR_JWKS_UNAVAILABLE')
  })
})

describe('outages', () => {
  for (const [label, fault] of [
    ['network error', 'network'],
    ['HTTP 503', 503],
    ['garbage body', { body: '<html>oops' }],
    ['a body that is not a key set', { body: '{"keys": 5}' }],
  ] as const) {
    it(`keeps verifying with cached keys through ${label}, tells the application, then gives up`, async () => {
      const { idp, clock, verifier, token, events } = setup({ staleWhileRevalidate: 0, staleIfError: 3600 })
      idp.headers = { 'cache-control': 'max-age=60' }
      await verifier.verify(await token())
      idp.fault = fault
      clock.advance(61)
      await expect(verifier.verify(await token())).resolves.toBeTruthy()
      clock.advance(5)
      await expect(verifier.verify(await token())).resolves.toBeTruthy()
      // Told once per outage and document, not once per verification.
      const stale = events.filter((e) => e.type === 'stale').map((e) => (e as { url: string }).url)
      expect(stale.length).toBeGreaterThan(0)
      expect(new Set(stale).size).toBe(stale.length)
      expect(events.some((e) => e.type === 'fetch-failed')).toBe(true)
      clock.advance(3600)
      const error = await rejection(verifier.verify(await token()))
      expect(['ERR_JWKS_UNAVAILABLE', 'ERR_JWKS_INVALID']).toContain(error.code)
    })
  }

  it('backs off after failures instead of hammering the provider', async () => {
    const { idp, clock, verifier, token } = setup()
    idp.fault = 500
    for (let i = 0; i < 20; i++) {
      expect((await rejection(verifier.verify(await token()))).code).toBe('ERR_JWKS_UNAVAILABLE')
    }
    // One discovery attempt; the back-off (1 s) answers the rest without a request.
    expect(idp.count()).toBe(1)
    clock.advance(1)
    await rejection(verifier.verify(await token()))
    expect(idp.count()).toBe(2)
    clock.advance(1) // now 2 s are needed
    await rejection(verifier.verify(await token()))
    expect(idp.count()).toBe(2)
    idp.fault = undefined
    clock.advance(1)
    await expect(verifier.verify(await token())).resolves.toBeTruthy()
  })

  it('times out a hanging provider with ERR_JWKS_UNAVAILABLE', async () => {
    const { idp, verifier, token } = setup({ timeout: 50 })
    idp.fault = 'hang'
    const error = await rejection(verifier.verify(await token()))
    expect(error.code).toBe('ERR_JWKS_UNAVAILABLE')
    expect(error.message).toMatch(/timed out/)
  })
})

describe('rotation', () => {
  it('finds a rotated-in key with one refetch shared by every waiting verification', async () => {
    const { idp, verifier, token, clock } = setup()
    await verifier.verify(await token())
    clock.advance(60)
    idp.keys = [key.publicJwk, other.publicJwk]
    const tokens = await Promise.all(Array.from({ length: 20 }, () => token(other)))
    await Promise.all(tokens.map((t) => verifier.verify(t)))
    expect(fetches(idp)).toBe(2)
  })

  it('a flood of unknown kids costs at most one fetch per cooldown', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] })
    const { idp, verifier, token, clock } = setup({ cooldown: 30 })
    await verifier.verify(await token())
    clock.advance(60)
    const flood = await Promise.all(Array.from({ length: 200 }, (_, i) => token(key, { kid: `random-${i}` })))
    const results = flood.map((t) => rejection(verifier.verify(t)))
    await vi.advanceTimersByTimeAsync(0)
    expect(fetches(idp)).toBe(2) // the first unknown kid refetched at once
    // the rest wait for the next permitted refetch, one for all of them
    clock.advance(30)
    await vi.advanceTimersByTimeAsync(30_000)
    for (const error of await Promise.all(results)) expect(error.code).toBe('ERR_KEY_NOT_FOUND')
    expect(fetches(idp)).toBeLessThanOrEqual(3)
  })

  it('a rotation that lands just after a refetch: refused at once inside the cooldown, found when it opens', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] })
    const { idp, verifier, token, clock } = setup({ cooldown: 30, timeout: 5000 })
    await verifier.verify(await token())
    clock.advance(60)
    await rejection(verifier.verify(await token(key, { kid: 'garbage' }))) // spends the cooldown
    expect(fetches(idp)).toBe(2)
    clock.advance(1)
    idp.keys = [key.publicJwk, other.publicJwk] // the provider rotates now
    // 29 s before the next refetch: no waiting (that would hold requests open), no request.
    expect((await rejection(verifier.verify(await token(other)))).code).toBe('ERR_KEY_NOT_FOUND')
    expect(fetches(idp)).toBe(2)
    // Within `timeout` of the next permitted refetch, the token waits for it and is served by it.
    clock.advance(26)
    const pending = verifier.verify(await token(other))
    await vi.advanceTimersByTimeAsync(0)
    expect(fetches(idp)).toBe(2)
    clock.advance(3)
    await vi.advanceTimersByTimeAsync(3_000)
    await expect(pending).resolves.toBeTruthy()
    expect(fetches(idp)).toBe(3)
    await expect(verifier.verify(await token(other))).resolves.toBeTruthy()
    expect(fetches(idp)).toBe(3)
  })

  it('a rotated-in key is found by the first token after the cooldown, with one refetch', async () => {
    const { idp, verifier, token, clock } = setup({ cooldown: 30 })
    await verifier.verify(await token())
    clock.advance(60)
    await rejection(verifier.verify(await token(key, { kid: 'garbage' })))
    clock.advance(2)
    idp.keys = [key.publicJwk, other.publicJwk]
    expect((await rejection(verifier.verify(await token(other)))).code).toBe('ERR_KEY_NOT_FOUND')
    clock.advance(30)
    await expect(verifier.verify(await token(other))).resolves.toBeTruthy()
    expect(fetches(idp)).toBe(3)
  })

  it('stops verifying a key that left the set once the set is refreshed', async () => {
    const { idp, verifier, token, clock } = setup({ staleWhileRevalidate: 0 })
    idp.headers = { 'cache-control': 'max-age=60' }
    idp.keys = [key.publicJwk, other.publicJwk]
    await verifier.verify(await token(other))
    idp.keys = [key.publicJwk]
    clock.advance(61)
    expect((await rejection(verifier.verify(await token(other)))).code).toBe('ERR_KEY_NOT_FOUND')
  })
})

describe('refresh and warm', () => {
  it('refresh() fetches now; warm() fetches only what is not fresh', async () => {
    const { idp, verifier, token } = setup()
    await verifier.warm()
    expect(idp.count()).toBe(2)
    await verifier.warm()
    expect(idp.count()).toBe(2)
    await verifier.refresh()
    expect(idp.count()).toBe(4)
    await verifier.verify(await token())
    expect(idp.count()).toBe(4)
  })
})

describe('stores', () => {
  it('a second verifier on the same store verifies with zero requests', async () => {
    const store = memoryStore()
    const first = setup({ cache: store })
    await first.verifier.verify(await first.token())
    const second = setup({ cache: store })
    await second.verifier.verify(await second.token())
    expect(second.idp.count()).toBe(0)
  })

  it('a store that throws never breaks verification: memory takes over and the application is told', async () => {
    const broken = {
      get: async () => {
        throw new Error('quota')
      },
      set: async () => {
        throw new Error('quota')
      },
      delete: async () => {
        throw new Error('quota')
      },
    }
    const { verifier, token, events, idp } = setup({ cache: broken })
    await verifier.verify(await token())
    await verifier.verify(await token())
    expect(events.filter((e) => e.type === 'store-failed')).toHaveLength(1)
    expect(idp.count()).toBe(2)
  })

  it('a store entry that is corrupted is dropped and fetched anew', async () => {
    const store = memoryStore()
    await store.set(storeKey('discovery', ISSUER), {
      value: { issuer: 'https://evil.example' },
      fetchedAt: NOW,
      freshUntil: NOW + 1e9,
    })
    await store.set(storeKey('jwks', ISSUER, `${ISSUER}/jwks`), {
      value: 'nonsense',
      fetchedAt: NOW,
      freshUntil: NOW + 1e9,
    })
    const { verifier, token, idp } = setup({ cache: store })
    await verifier.verify(await token())
    expect(idp.count()).toBe(2)
  })
})

describe('server time', () => {
  it('corrects a wrong local clock by the provider Date header, and says so in errors', async () => {
    const clock = manualClock(NOW - 3600_000) // our clock is an hour behind
    const { verifier, events } = harness(
      { key, clock, headers: { date: new Date(NOW).toUTCString() } },
      { serverTime: true },
    )
    // Issued at the provider's "now": an hour in our future, accepted thanks to the correction.
    await expect(verifier.verify(await sign(key, { claims: defaultClaims(NOW) }))).resolves.toBeTruthy()
    expect(events).toContainEqual({ type: 'skew', skew: 3600 })
    const expired = await sign(key, { claims: { ...defaultClaims(NOW - 7200_000) } })
    const error = await rejection(verifier.verify(expired))
    expect(error.code).toBe('ERR_TOKEN_EXPIRED')
    expect((error as unknown as { skew: number }).skew).toBe(3600)

    const plain = harness({ key, clock }).verifier
    expect((await rejection(plain.verify(await sign(key, { claims: defaultClaims(NOW) })))).code).toBe(
      'ERR_TOKEN_NOT_YET_VALID',
    )
  })
})
