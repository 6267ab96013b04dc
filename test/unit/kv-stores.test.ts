// The example JwksStore adapters for server key-value stores (examples/stores/), each against a small
// in-memory fake of its API: a new isolate (a new verifier and adapter on the same KV) verifies with no
// request while the keys are fresh. Requests are counted at the provider; time is the injected clock.
import { beforeAll, describe, expect, it } from 'vitest'
import { type JwksStore, type VerifierOptions } from '../../src/index.ts'
import { cloudflareKvStore, type CloudflareKvLike } from '../../examples/stores/cloudflare-kv.ts'
import { denoKvStore, type DenoKvLike } from '../../examples/stores/deno-kv.ts'
import { NOW, makeKey, type TestKey } from '../helpers/issuer.ts'
import { harness, manualClock, type ManualClock } from '../helpers/harness.ts'
import { fakeIdp, type FakeIdp } from '../helpers/idp.ts'

let key: TestKey
beforeAll(async () => {
  key = await makeKey('ES256', 'kid-kv')
})

type Clock = ManualClock

/** Deno KV's get/set/delete: array keys, structured-clone values, `expireIn` in milliseconds. */
function fakeDenoKv(clock: Clock) {
  const data = new Map<string, { value: unknown; expiresAt: number }>()
  let failing = false
  const check = () => {
    if (failing) throw new Error('KV is unavailable')
  }
  const kv: DenoKvLike = {
    async get(key) {
      check()
      const found = data.get(JSON.stringify(key))
      if (found === undefined || clock.now() >= found.expiresAt) return { value: null }
      return { value: structuredClone(found.value) }
    },
    async set(key, value, options) {
      check()
      data.set(JSON.stringify(key), {
        value: structuredClone(value),
        expiresAt: clock.now() + (options?.expireIn ?? Infinity),
      })
      return { ok: true }
    },
    async delete(key) {
      check()
      data.delete(JSON.stringify(key))
    },
  }
  return {
    kv,
    data,
    fail: (on: boolean) => void (failing = on),
    /** Every stored value, as a key-value store holds it. */
    values: () => [...data.values()].map((v) => v.value),
    ttls: () => [...data.values()].map((v) => v.expiresAt - clock.now()),
    damage: () => {
      for (const [k, v] of data) data.set(k, { ...v, value: { fetchedAt: 'yesterday', value: 'garbage' } })
    },
  }
}

/** Workers KV's get(key, 'json')/put/delete: string values, `expirationTtl` in seconds, at least 60. */
function fakeCloudflareKv(clock: Clock) {
  const data = new Map<string, { text: string; expiresAt: number }>()
  let failing = false
  const check = () => {
    if (failing) throw new Error('KV GET failed: 503 Service Unavailable')
  }
  const kv: CloudflareKvLike = {
    async get(key, type) {
      check()
      expect(type).toBe('json')
      const found = data.get(key)
      if (found === undefined || clock.now() >= found.expiresAt) return null
      return JSON.parse(found.text)
    },
    async put(key, value, options) {
      check()
      if (typeof value !== 'string') throw new TypeError('KV put() accepts only strings, ArrayBuffers or streams here')
      if (new TextEncoder().encode(key).length > 512) throw new Error('KV keys are at most 512 bytes')
      const ttl = options?.expirationTtl
      if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 60)) {
        throw new Error(`Invalid expiration_ttl of ${ttl}. Expiration TTL must be at least 60.`)
      }
      data.set(key, { text: value, expiresAt: ttl === undefined ? Infinity : clock.now() + ttl * 1000 })
    },
    async delete(key) {
      check()
      data.delete(key)
    },
  }
  return {
    kv,
    data,
    fail: (on: boolean) => void (failing = on),
    values: () => [...data.values()].map((v) => JSON.parse(v.text) as unknown),
    ttls: () => [...data.values()].map((v) => v.expiresAt - clock.now()),
    damage: () => {
      for (const [k, v] of data) data.set(k, { ...v, text: '{"fetchedAt": 1, "value": ' })
    },
  }
}

const adapters = [
  {
    name: 'Deno KV',
    fake: fakeDenoKv,
    store: (fake: ReturnType<typeof fakeDenoKv>, retain?: number) =>
      denoKvStore(fake.kv, retain === undefined ? {} : { retain }),
  },
  {
    name: 'Cloudflare Workers KV',
    fake: fakeCloudflareKv,
    store: (fake: ReturnType<typeof fakeCloudflareKv>, retain?: number) =>
      cloudflareKvStore(fake.kv, retain === undefined ? {} : { retain }),
  },
] as const

/** One request handled by a fresh isolate: a new verifier and a new adapter over the same KV. */
function isolate(idp: FakeIdp, clock: Clock, store: JwksStore, options: Partial<VerifierOptions> = {}) {
  const { verifier, token, events } = harness({ key, idp, clock }, { cache: store, ...options })
  const verify = async () => verifier.verify(await token())
  return { verifier, verify, events }
}

for (const adapter of adapters) {
  describe(adapter.name, () => {
    function setup() {
      const clock = manualClock(NOW)
      const fake = adapter.fake(clock)
      const idp = fakeIdp([key.publicJwk])
      idp.headers = { 'cache-control': 'max-age=300' }
      const next = (options: Partial<VerifierOptions> = {}, retain?: number) =>
        isolate(idp, clock, (adapter.store as (f: typeof fake, r?: number) => JwksStore)(fake, retain), options)
      return { clock, fake, idp, next }
    }

    it('a new isolate verifies with zero requests while fresh, then revalidates with the stored ETag', async () => {
      const { clock, idp, next } = setup()
      await next().verify()
      expect(idp.count()).toBe(2)
      clock.advance(224) // before the refresh-ahead window (the last quarter of the 300 s lifetime)
      for (let i = 0; i < 5; i++) {
        const fresh = next()
        await fresh.verify()
        expect(fresh.events.filter((e) => e.type === 'fetched' || e.type === 'store-failed')).toEqual([])
      }
      expect(idp.count()).toBe(2)
      clock.advance(77)
      await next({ staleWhileRevalidate: 0 }).verify()
      expect(idp.log.map((r) => r.status)).toEqual([200, 200, 304, 304])
      expect(idp.log.slice(2).every((r) => r.ifNoneMatch?.startsWith('"'))).toBe(true)
      clock.advance(224)
      await next().verify()
      expect(idp.count()).toBe(4)
    })

    it('keeps plain JSON entries that expire from the KV after freshness plus the retain time', async () => {
      const { fake, idp, next } = setup()
      await next({}, 3600).verify()
      const values = fake.values()
      expect(values).toHaveLength(2)
      for (const value of values) {
        expect(JSON.parse(JSON.stringify(value))).toEqual(value)
        expect(value).toMatchObject({ fetchedAt: NOW, freshUntil: NOW + 300_000, etag: expect.stringMatching(/^"/) })
      }
      expect(fake.ttls()).toEqual([(300 + 3600) * 1000, (300 + 3600) * 1000])
      expect(idp.count()).toBe(2)
    })

    it('an isolate after the KV expired the entries fetches again', async () => {
      const { clock, idp, next } = setup()
      await next({}, 600).verify()
      clock.advance(300 + 600)
      const later = next()
      await later.verify()
      expect(idp.log.map((r) => [r.status, r.ifNoneMatch])).toEqual([
        [200, null],
        [200, null],
        [200, null],
        [200, null],
      ])
      expect(later.events.filter((e) => e.type === 'store-failed')).toEqual([])
    })

    it('a new isolate survives a provider outage on the stale copy the KV retained', async () => {
      const { clock, idp, next } = setup()
      await next().verify()
      clock.advance(3600)
      idp.fault = 503
      const during = next({ staleWhileRevalidate: 0 })
      await expect(during.verify()).resolves.toBeTruthy()
      expect(idp.log.map((r) => r.status)).toEqual([200, 200, 503, 503])
      const stale = new Set(during.events.flatMap((e) => (e.type === 'stale' ? [new URL(e.url).pathname] : [])))
      expect(stale).toEqual(new Set(['/.well-known/openid-configuration', '/jwks']))
    })

    it('a damaged value is a miss: refetched and overwritten, the KV stays in use', async () => {
      const { fake, idp, next } = setup()
      await next().verify()
      fake.damage()
      const after = next()
      await after.verify()
      expect(idp.count()).toBe(4)
      expect(after.events.filter((e) => e.type === 'store-failed')).toEqual([])
      await next().verify()
      expect(idp.count()).toBe(4)
    })

    it('a KV that fails never breaks verification: memory takes over and the application is told', async () => {
      const { fake, idp, next } = setup()
      fake.fail(true)
      const broken = next()
      await broken.verify()
      await broken.verify()
      expect(idp.count()).toBe(2)
      expect(broken.events.filter((e) => e.type === 'store-failed')).toHaveLength(1)
    })
  })
}

it('Workers KV: a lifetime shorter than a minute still gets the minimum expirationTtl of 60 s', async () => {
  const clock = manualClock(NOW)
  const fake = fakeCloudflareKv(clock)
  const idp = fakeIdp([key.publicJwk])
  idp.headers = { 'cache-control': 'max-age=10' }
  const first = isolate(idp, clock, cloudflareKvStore(fake.kv, { retain: 0 }), { minCacheAge: 5 })
  await first.verify()
  expect(first.events.filter((e) => e.type === 'store-failed')).toEqual([])
  expect(fake.ttls()).toEqual([60_000, 60_000])
  expect([...fake.data.keys()].every((k) => k.startsWith('idtoken-verify:'))).toBe(true)
})
