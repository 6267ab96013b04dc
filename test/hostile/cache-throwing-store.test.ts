// Issue 8.8: a custom store whose entry throws when read made verify() reject with a raw Error, and the failure
// was remembered. Now it is a miss, reported with `store-failed`, and the store is tried again after a back-off.
import { beforeAll, expect, it } from 'vitest'
import { type CachedEntry, type JwksStore } from '../../src/index.ts'
import { defaultClaims, makeKey, sign, type TestKey } from '../helpers/issuer.ts'
import { harness } from '../helpers/harness.ts'

let key: TestKey
beforeAll(async () => {
  key = await makeKey('ES256', 'k1')
})

it('an entry whose getters throw is a miss; the store is used again once it recovers', async () => {
  const entries = new Map<string, CachedEntry>()
  let broken = true
  const writes: string[] = []
  const hostile = {
    get fetchedAt(): number {
      throw new Error('boom from a getter')
    },
  }
  const store: JwksStore = {
    get: async (k) => (broken ? (hostile as unknown as CachedEntry) : entries.get(k)),
    set: async (k, entry) => {
      writes.push(k)
      entries.set(k, entry)
    },
    delete: async (k) => void entries.delete(k),
  }
  const { idp, clock, verifier, events, load } = harness(
    { key, headers: { 'cache-control': 'max-age=600' } },
    { cache: store },
  )
  const result = await verifier.verify(await sign(key, { claims: defaultClaims(clock.now()) }))
  expect(result.payload.sub).toBe('user-1')
  const failures = events.filter((e) => e.type === 'store-failed')
  expect(failures).toHaveLength(1)
  expect(failures[0]).toMatchObject({ operation: 'get' })

  // The store recovers; after the back-off the verifier writes to it again, and a new verifier reads from it.
  broken = false
  clock.advance(700)
  await verifier.verify(await sign(key, { claims: defaultClaims(clock.now()) }))
  await new Promise((resolve) => setTimeout(resolve, 10))
  expect(writes.length).toBeGreaterThan(0)
  const before = idp.count()
  const next = load().verifier
  await next.verify(await sign(key, { claims: defaultClaims(clock.now()) }))
  expect(idp.count()).toBe(before)
})
