// A JwksStore on Redis or Valkey, so that a fleet (API gateways, microservices, many Node or Bun instances)
// shares one copy of the discovery document and key set, and fetches it about once per freshness window in all
// instead of once per instance. No dependency: pass any client with get / set (PX, NX) / del.
//
//   import { createClient } from 'redis'                      // node-redis 4 or 5
//   import { createVerifier } from 'idtoken-verify'
//   import { redisStore } from './redis.ts'
//
//   const client = await createClient({ url: process.env.REDIS_URL }).connect()
//   const store = redisStore({
//     get: (key) => client.get(key),
//     set: (key, value, { px, nx }) => client.set(key, value, nx ? { PX: px, NX: true } : { PX: px }),
//     del: (key) => client.del(key),
//   })
//   const verifier = createVerifier({ issuer, audience, cache: store })
//
//   // ioredis / iovalkey:
//   //   set: (key, value, { px, nx }) => (nx ? redis.set(key, value, 'PX', px, 'NX') : redis.set(key, value, 'PX', px))
//
// Fleet-wide single flight: when an instance finds no copy, or one due for renewal, it takes a short lock
// (`SET <key>:lock <owner> NX PX 5000`) and its verifier fetches; the others re-read the store for a moment
// (up to `wait` ms) and take the copy the lock holder wrote. The verifier reads the store before every fetch,
// so this lives entirely in `get`. If the holder dies or its fetch fails, the lock expires and the others,
// after `wait`, fetch for themselves: the lock saves requests, it is never needed for correctness.
//
// In an application import the types from 'idtoken-verify'; this example lives in the SDK's repository.
import type { CachedEntry, JwksStore } from '../../src/index.ts'

/** The three commands this store uses, in the shape node-redis, ioredis and iovalkey adapt to in one line each. */
export interface RedisLike {
  get(key: string): Promise<string | null>
  /** `SET key value PX px [NX]`: resolves with `'OK'` when set, `null` when NX found the key taken. */
  set(key: string, value: string, options: { px: number; nx?: boolean }): Promise<string | null>
  del(key: string): Promise<number>
}

export interface RedisStoreOptions {
  /** Prefix of every Redis key. Default `'idtoken-verify:'`. */
  prefix?: string
  /** Seconds an entry is kept past its freshness, for stale-if-error in a fresh instance. Default 86400. */
  retain?: number
  /** Milliseconds a fetch lock lives if its holder never writes (crashed, provider down). Default 5000. */
  lockTtl?: number
  /**
   * Milliseconds an instance that did not get the lock re-reads the store for the holder's copy before it
   * fetches by itself. Default 1500: the verifier counts a store call over 2 s as a failed store.
   */
  wait?: number
  /** Milliseconds between those re-reads. Default 20. */
  poll?: number
  /** The verifier's clock (its `now` option), to tell when a copy is due for renewal. Default `Date.now`. */
  now?: () => number
}

// The verifier renews a copy in the last quarter of its lifetime, at most five minutes before it expires: the
// lock is taken from the same moment, so that the instance that renews is the one holding it.
const renewAt = (entry: CachedEntry): number =>
  entry.freshUntil - Math.min((entry.freshUntil - entry.fetchedAt) / 4, 300_000)

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

export function redisStore(redis: RedisLike, options: RedisStoreOptions = {}): JwksStore {
  const prefix = options.prefix ?? 'idtoken-verify:'
  const retain = options.retain ?? 86_400
  const lockTtl = options.lockTtl ?? 5000
  const wait = options.wait ?? 1500
  const poll = options.poll ?? 20
  const now = options.now ?? Date.now
  // Who holds a lock is told by its value; this instance's locks are also remembered here (until they expire),
  // because the verifier reads the store twice around its fetch: when it loads, and again right before fetching.
  const owner = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
  const held = new Map<string, number>()

  async function read(key: string): Promise<CachedEntry | undefined> {
    const text = await redis.get(prefix + key)
    if (text === null) return undefined
    try {
      return JSON.parse(text) as CachedEntry
    } catch {
      return undefined // not JSON: a miss, which the next fetch overwrites
    }
  }

  async function lock(key: string): Promise<boolean> {
    const until = held.get(key)
    if (until !== undefined && until > Date.now()) return true
    const taken = await redis.set(`${prefix}${key}:lock`, owner, { px: lockTtl, nx: true })
    if (taken === null) return false
    held.set(key, Date.now() + lockTtl)
    return true
  }

  async function unlock(key: string): Promise<void> {
    if (!held.delete(key)) return
    // GET then DEL is not atomic: a lock that expired in between and was taken by another instance could be
    // removed, costing at most one extra fetch. A client with EVAL can compare-and-delete in one step.
    if ((await redis.get(`${prefix}${key}:lock`)) === owner) await redis.del(`${prefix}${key}:lock`)
  }

  return {
    async get(key) {
      const entry = await read(key)
      if (entry !== undefined && now() < renewAt(entry)) return entry
      // Missing or due: the lock holder's verifier fetches, everyone else waits a moment for its copy.
      if (await lock(key)) return entry
      const deadline = Date.now() + wait
      while (Date.now() < deadline) {
        await sleep(poll)
        const next = await read(key)
        if (next !== undefined && next.fetchedAt > (entry?.fetchedAt ?? -Infinity)) return next
      }
      return entry
    },

    async set(key, entry) {
      // CryptoKeys do not survive JSON; the expiry is relative, so Redis' clock and the verifier's need not agree.
      const { cryptoKeys: _, ...plain } = entry
      const lifetime = Math.max(
        0,
        Math.ceil((Math.max(entry.freshUntil, entry.staleUntil ?? 0) - entry.fetchedAt) / 1000),
      )
      await redis.set(prefix + key, JSON.stringify(plain), { px: (lifetime + retain) * 1000 })
      await unlock(key)
    },

    async delete(key) {
      await redis.del(prefix + key)
    },
  }
}
