// What a verifier keeps fetched documents in: the store contract (public types) and the in-memory store.

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
  /**
   * Until when the copy may answer while it is revalidated in the background, when the response allowed that
   * (RFC 5861 `stale-while-revalidate`). Absent: not past `freshUntil`.
   */
  readonly staleUntil?: number
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
 * Cloudflare KV, Redis, ...). Keys are opaque strings namespaced by issuer and URL. A store that rejects, throws
 * (also from a getter of what it returns) or takes longer than 2 s counts as a miss, is reported with a
 * `store-failed` event, and is tried again after a back-off (1 s doubling up to 5 minutes).
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

/** A `Map` behind the store contract: the default where nothing outlives the process or page. */
export function createMemoryStore(): JwksStore {
  const entries = new Map<string, CachedEntry>()
  return {
    get: async (key) => entries.get(key),
    set: async (key, entry) => void entries.set(key, entry),
    delete: async (key) => void entries.delete(key),
  }
}
