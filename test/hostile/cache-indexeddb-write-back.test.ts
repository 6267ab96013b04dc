// Issue 8.7: storing an imported CryptoKey wrote the tab's own copy of the key set back, and could put an older
// set over a newer one another tab stored: a withdrawn key came back for tabs opened later. Keys are now added by
// compare-and-write in one transaction, and never for a no-store response.
import { IDBFactory } from 'fake-indexeddb'
import { beforeAll, expect, it } from 'vitest'
import { indexedDbStore, type VerifierOptions } from '../../src/index.ts'
import { NOW, defaultClaims, makeKey, rejection, sign, type TestKey } from '../helpers/issuer.ts'
import { harness, manualClock, type ManualClock } from '../helpers/harness.ts'
import { fakeIdp, type FakeIdp } from '../helpers/idp.ts'

let kept: TestKey
let withdrawn: TestKey
beforeAll(async () => {
  kept = await makeKey('ES256', 'kept')
  withdrawn = await makeKey('ES256', 'withdrawn')
})

const settle = () => new Promise((resolve) => setTimeout(resolve, 50))

/** A tab: a new verifier on the provider and clock, over the shared database. */
function tab(factory: IDBFactory, idp: FakeIdp, clock: ManualClock, options: Partial<VerifierOptions> = {}) {
  return harness({ key: kept, idp, clock }, { cache: indexedDbStore({ indexedDB: factory }), ...options }).verifier
}

it('a tab importing a key never writes its older set over a newer one another tab stored', async () => {
  const factory = new IDBFactory()
  const idp = fakeIdp([kept.publicJwk, withdrawn.publicJwk])
  idp.headers = { 'cache-control': 'max-age=600' }
  const clock = manualClock(NOW)
  const tokenKept = await sign(kept, { claims: defaultClaims(NOW) })
  const tokenWithdrawn = await sign(withdrawn, { claims: defaultClaims(NOW) })

  const tabA = tab(factory, idp, clock)
  await tabA.verify(tokenKept) // tab A holds {kept, withdrawn}; only "kept" is imported
  await settle()

  // The provider withdraws a key; tab B learns it and stores the new set.
  idp.keys = [kept.publicJwk]
  const tabB = tab(factory, idp, clock)
  await tabB.refresh()
  // Tab A, still holding its fresh copy, now imports the withdrawn key for a token signed with it.
  await tabA.verify(tokenWithdrawn)
  await settle()

  // A tab opened later must see the provider's newer set: the withdrawn key does not come back.
  const requestsBefore = idp.count()
  const tabC = tab(factory, idp, clock)
  expect((await rejection(tabC.verify(tokenWithdrawn))).code).toBe('ERR_KEY_NOT_FOUND')
  await tabC.verify(tokenKept)
  // Tab C asked the provider once for the unknown kid, and otherwise read the database.
  expect(idp.count()).toBeLessThanOrEqual(requestsBefore + 1)
})

it('a no-store key set is never written, not even when a key is imported', async () => {
  const factory = new IDBFactory()
  const idp = fakeIdp([kept.publicJwk])
  idp.headers = { 'cache-control': 'no-store' }
  const clock = manualClock(NOW)
  const tabA = tab(factory, idp, clock)
  await tabA.verify(await sign(kept, { claims: defaultClaims(NOW) }))
  await settle()
  const before = idp.count()
  const tabB = tab(factory, idp, clock)
  await tabB.verify(await sign(kept, { claims: defaultClaims(NOW) }))
  expect(idp.count()).toBe(before + 2) // nothing was stored: discovery and key set fetched again
})
