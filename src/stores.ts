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
