import type { CachedEntry, JwksStore } from './store.ts'

const SCHEMA_VERSION = 1
const OBJECT_STORE = 'entries'

/** An IndexedDB store, plus what only IndexedDB can do: keep `CryptoKey`s, atomically. */
export interface TabStore extends JwksStore {
  /**
   * Adds imported keys to the stored entry, in one transaction, only if the stored entry is still `expected`
   * (same fetch, same document). Another tab may have stored a newer set meanwhile: writing our copy back would
   * put withdrawn keys over it.
   */
  addKeys(key: string, expected: CachedEntry, cryptoKeys: Readonly<Record<string, unknown>>): Promise<void>
  /**
   * False when the database holds nothing that this page did not put there itself: no verifier of this origin had
   * written to it when the page started (a `localStorage` mark, set by the first write), and no other tab has since.
   * Then a first visit need not wait tens of milliseconds for IndexedDB to say so. True where the mark cannot be
   * read (workers, storage blocked).
   */
  known(): boolean
}

const mark = (name: string): string => `idtoken-verify:${name}`

function markOf(name: string): string | null | undefined {
  try {
    return storage()?.getItem(mark(name))
  } catch {
    return undefined
  }
}

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage ?? undefined
  } catch {
    // Access can throw (storage blocked by policy).
    return undefined
  }
}

// Stores seen by every tab of an origin: their fetches are coordinated with Web Locks and BroadcastChannel.
const sharedByTabs = /* @__PURE__ */ new WeakSet<JwksStore>()

/** The IndexedDB store behind `store`, if {@link createIndexedDbStore} made it. */
export function tabStoreOf(store: JwksStore): TabStore | undefined {
  return sharedByTabs.has(store) ? (store as TabStore) : undefined
}

export function createIndexedDbStore(name: string, factory: unknown): TabStore {
  const store = openIndexedDbStore(name, factory)
  sharedByTabs.add(store)
  return store
}

function openIndexedDbStore(name: string, factory: unknown): TabStore {
  // A first visit: nothing stored when the page started. Stays so until another tab marks the database.
  const emptyAtStart = markOf(name) === null
  let markedHere = false
  let database: Promise<IDBDatabase> | undefined
  // Resolves when this very open creates the database: then nothing can be stored in it yet, and a read need not
  // wait for the creation (tens of milliseconds in Chromium) before the first request starts.
  let created: Promise<undefined> | undefined

  function open(): Promise<IDBDatabase> {
    if (database !== undefined) return database
    let markCreated: (value: undefined) => void = () => {}
    created = new Promise((resolve) => (markCreated = resolve))
    database = new Promise<IDBDatabase>((resolve, reject) => {
      const idb = (factory as IDBFactory | undefined) ?? globalThis.indexedDB
      if (idb === undefined || idb === null) throw new Error('IndexedDB is not available')
      const request = idb.open(name, SCHEMA_VERSION)
      request.onupgradeneeded = (event) => {
        const db = request.result
        if (db.objectStoreNames.contains(OBJECT_STORE)) db.deleteObjectStore(OBJECT_STORE)
        db.createObjectStore(OBJECT_STORE)
        if (event.oldVersion === 0) markCreated(undefined)
      }
      request.onsuccess = () => {
        const db = request.result
        // Another tab wants a newer schema: step aside and reopen on next use.
        db.onversionchange = () => {
          db.close()
          database = undefined
        }
        db.onclose = () => {
          database = undefined
        }
        created = undefined
        resolve(db)
      }
      request.onerror = () => reject(request.error ?? new Error('IndexedDB open failed'))
      request.onblocked = () => reject(new Error('IndexedDB open is blocked by another tab'))
    }).catch((error: unknown) => {
      database = undefined
      throw error
    })
    return database
  }

  function run<T>(
    db: IDBDatabase,
    mode: IDBTransactionMode,
    operation: (store: IDBObjectStore, done: (value: T) => void) => void,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const transaction = db.transaction(OBJECT_STORE, mode)
      let result: T
      operation(transaction.objectStore(OBJECT_STORE), (value) => (result = value))
      transaction.oncomplete = () => resolve(result)
      transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB transaction failed'))
      transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'))
    })
  }

  return {
    async get(key) {
      const opening = open()
      const db = await (created === undefined ? opening : Promise.race([opening, created]))
      if (db === undefined) {
        // A brand-new database is empty; let its creation finish in the background.
        opening.catch(() => {})
        return undefined
      }
      return run<CachedEntry | undefined>(db, 'readonly', (store, done) => {
        const request = store.get(key)
        request.onsuccess = () => done(isRecord(request.result) ? request.result.entry : undefined)
      })
    },
    async set(key, entry) {
      await run(await open(), 'readwrite', (store) => store.put({ version: SCHEMA_VERSION, entry }, key))
      if (emptyAtStart && !markedHere && markOf(name) === null) {
        try {
          storage()?.setItem(mark(name), '1')
          markedHere = true
        } catch {
          // Quota or policy: the next visit reads the database as usual, only slower.
        }
      }
    },
    async delete(key) {
      await run(await open(), 'readwrite', (store) => store.delete(key))
    },
    known() {
      return !emptyAtStart || (!markedHere && markOf(name) !== null)
    },
    async addKeys(key, expected, cryptoKeys) {
      await run(await open(), 'readwrite', (store) => {
        const request = store.get(key)
        request.onsuccess = () => {
          const record: unknown = request.result
          if (!isRecord(record) || !sameFetch(record.entry, expected)) return
          const entry = { ...record.entry, cryptoKeys: { ...record.entry.cryptoKeys, ...cryptoKeys } }
          store.put({ version: SCHEMA_VERSION, entry }, key)
        }
      })
    },
  }
}

// A record from another schema version is a miss; the entry inside is validated by the verifier, as an entry
// from any store is.
function isRecord(record: unknown): record is { version: number; entry: CachedEntry } {
  return typeof record === 'object' && record !== null && (record as { version?: unknown }).version === SCHEMA_VERSION
}

function sameFetch(stored: CachedEntry, expected: CachedEntry): boolean {
  return (
    typeof stored === 'object' &&
    stored !== null &&
    stored.fetchedAt === expected.fetchedAt &&
    stored.freshUntil === expected.freshUntil &&
    stored.etag === expected.etag &&
    JSON.stringify(stored.value) === JSON.stringify(expected.value)
  )
}
