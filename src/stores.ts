/**
 * A cached discovery document or key set, as kept by a {@link JwksStore}. Times are milliseconds since
 * the epoch on the verifier's clock. A store keeps it as given (structured-cloneable, JSON-safe) and
 * returns it unchanged; the verifier validates what it reads back.
 *
 * @example
 * ```ts
 * const entry: CachedEntry = { value: { keys: [] }, fetchedAt: Date.now(), freshUntil: Date.now() + 600_000, etag: '"v1"' }
 * await store.set('some-key', entry)
 * ```
 * @see [RFC 9111 §4.2](https://www.rfc-editor.org/rfc/rfc9111#section-4.2) (freshness)
 * @see [RFC 9110 §8.8.3](https://www.rfc-editor.org/rfc/rfc9110#section-8.8.3) (`ETag`)
 */
export interface CachedEntry {
  /** The parsed JSON document as fetched. */
  readonly value: unknown
  /** When it was fetched (or last revalidated). */
  readonly fetchedAt: number
  /** Until when it is fresh. */
  readonly freshUntil: number
  /** The response's `ETag`, for a conditional refresh. */
  readonly etag?: string
  /**
   * Imported keys of this key set (`index:alg` → non-extractable `CryptoKey`), kept only by stores that can
   * hold `CryptoKey` objects (IndexedDB), so that a reload skips the import too. Typed `unknown` so that the
   * declarations need no DOM lib; every value is checked to be a fitting `CryptoKey` before use.
   */
  readonly cryptoKeys?: Readonly<Record<string, unknown>>
}

/**
 * Where a verifier keeps what it fetched. Implement it to keep keys in any key-value store (Deno KV,
 * Cloudflare KV, Redis, ...). Keys are opaque strings namespaced by issuer and URL. A store that rejects
 * or takes longer than 2 s is replaced by memory for the verifier's lifetime (a `store-failed` event).
 *
 * @example
 * ```ts
 * const map = new Map<string, CachedEntry>()
 * const store: JwksStore = {
 *   get: async (key) => map.get(key),
 *   set: async (key, entry) => void map.set(key, entry),
 *   delete: async (key) => void map.delete(key),
 * }
 * const verifier = createVerifier({ issuer, audience, cache: store })
 * ```
 * @see [RFC 9111 §3](https://www.rfc-editor.org/rfc/rfc9111#section-3) (storing responses)
 */
export interface JwksStore {
  /** The entry stored under `key`, or `undefined`. */
  get(key: string): Promise<CachedEntry | undefined>
  /** Stores `entry` under `key`, replacing any previous one. */
  set(key: string, entry: CachedEntry): Promise<void>
  /** Removes the entry under `key`, if any. */
  delete(key: string): Promise<void>
}

/**
 * A store in this verifier's memory: fast, gone with the process or page.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({ issuer, audience, cache: memoryStore() })
 * ```
 * @see [RFC 9111 §4](https://www.rfc-editor.org/rfc/rfc9111#section-4) (reuse of stored responses)
 */
export function memoryStore(): JwksStore {
  const entries = new Map<string, CachedEntry>()
  return {
    get: async (key) => entries.get(key),
    set: async (key, entry) => void entries.set(key, entry),
    delete: async (key) => void entries.delete(key),
  }
}

/**
 * `IDBFactory` where the DOM types are loaded, `unknown` otherwise, so that projects without the DOM lib
 * (servers) type-check against the published declarations.
 *
 * @example
 * ```ts
 * const factory: IndexedDbFactory = indexedDB
 * ```
 * @see https://www.w3.org/TR/IndexedDB/#idbfactory
 */
export type IndexedDbFactory = typeof globalThis extends {
  /** The platform's IndexedDB factory. */
  indexedDB: infer F
} ? F : unknown

/**
 * Options of {@link indexedDbStore}.
 *
 * @example
 * ```ts
 * const options: IndexedDbStoreOptions = { name: 'my-app-keys' }
 * const verifier = createVerifier({ issuer, audience, cache: indexedDbStore(options) })
 * ```
 * @see [Indexed Database API 3.0](https://www.w3.org/TR/IndexedDB/)
 */
export interface IndexedDbStoreOptions {
  /** Database name. Default `'idtoken-verify'`. */
  name?: string
  /** The IndexedDB factory. Default `globalThis.indexedDB`. */
  indexedDB?: IndexedDbFactory
}

const SCHEMA_VERSION = 1
const OBJECT_STORE = 'entries'

/**
 * A store in IndexedDB: discovery documents and key sets survive page reloads and are shared by the
 * tabs of an origin, so a reload verifies with no network request while the keys are fresh. Failures
 * (private browsing, quota, a version change in another tab) reject; the verifier then falls back to
 * memory and reports a `store-failed` event.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({ issuer, audience, cache: indexedDbStore({ name: 'my-app-keys' }) })
 * ```
 * @see [Indexed Database API 3.0](https://www.w3.org/TR/IndexedDB/)
 * @see [RFC 9111 §4](https://www.rfc-editor.org/rfc/rfc9111#section-4) (reuse of stored responses)
 */
export function indexedDbStore(options: IndexedDbStoreOptions = {}): JwksStore {
  const store = createIndexedDbStore(options)
  tabStores.add(store)
  return store
}

// Stores seen by every tab of an origin: their fetches are coordinated with Web Locks and BroadcastChannel.
const tabStores = /* @__PURE__ */ new WeakSet<JwksStore>()

/** True for a store made by {@link indexedDbStore}. */
export function sharedByTabs(store: JwksStore): boolean {
  return tabStores.has(store)
}

function createIndexedDbStore(options: IndexedDbStoreOptions): JwksStore {
  const name = options.name ?? 'idtoken-verify'
  let database: Promise<IDBDatabase> | undefined

  function open(): Promise<IDBDatabase> {
    database ??= new Promise<IDBDatabase>((resolve, reject) => {
      const factory = (options.indexedDB as IDBFactory | undefined) ?? globalThis.indexedDB
      if (factory === undefined || factory === null) throw new Error('IndexedDB is not available')
      const request = factory.open(name, SCHEMA_VERSION)
      request.onupgradeneeded = () => {
        const db = request.result
        if (db.objectStoreNames.contains(OBJECT_STORE)) db.deleteObjectStore(OBJECT_STORE)
        db.createObjectStore(OBJECT_STORE)
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

  async function run<T>(mode: IDBTransactionMode, operation: (store: IDBObjectStore) => IDBRequest): Promise<T> {
    const db = await open()
    return new Promise<T>((resolve, reject) => {
      const transaction = db.transaction(OBJECT_STORE, mode)
      const request = operation(transaction.objectStore(OBJECT_STORE))
      transaction.oncomplete = () => resolve(request.result as T)
      transaction.onerror = () => reject(transaction.error ?? request.error ?? new Error('IndexedDB transaction failed'))
      transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'))
    })
  }

  return {
    async get(key) {
      const record: unknown = await run('readonly', (store) => store.get(key))
      return isRecord(record) ? record.entry : undefined
    },
    async set(key, entry) {
      await run('readwrite', (store) => store.put({ version: SCHEMA_VERSION, entry }, key))
    },
    async delete(key) {
      await run('readwrite', (store) => store.delete(key))
    },
  }
}

// A record from another schema version is a miss; the entry inside is validated by the verifier, as an entry
// from any store is.
function isRecord(record: unknown): record is { version: number; entry: CachedEntry } {
  return typeof record === 'object' && record !== null && (record as { version?: unknown }).version === SCHEMA_VERSION
}
