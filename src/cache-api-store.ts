import type { CachedEntry, JwksStore } from './lib/store.ts'

/**
 * The part of the platform's `Cache` that {@link cacheApiStore} uses. DOM-free, so that
 * projects without the DOM lib (servers, Workers with their own types) type-check against the declarations.
 *
 * @example
 * ```ts
 * const cache: CacheLike = await caches.open('my-keys')
 * ```
 * @see [Service Workers §5.4 `Cache`](https://www.w3.org/TR/service-workers/#cache-interface)
 */
export interface CacheLike {
  /** The stored response for `url`, or `undefined`. */
  match(url: string): Promise<
    | {
        /** The stored body, parsed as JSON. */
        json(): Promise<unknown>
      }
    | undefined
  >
  /** Stores `response` under `url` (a GET request for it). */
  put(url: string, response: unknown): Promise<void>
  /** Removes what is stored under `url`. */
  delete(url: string): Promise<boolean>
}

/**
 * The part of the platform's `CacheStorage` that {@link cacheApiStore} uses: `caches.default` where the runtime
 * has one (Cloudflare Workers), `caches.open(name)` otherwise.
 *
 * @example
 * ```ts
 * const store = cacheApiStore({ caches: globalThis.caches as CacheStorageLike })
 * ```
 * @see [Service Workers §5.5 `CacheStorage`](https://www.w3.org/TR/service-workers/#cachestorage-interface)
 */
export interface CacheStorageLike {
  /** Cloudflare Workers' zone cache. */
  readonly default?: CacheLike
  /** Opens (creating if needed) the cache named `name`. */
  open(name: string): Promise<CacheLike>
}

/**
 * Options of {@link cacheApiStore}.
 *
 * @example
 * ```ts
 * const options: CacheApiStoreOptions = { name: 'my-app-keys', retain: 86_400 }
 * ```
 * @see [RFC 9111 §5.2.2.1](https://www.rfc-editor.org/rfc/rfc9111#section-5.2.2.1) (`max-age`)
 */
export interface CacheApiStoreOptions {
  /** The cache to open where there is no `caches.default`. Default `'idtoken-verify'`. */
  name?: string
  /** The `CacheStorage`. Default `globalThis.caches`. */
  caches?: CacheStorageLike
  /**
   * Seconds an entry is kept after it stops being fresh, so that a new isolate can still use it while the
   * provider is down (`staleIfError`, 6 h by default) or while it revalidates. Default 86400 (a day).
   */
  retain?: number
  /**
   * The URL prefix entries are stored under. Default `'https://idtoken-verify.invalid/v1/'`: a reserved name
   * (RFC 2606) that no request of the application can reach or collide with. Cloudflare advises cache keys on the
   * Worker's own hostname: `'https://<your host>/.idtoken-verify/v1/'` follows that.
   */
  urlPrefix?: string
}

const DEFAULT_PREFIX = 'https://idtoken-verify.invalid/v1/'

/**
 * A store on the Cache API, for Cloudflare Workers and other edge isolates: each discovery document and key
 * set is kept as a synthetic JSON `Response` under a URL of its own (`caches.default` where it exists, else
 * `caches.open(name)`), so a new isolate in the same location verifies with no request to the provider
 * while the keys are fresh. The cache holds them for their freshness plus `retain` seconds (`Cache-Control:
 * max-age`); the verifier checks every entry it reads back. Imported `CryptoKey`s are not kept (a `Response`
 * holds text): a new isolate imports each key once.
 *
 * The Cache API is local to one data center and may evict early; for keys shared by every location use a
 * key-value store (Workers KV, see docs/caching.md). On Cloudflare it has no effect on `*.workers.dev`
 * (a custom domain or route is needed), where this store simply misses.
 *
 * @example
 * ```ts
 * import { createVerifier, cacheApiStore } from 'idtoken-verify'
 * import { waitUntil } from 'cloudflare:workers'
 *
 * const verifier = createVerifier({ issuer, audience, cache: cacheApiStore(), waitUntil })
 *
 * export default {
 *   async fetch(request: Request): Promise<Response> {
 *     const token = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? ''
 *     const { payload } = await verifier.verify(token)
 *     return Response.json({ sub: payload.sub })
 *   },
 * }
 * ```
 * @throws TypeError when there is no Cache API (`globalThis.caches`) and none is passed.
 * @see [Cloudflare Workers Cache API](https://developers.cloudflare.com/workers/runtime-apis/cache/)
 * @see [RFC 9111 §5.2.2.1](https://www.rfc-editor.org/rfc/rfc9111#section-5.2.2.1) (`max-age`)
 */
export function cacheApiStore(options: CacheApiStoreOptions = {}): JwksStore {
  const storage = options.caches ?? (globalThis as { caches?: CacheStorageLike }).caches
  if (typeof storage?.open !== 'function') {
    throw new TypeError(
      'cacheApiStore: the Cache API (globalThis.caches) is not available here; pass { caches } or use another store',
    )
  }
  const name = options.name ?? 'idtoken-verify'
  const retain = options.retain ?? 86_400
  if (typeof retain !== 'number' || !(retain >= 0) || !Number.isFinite(retain))
    throw new TypeError('cacheApiStore: "retain" must be a non-negative number')
  const prefix = options.urlPrefix ?? DEFAULT_PREFIX
  let opened: Promise<CacheLike> | undefined

  // Opened on first use, not at creation: a Worker makes its verifier at module scope, where I/O is not allowed.
  const cache = (): Promise<CacheLike> => {
    opened ??=
      storage.default !== undefined
        ? Promise.resolve(storage.default)
        : storage.open(name).catch((error: unknown) => {
            opened = undefined
            throw error
          })
    return opened
  }
  const urlOf = (key: string): string => prefix + encodeURIComponent(key)

  return {
    async get(key) {
      const response = await (await cache()).match(urlOf(key))
      if (response === undefined) return undefined
      try {
        return (await response.json()) as CachedEntry
      } catch (error) {
        // Not JSON (written by something else): a miss, which the next fetch overwrites.
        if (error instanceof SyntaxError) return undefined
        throw error
      }
    },

    async set(key, entry) {
      // CryptoKeys do not survive JSON; the relative lifetime keeps the cache's clock and the verifier's apart.
      const { cryptoKeys: _, ...plain } = entry
      const lifetime = Math.max(
        0,
        Math.ceil((Math.max(entry.freshUntil, entry.staleUntil ?? 0) - entry.fetchedAt) / 1000),
      )
      await (
        await cache()
      ).put(
        urlOf(key),
        new Response(JSON.stringify(plain), {
          headers: { 'content-type': 'application/json', 'cache-control': `max-age=${lifetime + Math.ceil(retain)}` },
        }),
      )
    },

    async delete(key) {
      await (await cache()).delete(urlOf(key))
    },
  }
}
