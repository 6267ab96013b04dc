/**
 * A cached discovery document or key set, as kept by a {@link JwksStore}. Times are milliseconds since
 * the epoch on the verifier's clock.
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
}

/**
 * Where a verifier keeps what it fetched. Implement it to keep keys in any key-value store (Deno KV,
 * Cloudflare KV, Redis, ...). Keys are opaque strings namespaced by issuer and URL.
 */
export interface JwksStore {
  get(key: string): Promise<CachedEntry | undefined>
  set(key: string, entry: CachedEntry): Promise<void>
  delete(key: string): Promise<void>
}

/**
 * A store in this verifier's memory: fast, gone with the process or page.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({ issuer, audience, cache: memoryStore() })
 * ```
 */
export function memoryStore(): JwksStore {
  const entries = new Map<string, CachedEntry>()
  return {
    get: async (key) => entries.get(key),
    set: async (key, entry) => void entries.set(key, entry),
    delete: async (key) => void entries.delete(key),
  }
}

/** Options of {@link indexedDbStore}. */
export interface IndexedDbStoreOptions {
  /** Database name. Default `'idtoken-verify'`. */
  name?: string
  /** The IndexedDB factory. Default `globalThis.indexedDB`. */
  indexedDB?: IDBFactory
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
 */
export function indexedDbStore(options: IndexedDbStoreOptions = {}): JwksStore {
  const name = options.name ?? 'idtoken-verify'
  let database: Promise<IDBDatabase> | undefined

  function open(): Promise<IDBDatabase> {
    database ??= new Promise<IDBDatabase>((resolve, reject) => {
      const factory = options.indexedDB ?? globalThis.indexedDB
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

// Entries are validated when read: a record from another schema or a damaged one is a miss, not a crash.
function isRecord(record: unknown): record is { version: number; entry: CachedEntry } {
  if (typeof record !== 'object' || record === null) return false
  const { version, entry } = record as { version: unknown; entry: unknown }
  return version === SCHEMA_VERSION && typeof entry === 'object' && entry !== null &&
    typeof (entry as CachedEntry).fetchedAt === 'number' && typeof (entry as CachedEntry).freshUntil === 'number'
}
