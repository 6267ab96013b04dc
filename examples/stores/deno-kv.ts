// A JwksStore on Deno KV, so that short-lived isolates (Deno Deploy) keep discovery documents and key sets
// between requests: a new isolate verifies with no request to the provider while the keys are fresh.
// No dependency: any object with Deno KV's get/set/delete shape will do.
//
//   import { createVerifier } from 'idtoken-verify'
//   import { denoKvStore } from './deno-kv.ts'
//
//   const kv = await Deno.openKv()
//   const verifier = createVerifier({ issuer, audience, cache: denoKvStore(kv) })
//
// In an application import the types from 'idtoken-verify'; this example lives in the SDK's repository.
import type { CachedEntry, JwksStore } from '../../src/index.ts'

/** The part of `Deno.Kv` this store uses. */
export interface DenoKvLike {
  get(key: readonly unknown[]): Promise<{ readonly value: unknown }>
  set(key: readonly unknown[], value: unknown, options?: { expireIn?: number }): Promise<unknown>
  delete(key: readonly unknown[]): Promise<void>
}

export interface DenoKvStoreOptions {
  /** Key prefix, the first parts of every Deno KV key. Default `['idtoken-verify']`. */
  prefix?: readonly unknown[]
  /**
   * Seconds an entry is kept after it stops being fresh, so a new isolate can still use it while the
   * provider is down (`staleIfError`) or while it revalidates (`staleWhileRevalidate`). Default 86400.
   */
  retain?: number
}

export function denoKvStore(kv: DenoKvLike, options: DenoKvStoreOptions = {}): JwksStore {
  const prefix = options.prefix ?? ['idtoken-verify']
  const retain = (options.retain ?? 86_400) * 1000
  return {
    async get(key) {
      // Deno KV answers { value: null } for a missing key; the verifier validates what it reads.
      const { value } = await kv.get([...prefix, key])
      return value === null ? undefined : (value as CachedEntry)
    },
    async set(key, entry) {
      // CachedEntry is plain JSON: Deno KV stores it as it is. The expiry is relative, so the
      // verifier's clock (the `now` option) and the KV's need not agree.
      const lifetime = Math.max(0, entry.freshUntil - entry.fetchedAt)
      await kv.set([...prefix, key], entry, { expireIn: lifetime + retain })
    },
    async delete(key) {
      await kv.delete([...prefix, key])
    },
  }
}
