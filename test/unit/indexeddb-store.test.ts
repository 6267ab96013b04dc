// The IndexedDB store on fake-indexeddb: persistence across "page loads" (new verifiers on one database),
// namespacing, validation of what is read, another tab changing the schema, and databases that throw,
// hang or are full. Requests are counted at the provider; time is the injected clock.
import { IDBFactory } from 'fake-indexeddb'
import type * as jose from 'jose'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { indexedDbStore, type VerifierEvent, type VerifierOptions } from '../../src/index.ts'
import { ISSUER, NOW, makeKey, rejection, type TestKey } from '../helpers/issuer.ts'
import { harness, manualClock, type HarnessOptions, type ManualClock } from '../helpers/harness.ts'
import { combined, fakeIdp, type FakeIdp } from '../helpers/idp.ts'
import { storeKey } from '../../src/lib/persisted.ts'

// The store's layout, as written by src/stores.ts and src/lib/key-source.ts: tests write into it directly.
const DB_NAME = 'idtoken-verify'
const OBJECT_STORE = 'entries'
const DISCOVERY_KEY = storeKey('discovery', ISSUER)
const JWKS_KEY = storeKey('jwks', ISSUER, `${ISSUER}/jwks`)

let key: TestKey
let other: TestKey
beforeAll(async () => {
  key = await makeKey('ES256', 'kid-a')
  other = await makeKey('ES256', 'kid-b')
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

/** A page load: a new verifier on the provider, the clock and this cache. */
function load(
  idp: Pick<FakeIdp, 'fetch'>,
  clock: ManualClock,
  cache: VerifierOptions['cache'],
  options: HarnessOptions = {},
) {
  return harness({ key, clock }, { fetch: idp.fetch, cache, ...options }).load()
}

const storeFailures = (events: VerifierEvent[]) => events.filter((e) => e.type === 'store-failed')

/** A second provider on another origin, serving one key set at `${issuer}/jwks` and another at `${issuer}/jwks-2`. */
function secondIdp(issuer: string, keys: jose.JWK[], keys2: jose.JWK[] = []) {
  const both = combined(fakeIdp(keys, {}, { issuer }), fakeIdp(keys2, {}, { issuer, jwksUri: `${issuer}/jwks-2` }))
  return {
    fetch: both.fetch,
    get requests() {
      return both.requests.map((url) => new URL(url).pathname)
    },
  }
}

// Direct access to the database, as another tab or a corrupting bug would have.
function openRaw(factory: IDBFactory, version?: number, upgrade?: (db: IDBDatabase) => void): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = version === undefined ? factory.open(DB_NAME) : factory.open(DB_NAME, version)
    request.onupgradeneeded = () => upgrade?.(request.result)
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
    request.onblocked = () => reject(new Error('blocked: the store did not close its connection'))
  })
}

function rawRequest<T>(
  db: IDBDatabase,
  mode: IDBTransactionMode,
  run: (store: IDBObjectStore) => IDBRequest,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(OBJECT_STORE, mode)
    const request = run(transaction.objectStore(OBJECT_STORE))
    transaction.oncomplete = () => resolve(request.result as T)
    transaction.onerror = () => reject(transaction.error)
  })
}

async function writeRaw(factory: IDBFactory, records: Record<string, unknown>): Promise<void> {
  const db = await openRaw(factory, 1, (d) => d.createObjectStore(OBJECT_STORE))
  for (const [k, record] of Object.entries(records)) await rawRequest(db, 'readwrite', (s) => s.put(record, k))
  db.close()
}

async function readRaw(factory: IDBFactory): Promise<Map<string, unknown>> {
  const db = await openRaw(factory)
  const keys = await rawRequest<IDBValidKey[]>(db, 'readonly', (s) => s.getAllKeys())
  const values = await rawRequest<unknown[]>(db, 'readonly', (s) => s.getAll())
  db.close()
  return new Map(keys.map((k, i) => [String(k), values[i]]))
}

describe('persistence across page loads', () => {
  it('a reload verifies with zero requests while fresh, then revalidates with the stored ETag', async () => {
    const factory = new IDBFactory()
    const idp = fakeIdp([key.publicJwk])
    idp.headers = { 'cache-control': 'max-age=300' }
    const clock = manualClock(NOW)
    const first = load(idp, clock, indexedDbStore({ indexedDB: factory }), { staleWhileRevalidate: 0 })
    await first.verifier.verify(await first.token())
    expect(idp.count('/.well-known/openid-configuration')).toBe(1)
    expect(idp.count('/jwks')).toBe(1)

    // A reload: a new verifier and a new store object on the same database (before the refresh-ahead window).
    clock.advance(224)
    const second = load(idp, clock, indexedDbStore({ indexedDB: factory }), { staleWhileRevalidate: 0 })
    await second.verifier.verify(await second.token())
    expect(idp.count()).toBe(2)
    expect(second.events.filter((e) => e.type === 'fetched')).toEqual([])

    // Past freshness, the next load knows the ETags from the database alone: both requests are conditional.
    clock.advance(77)
    const third = load(idp, clock, indexedDbStore({ indexedDB: factory }), { staleWhileRevalidate: 0 })
    await third.verifier.verify(await third.token())
    expect(idp.log.map((r) => r.status)).toEqual([200, 200, 304, 304])
    expect(idp.log.slice(2).every((r) => r.ifNoneMatch !== null && r.ifNoneMatch.startsWith('"'))).toBe(true)

    // The 304 renewed freshness in the database too.
    clock.advance(224)
    const fourth = load(idp, clock, indexedDbStore({ indexedDB: factory }), { staleWhileRevalidate: 0 })
    await fourth.verifier.verify(await fourth.token())
    expect(idp.count()).toBe(4)
    expect([first, second, third, fourth].flatMap((l) => storeFailures(l.events))).toEqual([])
  })

  it('is the default store where globalThis.indexedDB exists', async () => {
    vi.stubGlobal('indexedDB', new IDBFactory())
    const idp = fakeIdp([key.publicJwk])
    const clock = manualClock(NOW)
    const first = load(idp, clock, undefined)
    await first.verifier.verify(await first.token())
    expect(idp.count()).toBe(2)
    const second = load(idp, clock, undefined)
    await second.verifier.verify(await second.token())
    expect(idp.count()).toBe(2)
    expect((await readRaw(globalThis.indexedDB as IDBFactory)).size).toBe(2)
  })

  it('a reload after the keys rotated finds the new key with one refetch', async () => {
    const factory = new IDBFactory()
    const idp = fakeIdp([key.publicJwk])
    const clock = manualClock(NOW)
    const first = load(idp, clock, indexedDbStore({ indexedDB: factory }))
    await first.verifier.verify(await first.token())
    idp.keys = [key.publicJwk, other.publicJwk]
    clock.advance(5)
    const second = load(idp, clock, indexedDbStore({ indexedDB: factory }))
    await second.verifier.verify(await second.token(other))
    expect(idp.count('/jwks')).toBe(2)
    expect(idp.count('/.well-known/openid-configuration')).toBe(1)
    // ... and stored it: the next load knows the new key without asking.
    const third = load(idp, clock, indexedDbStore({ indexedDB: factory }))
    await third.verifier.verify(await third.token(other))
    expect(idp.count()).toBe(3)
  })
})

describe('namespacing', () => {
  it("two issuers on one database do not share or overwrite each other's keys", async () => {
    const factory = new IDBFactory()
    const clock = manualClock(NOW)
    const issuerB = 'https://other-issuer.example.test'
    const idpA = fakeIdp([key.publicJwk])
    const idpB = secondIdp(issuerB, [other.publicJwk])
    const a = load(idpA, clock, indexedDbStore({ indexedDB: factory }))
    const b = load(idpA, clock, indexedDbStore({ indexedDB: factory }), { issuer: issuerB, fetch: idpB.fetch })
    await a.verifier.verify(await a.token())
    await b.verifier.verify(await b.token(other))
    expect(idpA.count()).toBe(2)
    expect(idpB.requests).toEqual(['/.well-known/openid-configuration', '/jwks'])
    expect((await readRaw(factory)).size).toBe(4)

    // Reloads of both: no requests, each with its own keys only.
    const a2 = load(idpA, clock, indexedDbStore({ indexedDB: factory }))
    const b2 = load(idpA, clock, indexedDbStore({ indexedDB: factory }), { issuer: issuerB, fetch: idpB.fetch })
    await a2.verifier.verify(await a2.token())
    await b2.verifier.verify(await b2.token(other))
    expect(idpA.count()).toBe(2)
    expect(idpB.requests).toHaveLength(2)
    // B's key is unknown to A: one refetch at A's provider, then no key.
    clock.advance(60)
    expect((await rejection(a2.verifier.verify(await a2.token(other)))).code).toBe('ERR_KEY_NOT_FOUND')
    expect(idpA.count('/jwks')).toBe(2)
    expect(idpB.requests).toHaveLength(2)
  })

  it('two key set URLs of one issuer are kept apart', async () => {
    const factory = new IDBFactory()
    const clock = manualClock(NOW)
    const idp = secondIdp(ISSUER, [key.publicJwk], [other.publicJwk])
    const fake = idp
    const one = load(fake, clock, indexedDbStore({ indexedDB: factory }), {
      jwksUri: `${ISSUER}/jwks`,
      algorithms: ['ES256'],
    })
    const two = load(fake, clock, indexedDbStore({ indexedDB: factory }), {
      jwksUri: `${ISSUER}/jwks-2`,
      algorithms: ['ES256'],
    })
    await one.verifier.verify(await one.token())
    await two.verifier.verify(await two.token(other))
    expect(idp.requests).toEqual(['/jwks', '/jwks-2'])
    const one2 = load(fake, clock, indexedDbStore({ indexedDB: factory }), {
      jwksUri: `${ISSUER}/jwks`,
      algorithms: ['ES256'],
    })
    const two2 = load(fake, clock, indexedDbStore({ indexedDB: factory }), {
      jwksUri: `${ISSUER}/jwks-2`,
      algorithms: ['ES256'],
    })
    await one2.verifier.verify(await one2.token())
    await two2.verifier.verify(await two2.token(other))
    expect(idp.requests).toHaveLength(2)
    clock.advance(60)
    expect((await rejection(one2.verifier.verify(await one2.token(other)))).code).toBe('ERR_KEY_NOT_FOUND')
    expect(idp.requests).toEqual(['/jwks', '/jwks-2', '/jwks'])
  })
})

describe('what is read is validated', () => {
  const discovery = { issuer: ISSUER, jwks_uri: `${ISSUER}/jwks`, id_token_signing_alg_values_supported: ['ES256'] }
  const entry = (value: unknown) => ({ value, fetchedAt: NOW, freshUntil: NOW + 3600_000 })
  const valid = () => ({
    [DISCOVERY_KEY]: { version: 1, entry: entry(discovery) },
    [JWKS_KEY]: { version: 1, entry: entry({ keys: [key.publicJwk] }) },
  })

  it('well-formed records written directly are used (the layout these tests corrupt is the real one)', async () => {
    const factory = new IDBFactory()
    await writeRaw(factory, valid())
    const idp = fakeIdp([key.publicJwk])
    const { verifier, token, events } = load(idp, manualClock(NOW + 1000), indexedDbStore({ indexedDB: factory }))
    await verifier.verify(await token())
    expect(idp.count()).toBe(0)
    expect(storeFailures(events)).toEqual([])
  })

  const garbage: Array<[string, (record: { version: number; entry: ReturnType<typeof entry> }) => unknown]> = [
    ['a record that is not an object', () => 'garbage'],
    ['null', () => null],
    ['another schema version', (r) => ({ ...r, version: 2 })],
    ['no schema version', (r) => ({ entry: r.entry })],
    ['an entry without times', (r) => ({ version: 1, entry: { value: r.entry.value } })],
    ['times that are strings', (r) => ({ version: 1, entry: { ...r.entry, freshUntil: String(r.entry.freshUntil) } })],
    [
      'times that are not finite',
      (r) => ({ version: 1, entry: { ...r.entry, fetchedAt: Number.NaN, freshUntil: Infinity } }),
    ],
    ['an ETag that is not a string', (r) => ({ version: 1, entry: { ...r.entry, etag: 42 } })],
    [
      'documents of the wrong shape',
      (r) => ({ version: 1, entry: { ...r.entry, value: { keys: 5, issuer: 'https://evil.example' } } }),
    ],
  ]
  for (const [label, corrupt] of garbage) {
    it(`${label} is a miss: refetched, verified, and overwritten`, async () => {
      const factory = new IDBFactory()
      const records = valid()
      await writeRaw(factory, {
        [DISCOVERY_KEY]: corrupt(records[DISCOVERY_KEY]!),
        [JWKS_KEY]: corrupt(records[JWKS_KEY]!),
      })
      const idp = fakeIdp([key.publicJwk])
      const clock = manualClock(NOW + 1000)
      const first = load(idp, clock, indexedDbStore({ indexedDB: factory }))
      await first.verifier.verify(await first.token())
      expect(idp.count('/.well-known/openid-configuration')).toBe(1)
      expect(idp.count('/jwks')).toBe(1)
      expect(storeFailures(first.events)).toEqual([])
      const second = load(idp, clock, indexedDbStore({ indexedDB: factory }))
      await second.verifier.verify(await second.token())
      expect(idp.count()).toBe(2)
    })
  }

  it('a copy stored while the clock ran a year ahead is revalidated, not trusted as fresh for a year', async () => {
    const factory = new IDBFactory()
    const idp = fakeIdp([key.publicJwk, other.publicJwk])
    idp.headers = { 'cache-control': 'max-age=600' }
    const clock = manualClock(NOW + 365 * 86400_000)
    const ahead = load(idp, clock, indexedDbStore({ indexedDB: factory }))
    await ahead.verifier.verify(await ahead.token())
    expect(idp.count()).toBe(2)
    // The key leaves the set; the user fixes the clock and reloads.
    idp.keys = [key.publicJwk]
    clock.set(NOW)
    const fixed = load(idp, clock, indexedDbStore({ indexedDB: factory }), { staleWhileRevalidate: 0 })
    expect((await rejection(fixed.verifier.verify(await fixed.token(other)))).code).toBe('ERR_KEY_NOT_FOUND')
    expect(idp.count()).toBe(4)
    await fixed.verifier.verify(await fixed.token())
    expect(idp.count()).toBe(4)
  })

  it('a record fresher than maxCacheAge allows is revalidated', async () => {
    const factory = new IDBFactory()
    await writeRaw(factory, {
      [DISCOVERY_KEY]: { version: 1, entry: { value: discovery, fetchedAt: NOW, freshUntil: NOW + 1000 * 86400_000 } },
      [JWKS_KEY]: {
        version: 1,
        entry: { value: { keys: [key.publicJwk] }, fetchedAt: NOW, freshUntil: NOW + 1000 * 86400_000 },
      },
    })
    const idp = fakeIdp([key.publicJwk])
    const clock = manualClock(NOW + 2 * 86400_000)
    const { verifier, token } = load(idp, clock, indexedDbStore({ indexedDB: factory }), { staleWhileRevalidate: 0 })
    await verifier.verify(await token())
    expect(idp.count()).toBe(2)
  })

  it('a record of a key set from another issuer cannot be smuggled in under a different key', async () => {
    // A record's key decides whose keys it holds: the attacker's key set stored under another
    // issuer's key is never consulted for ours.
    const factory = new IDBFactory()
    await writeRaw(factory, {
      [storeKey('jwks', 'https://attacker.example', `${ISSUER}/jwks`)]: {
        version: 1,
        entry: entry({ keys: [other.publicJwk] }),
      },
      [DISCOVERY_KEY]: { version: 1, entry: entry(discovery) },
    })
    const idp = fakeIdp([key.publicJwk])
    const { verifier, token } = load(idp, manualClock(NOW + 1000), indexedDbStore({ indexedDB: factory }))
    expect((await rejection(verifier.verify(await token(other)))).code).toBe('ERR_KEY_NOT_FOUND')
    expect(idp.count('/jwks')).toBe(1)
  })
})

describe('another tab changes the database', () => {
  it('a version change closes our connection; verification goes on, falling back to memory', async () => {
    const factory = new IDBFactory()
    const idp = fakeIdp([key.publicJwk])
    idp.headers = { 'cache-control': 'max-age=300' }
    const clock = manualClock(NOW)
    const tab = load(idp, clock, indexedDbStore({ indexedDB: factory }), { staleWhileRevalidate: 0 })
    await tab.verifier.verify(await tab.token())
    expect(idp.count()).toBe(2)
    await new Promise((resolve) => setTimeout(resolve, 20)) // the store writes follow the verification

    // Another tab (a newer release) upgrades the schema. It would be blocked if we kept our connection open.
    const newer = await openRaw(factory, 2, (db) => {
      db.deleteObjectStore(OBJECT_STORE)
      db.createObjectStore('entries-v2')
    })
    expect(newer.version).toBe(2)

    // Our tab still verifies from memory while fresh ...
    await tab.verifier.verify(await tab.token())
    expect(idp.count()).toBe(2)
    // ... and past freshness refetches and carries on without the database.
    clock.advance(301)
    await tab.verifier.verify(await tab.token())
    expect(idp.count()).toBe(4)
    expect(storeFailures(tab.events)).toHaveLength(1)
    clock.advance(301)
    await tab.verifier.verify(await tab.token())
    expect(idp.count()).toBe(6)
    // The database is tried again after the back-off, and its failure reported again.
    expect(storeFailures(tab.events)).toHaveLength(2)

    // A reload of our (older) release cannot open the newer database: memory, and the application is told.
    const reload = load(idp, clock, indexedDbStore({ indexedDB: factory }))
    await reload.verifier.verify(await reload.token())
    expect(idp.count()).toBe(8)
    expect(storeFailures(reload.events)).toHaveLength(1)
    expect(String((storeFailures(reload.events)[0] as { error: unknown }).error)).toMatch(/version/i)
    newer.close()
  })

  it('a deleted database is reopened and refilled', async () => {
    const factory = new IDBFactory()
    const idp = fakeIdp([key.publicJwk])
    idp.headers = { 'cache-control': 'max-age=300' }
    const clock = manualClock(NOW)
    const tab = load(idp, clock, indexedDbStore({ indexedDB: factory }), { staleWhileRevalidate: 0 })
    await tab.verifier.verify(await tab.token())
    await new Promise<void>((resolve, reject) => {
      const request = factory.deleteDatabase(DB_NAME)
      request.onsuccess = () => resolve()
      request.onerror = () => reject(request.error)
      request.onblocked = () => reject(new Error('blocked: the store did not close its connection'))
    })
    // A reload finds nothing: it fetches and stores anew, with no failure.
    const reload = load(idp, clock, indexedDbStore({ indexedDB: factory }), { staleWhileRevalidate: 0 })
    await reload.verifier.verify(await reload.token())
    expect(idp.count()).toBe(4)
    expect(storeFailures(reload.events)).toEqual([])
    // The first tab reopens the database on its next refresh (conditional: it still knows the ETags).
    clock.advance(301)
    await tab.verifier.verify(await tab.token())
    expect(idp.log.map((r) => r.status)).toEqual([200, 200, 200, 200, 304, 304])
    expect(storeFailures(tab.events)).toEqual([])
    expect((await readRaw(factory)).size).toBe(2)
  })
})

describe('a database that fails', () => {
  async function verifiesWithMemory(factory: IDBFactory | undefined, operation: 'get' | 'set') {
    const idp = fakeIdp([key.publicJwk])
    const clock = manualClock(NOW)
    const cache = factory === undefined ? 'indexeddb' : indexedDbStore({ indexedDB: factory })
    const { verifier, token, events } = load(idp, clock, cache)
    await verifier.verify(await token())
    await verifier.verify(await token())
    expect(idp.count()).toBe(2)
    expect(storeFailures(events)).toHaveLength(1)
    expect(storeFailures(events)[0]).toMatchObject({ operation })
    return events
  }

  it('IndexedDB missing (cache: "indexeddb" in a runtime without it)', async () => {
    expect(globalThis.indexedDB).toBeUndefined()
    await verifiesWithMemory(undefined, 'get')
  })

  it('open() throws (private browsing, a security policy)', async () => {
    const factory = new IDBFactory()
    factory.open = () => {
      throw new DOMException('The user denied permission to access the database.', 'SecurityError')
    }
    await verifiesWithMemory(factory, 'get')
  })

  it('open() fails with an error event', async () => {
    const factory = new IDBFactory()
    factory.open = () => {
      const request = {} as { onerror?: () => void; error: DOMException }
      request.error = new DOMException('Internal error opening backing store', 'UnknownError')
      setImmediate(() => request.onerror?.())
      return request as unknown as IDBOpenDBRequest
    }
    await verifiesWithMemory(factory, 'get')
  })

  it('open() is blocked', async () => {
    const factory = new IDBFactory()
    factory.open = () => {
      const request = {} as { onblocked?: () => void }
      setImmediate(() => request.onblocked?.())
      return request as unknown as IDBOpenDBRequest
    }
    await verifiesWithMemory(factory, 'get')
  })

  it('open() never answers: the store times out after 2 s and memory takes over', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] })
    const factory = new IDBFactory()
    factory.open = () => ({}) as IDBOpenDBRequest
    const idp = fakeIdp([key.publicJwk])
    const clock = manualClock(NOW)
    const { verifier, token, events } = load(idp, clock, indexedDbStore({ indexedDB: factory }))
    let settled = false
    const pending = verifier.verify(await token()).finally(() => void (settled = true))
    await vi.advanceTimersByTimeAsync(1999)
    expect(settled).toBe(false)
    expect(idp.count()).toBe(0)
    expect(storeFailures(events)).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    await expect(pending).resolves.toBeTruthy()
    expect(idp.count()).toBe(2)
    expect(storeFailures(events)).toHaveLength(1)
    expect(String((storeFailures(events)[0] as { error: unknown }).error)).toMatch(/did not answer/)
    // Later verifications do not wait for the database again.
    await verifier.verify(await token())
    expect(idp.count()).toBe(2)
    expect(storeFailures(events)).toHaveLength(1)
  })

  it('a full database (writes fail with QuotaExceededError): verification goes on, nothing is kept', async () => {
    const factory = new IDBFactory()
    const open = factory.open.bind(factory)
    factory.open = (name: string, version?: number) => {
      const request = open(name, version)
      request.addEventListener('success', () => {
        const db = request.result
        const transaction = db.transaction.bind(db)
        db.transaction = ((stores: string | string[], mode?: IDBTransactionMode) => {
          if (mode === 'readwrite') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
          return transaction(stores, mode)
        }) as typeof db.transaction
      })
      return request
    }
    const events = await verifiesWithMemory(factory, 'set')
    expect(String((storeFailures(events)[0] as { error: unknown }).error)).toMatch(/quota/i)
  })
})
