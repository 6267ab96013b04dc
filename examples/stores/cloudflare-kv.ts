// A JwksStore on Cloudflare Workers KV, so that Workers isolates keep discovery documents and key sets
// between requests: a new isolate verifies with no request to the provider while the keys are fresh.
// No dependency: any object with the KVNamespace get/put/delete shape will do.
//
//   import { createVerifier } from 'idtoken-verify'
//   import { cloudflareKvStore } from './cloudflare-kv.ts'
//
//   export default {
//     async fetch(request, env) {
//       const verifier = createVerifier({ issuer, audience, cache: cloudflareKvStore(env.JWKS_CACHE) })
//       ...
//     },
//   }
//
// Workers KV is eventually consistent (a write can take up to a minute to reach other locations): at
// worst another location fetches the keys itself, which is what it would do without a store.
// In an application import the types from 'idtoken-verify'; this example lives in the SDK's repository.
import type { CachedEntry, JwksStore } from '../../src/index.ts'

/** The part of a Workers `KVNamespace` this store uses. */
export interface CloudflareKvLike {
  get(key: string, type: 'json'): Promise<unknown>
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>
  delete(key: string): Promise<void>
}

export interface CloudflareKvStoreOptions {
  /** Prefix of every KV key. Default `'idtoken-verify:'`. */
  prefix?: string
  /**
   * Seconds an entry is kept after it stops being fresh, so a new isolate can still use it while the
   * provider is down (`staleIfError`) or while it revalidates (`staleWhileRevalidate`). Default 86400.
   */
  retain?: number
}

// Workers KV refuses an expirationTtl below 60 seconds.
const MIN_TTL_SECONDS = 60

export function cloudflareKvStore(kv: CloudflareKvLike, options: CloudflareKvStoreOptions = {}): JwksStore {
  const prefix = options.prefix ?? 'idtoken-verify:'
  const retain = options.retain ?? 86_400
  return {
    async get(key) {
      let value: unknown
      try {
        value = await kv.get(prefix + key, 'json')
      } catch (error) {
        // A value that is not JSON is a miss (the verifier fetches and overwrites it); a KV outage
        // rejects, and the verifier carries on in memory.
        if (error instanceof SyntaxError) return undefined
        throw error
      }
      // null for a missing key. What is found is checked by the verifier before use.
      return value === null ? undefined : (value as CachedEntry)
    },
    async set(key, entry) {
      // CachedEntry is plain JSON. The expiry is relative, so the verifier's clock and KV's need not agree.
      const lifetime = Math.max(0, Math.ceil((entry.freshUntil - entry.fetchedAt) / 1000))
      await kv.put(prefix + key, JSON.stringify(entry), { expirationTtl: Math.max(MIN_TTL_SECONDS, lifetime + retain) })
    },
    async delete(key) {
      await kv.delete(prefix + key)
    },
  }
}
