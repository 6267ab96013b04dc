import type { CachedEntry, JwksStore } from './store.ts'
import type { EventHandler } from './events.ts'
import { createBackoff } from './backoff.ts'
import { TIMED_OUT, within } from './within.ts'

export const STORE_TIMEOUT_MS = 2000

/**
 * The store as the verifier sees it: it never throws, never hangs and returns only plain, well-typed entries.
 * An operation that throws, rejects or takes longer than 2 s (a blocked IndexedDB upgrade) counts as a miss
 * and is reported with a `store-failed` event; the store is then skipped for a back-off (1 s doubling up to
 * 5 minutes) and tried again after it, so a store that recovers is used again.
 */
export function safeStore(store: JwksStore, emit: EventHandler, now: () => number): JwksStore {
  const backoff = createBackoff()

  async function guarded<T>(operation: 'get' | 'set' | 'delete', run: () => Promise<T>): Promise<T | undefined> {
    if (backoff.blocked(now())) return undefined
    try {
      const result = await within(run(), STORE_TIMEOUT_MS)
      if (result === TIMED_OUT) throw new Error(`the store did not answer ${operation} in ${STORE_TIMEOUT_MS} ms`)
      backoff.succeeded()
      return result
    } catch (error) {
      // Concurrent operations failing together are one failure to the application.
      const reported = backoff.blocked(now())
      backoff.failed(now())
      if (!reported) emit({ type: 'store-failed', operation, error })
      return undefined
    }
  }

  return {
    // Copied member by member inside the guard: an entry whose getters throw is a failed read, not a crash.
    get: (key) => guarded('get', async () => plainEntry(await store.get(key))),
    set: async (key, entry) => void (await guarded('set', () => store.set(key, entry))),
    delete: async (key) => void (await guarded('delete', () => store.delete(key))),
  }
}

/** A validated copy of what a store returned, or undefined for anything that is not an entry. */
function plainEntry(entry: unknown): CachedEntry | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined
  const { value, fetchedAt, freshUntil, staleUntil, etag, cryptoKeys } = entry as Record<string, unknown>
  if (!Number.isFinite(fetchedAt) || !Number.isFinite(freshUntil)) return undefined
  if (staleUntil !== undefined && !Number.isFinite(staleUntil)) return undefined
  if (etag !== undefined && typeof etag !== 'string') return undefined
  const copy: { -readonly [K in keyof CachedEntry]: CachedEntry[K] } = {
    value,
    fetchedAt: fetchedAt as number,
    freshUntil: freshUntil as number,
  }
  if (staleUntil !== undefined) copy.staleUntil = staleUntil as number
  if (etag !== undefined) copy.etag = etag
  if (typeof cryptoKeys === 'object' && cryptoKeys !== null) copy.cryptoKeys = { ...cryptoKeys }
  return copy
}
