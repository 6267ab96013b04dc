import type { CachedEntry, JwksStore } from './store.ts'
import type { FreshnessPolicy } from './freshness.ts'
import type { TabStore } from './indexeddb.ts'
import { openChannel } from './tabs.ts'

export interface PersistenceContext {
  /** The store, wrapped so that it never throws or hangs (see safeStore). */
  readonly store: JwksStore
  /** The IndexedDB store itself, where the store is one: it can keep `CryptoKey`s and is shared by tabs. */
  readonly tabStore: TabStore | undefined
  readonly now: () => number
  /** Milliseconds: no stored copy is trusted to be fresh (or stale-usable) for longer than this. */
  readonly freshness: FreshnessPolicy
}

/** A document's copy in the store: read back validated, written off the critical path, shared with other tabs. */
export interface PersistedCopy {
  /** The stored copy; `always` reads even where nothing can have been stored (another tab may just have). */
  read(always?: boolean): Promise<CachedEntry | undefined>
  /** Stores `entry` (or, for a `no-store` response, removes any stored copy) and tells the other tabs. */
  write(entry: CachedEntry, storable: boolean): Promise<void>
  remove(): Promise<void>
  /** Adds imported keys to the stored copy if it is still `expected`; only IndexedDB can hold them. */
  addKeys(expected: CachedEntry, cryptoKeys: Readonly<Record<string, unknown>>): void
}

/**
 * The store key of a document. Each part is percent-encoded, so no configured value (a space in an issuer)
 * can make two verifiers share an entry; keys of the older `v1 …` format are simply never read again.
 */
export function storeKey(kind: 'discovery' | 'jwks', ...parts: readonly string[]): string {
  return ['v2', kind, ...parts.map(encodeURIComponent)].join(' ')
}

export function persistedCopy(context: PersistenceContext, key: string, onChanged: () => void): PersistedCopy {
  const { store, tabStore, now } = context
  // Only between tabs: a BroadcastChannel in a server runtime would keep the process alive for nothing.
  const channel =
    tabStore === undefined
      ? undefined
      : openChannel((changed) => {
          // Another tab stored a newer copy: read it on next use instead of keeping ours.
          if (changed === key) onChanged()
        })

  return {
    async read(always = false) {
      // Nothing was ever stored in this origin's database: do not wait for IndexedDB to answer that.
      if (!always && tabStore?.known() === false) return undefined
      const entry = await store.get(key)
      if (entry === undefined) return undefined
      const at = now()
      let { fetchedAt, freshUntil, staleUntil = freshUntil } = entry
      // Stored under a clock that ran ahead, or damaged: usable as a stale copy, never fresh beyond the bounds.
      if (fetchedAt > at || freshUntil - fetchedAt > context.freshness.max) {
        fetchedAt = Math.min(fetchedAt, at)
        freshUntil = Math.min(freshUntil, at)
      }
      staleUntil = Math.min(staleUntil, freshUntil + context.freshness.maxStale)
      return { ...entry, fetchedAt, freshUntil, staleUntil }
    },

    async write(entry, storable) {
      if (storable) await store.set(key, entry)
      else await store.delete(key)
      channel?.post(key)
    },

    remove: () => store.delete(key),

    addKeys(expected, cryptoKeys) {
      // After the verification that imported the key has answered: the transaction would otherwise hold it up.
      if (tabStore !== undefined) setTimeout(() => void tabStore.addKeys(key, expected, cryptoKeys).catch(() => {}), 0)
    },
  }
}
