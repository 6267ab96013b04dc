import { IdTokenError } from '../errors.ts'
import type { EventHandler } from '../events.ts'
import type { CachedEntry, JwksStore } from '../stores.ts'
import { freshnessOf, type FreshnessPolicy } from './freshness.ts'
import { getJson, type HttpOptions } from './http.ts'
import { openChannel, withLock, type Channel } from './tabs.ts'

export interface CacheContext {
  readonly store: JwksStore
  /** The store is seen by other tabs or isolates: coordinate fetches and re-read it before fetching. */
  readonly shared: boolean
  /** The store is shared by the tabs of an origin (IndexedDB): coordinate with Web Locks and BroadcastChannel. */
  readonly tabs: boolean
  readonly http: HttpOptions
  readonly now: () => number
  readonly freshness: FreshnessPolicy
  /** Milliseconds past freshness during which a copy is used while a refresh runs in the background. */
  readonly staleWhileRevalidate: number
  /** Milliseconds past freshness during which a copy is used when the provider cannot be reached. */
  readonly staleIfError: number
  readonly emit: EventHandler
  /** Writes an entry carrying `CryptoKey`s, where the store can hold them; failures are ignored. */
  readonly keepKeys: ((key: string, entry: CachedEntry) => Promise<void>) | undefined
  /** Sees every response, for the server-time estimate. */
  readonly onResponse: (headers: Headers, sentAt: number, receivedAt: number) => void
}

export interface Snapshot<T> {
  readonly value: T
  readonly entry: CachedEntry
}

export interface RemoteDocument<T> {
  /** The value if it is fresh now: the allocation-free hot path. */
  fresh(): T | undefined
  /** A usable value: fresh, stale while revalidating, or stale because the provider is down. */
  get(): Promise<T>
  /** Fetch now. `force` also skips the failure back-off (an explicit refresh). */
  fetch(force?: boolean): Promise<T>
  /** Keeps an imported key with the stored copy (where the store can), so that a reload need not import it. */
  rememberKey(name: string, cryptoKey: CryptoKey, of: T): void
  /**
   * When this instance fetched the current copy (itself, or by waiting for another tab's fetch), or -Infinity
   * for none or a copy only read from the store: such a copy may predate a rotation and is worth a refetch.
   */
  fetchedAt(): number
}

// Failed fetches back off: 1 s, 2 s, 4 s ... up to 5 minutes, instead of hammering a struggling provider.
const backoff = (failures: number): number => Math.min(300_000, 1000 * 2 ** Math.min(failures - 1, 16))

/**
 * One remote JSON document (a discovery document or a key set) kept fresh by HTTP caching rules,
 * shared between concurrent callers, persisted in the store, and coordinated between tabs.
 */
export function remoteDocument<T>(
  context: CacheContext,
  key: string,
  what: string,
  url: string,
  parse: (body: unknown, previous: T | undefined, stored?: CachedEntry) => T,
): RemoteDocument<T> {
  const { now, emit } = context
  let snapshot: Snapshot<T> | undefined
  let fetchedByUs = false
  let staleSince: number | undefined
  let loading: Promise<void> | undefined
  let inflight: Promise<Snapshot<T>> | undefined
  let failures = 0
  let retryAt = -Infinity
  let channel: Channel | undefined
  let http: HttpOptions | undefined

  // Only between tabs: a BroadcastChannel in a server runtime would keep the process alive for nothing.
  if (context.tabs) {
    channel = openChannel('idtoken-verify', (changed) => {
      // Another tab stored a newer copy: read it on next use instead of keeping ours.
      if (changed === key) loading = undefined
    })
  }

  async function readStore(): Promise<Snapshot<T> | undefined> {
    let entry = await context.store.get(key)
    if (!isEntry(entry)) return undefined
    const at = now()
    if (entry.fetchedAt > at || entry.freshUntil - entry.fetchedAt > context.freshness.max) {
      // Stored under a clock that ran ahead (or damaged): usable as a stale copy, never fresh beyond the bounds.
      entry = { ...entry, fetchedAt: Math.min(entry.fetchedAt, at), freshUntil: Math.min(entry.freshUntil, at) }
    }
    try {
      return { value: parse(entry.value, snapshot?.value, entry), entry }
    } catch {
      // Corrupted or written by an incompatible version: drop it and fetch anew.
      await context.store.delete(key)
      return undefined
    }
  }

  function load(): Promise<void> {
    loading ??= readStore().then((stored) => {
      if (stored !== undefined && stored.entry.fetchedAt > (snapshot?.entry.fetchedAt ?? -Infinity)) {
        snapshot = stored
        fetchedByUs = false
      }
    })
    return loading
  }

  // `refetch`: the caller saw our copy and needs a newer one (an unknown kid, refresh()); otherwise any fresh
  // copy will do, including one another tab stored while we were still reading the store.
  function fetchShared(force: boolean, refetch: boolean): Promise<Snapshot<T>> {
    inflight ??= fetchOnce(force, refetch).finally(() => {
      inflight = undefined
    })
    return inflight
  }

  async function fetchOnce(force: boolean, refetch: boolean): Promise<Snapshot<T>> {
    const requestedAt = now()
    if (!force && requestedAt < retryAt) {
      throw new IdTokenError('ERR_JWKS_UNAVAILABLE', `the ${what} is unavailable (last fetch failed; retrying after a back-off)`)
    }
    if (!context.shared) return request(requestedAt)
    const reuseOrRequest = async (): Promise<Snapshot<T>> => {
      // While we waited for the lock another tab may have fetched: use its copy if it is new enough.
      const stored = await readStore()
      const newEnough = stored !== undefined && (stored.entry.fetchedAt >= requestedAt || !refetch)
      if (newEnough && now() < stored.entry.freshUntil) {
        snapshot = stored
        fetchedByUs = true
        emit({ type: 'shared', url })
        return stored
      }
      return request(requestedAt)
    }
    return context.tabs ? withLock(`idtoken-verify ${key}`, reuseOrRequest) : reuseOrRequest()
  }

  async function request(requestedAt: number): Promise<Snapshot<T>> {
    const previous = snapshot
    try {
      const etag = previous?.entry.etag
      // Cross-origin, If-None-Match is not a CORS-safelisted header: it would force a preflight that many
      // providers do not answer. There the browser's own revalidation (see uncached) makes the request conditional.
      const conditional = etag !== undefined && sameOrigin(url)
      http ??= uncached(context.http)
      const response = await getJson(http, url, what, conditional ? { 'if-none-match': etag } : undefined)
      const fetchedAt = now()
      context.onResponse(response.headers, requestedAt, fetchedAt)
      const { freshFor, storable } = freshnessOf(response.headers, context.freshness)
      let next: Snapshot<T>
      if (response.status === 304) {
        if (previous === undefined) throw new IdTokenError('ERR_JWKS_INVALID', `the ${what} answered 304 to an unconditional request`)
        next = { value: previous.value, entry: { ...previous.entry, fetchedAt, freshUntil: fetchedAt + freshFor } }
      } else {
        const value = parse(response.body, previous?.value)
        const newTag = response.headers.get('etag')
        const entry: CachedEntry = newTag === null
          ? { value: response.body, fetchedAt, freshUntil: fetchedAt + freshFor }
          : { value: response.body, fetchedAt, freshUntil: fetchedAt + freshFor, etag: newTag }
        next = { value, entry }
      }
      snapshot = next
      fetchedByUs = true
      staleSince = undefined
      failures = 0
      retryAt = -Infinity
      if (storable) await context.store.set(key, next.entry)
      else await context.store.delete(key)
      channel?.post(key)
      emit({ type: 'fetched', url, status: response.status, freshUntil: next.entry.freshUntil })
      return next
    } catch (error) {
      failures++
      retryAt = now() + backoff(failures)
      const failure = error instanceof IdTokenError
        ? error
        : new IdTokenError('ERR_JWKS_UNAVAILABLE', `the ${what} could not be fetched`, { cause: error })
      emit({ type: 'fetch-failed', url, error: failure, retryAt })
      throw failure
    }
  }

  return {
    fresh() {
      return snapshot !== undefined && loading !== undefined && now() < snapshot.entry.freshUntil ? snapshot.value : undefined
    },

    async get() {
      await load()
      const current = snapshot
      const at = now()
      if (current !== undefined && at < current.entry.freshUntil) return current.value
      if (current !== undefined && at < current.entry.freshUntil + context.staleWhileRevalidate) {
        fetchShared(false, false).catch(() => {})
        return current.value
      }
      try {
        return (await fetchShared(false, false)).value
      } catch (error) {
        const usableUntil = current === undefined ? -Infinity : current.entry.freshUntil + context.staleIfError
        if (current === undefined || now() >= usableUntil) throw error
        // Once per outage, not once per verification: a busy server would drown its logs.
        if (staleSince === undefined) emit({ type: 'stale', url, usableUntil })
        staleSince ??= now()
        return current.value
      }
    },

    async fetch(force = false) {
      await load()
      return (await fetchShared(force, true)).value
    },

    rememberKey(name, cryptoKey, of) {
      const current = snapshot
      // Only for the copy the key was found in: a newer set may number its keys differently.
      if (context.keepKeys === undefined || current?.value !== of || current.entry.cryptoKeys?.[name] === cryptoKey) return
      const entry = { ...current.entry, cryptoKeys: { ...current.entry.cryptoKeys, [name]: cryptoKey } }
      snapshot = { value: current.value, entry }
      void context.keepKeys(key, entry)
    },

    fetchedAt: () => (fetchedByUs && snapshot !== undefined ? snapshot.entry.fetchedAt : -Infinity),
  }
}

// A browser's HTTP cache would answer a refetch (an unknown kid, refresh()) with the very copy that lacked the
// key, for as long as its max-age says. 'no-cache' makes it revalidate whenever we ask, with its own validators
// and without a CORS preflight. Only where Request knows the mode: some edge runtimes throw on it.
function uncached(http: HttpOptions): HttpOptions {
  try {
    if (new Request('http://localhost/', { cache: 'no-cache' }).cache !== 'no-cache') return http
  } catch {
    return http
  }
  return { ...http, fetch: (input, init) => http.fetch(input, { ...init, cache: 'no-cache' }) }
}

// Without a document (servers, edge runtimes) there is no CORS: every URL counts as same-origin.
function sameOrigin(url: string): boolean {
  const origin = (globalThis as { location?: { origin?: unknown } }).location?.origin
  if (typeof origin !== 'string') return true
  try {
    return new URL(url).origin === origin
  } catch {
    return false
  }
}

function isEntry(entry: unknown): entry is CachedEntry {
  if (typeof entry !== 'object' || entry === null) return false
  const { fetchedAt, freshUntil, etag } = entry as CachedEntry
  return Number.isFinite(fetchedAt) && Number.isFinite(freshUntil) && (etag === undefined || typeof etag === 'string')
}
