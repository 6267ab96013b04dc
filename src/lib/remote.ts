import { IdTokenError } from './errors.ts'
import { fail } from './fail.ts'
import type { EventHandler } from './events.ts'
import type { CachedEntry } from './store.ts'
import { createBackoff } from './backoff.ts'
import { refreshAheadAt, type FreshnessPolicy } from './freshness.ts'
import { getJson, type HttpOptions } from './http.ts'
import { persistedCopy, type PersistenceContext } from './persisted.ts'
import { nextEntry } from './response-entry.ts'
import { STORE_TIMEOUT_MS } from './safe-store.ts'
import { withLock, LOCK_WAIT_MS } from './tabs.ts'
import { TIMED_OUT, within } from './within.ts'

export interface CacheContext extends PersistenceContext {
  /** The store is seen by other tabs or isolates: coordinate fetches and re-read it before fetching. */
  readonly shared: boolean
  readonly http: HttpOptions
  /** Milliseconds past freshness during which a copy is used when the provider cannot be reached. */
  readonly staleIfError: number
  readonly emit: EventHandler
  /** Sees every response, for the server-time estimate. */
  readonly onResponse: (headers: Headers, sentAt: number, receivedAt: number) => void
  /** Keeps work that outlives the verification that started it alive (a Worker's `ctx.waitUntil`). */
  readonly waitUntil: ((promise: Promise<unknown>) => void) | undefined
}

interface Snapshot<T> {
  readonly value: T
  readonly entry: CachedEntry
  /** From here on, a use of the copy renews it in the background. */
  readonly refreshAt: number
  readonly storable: boolean
}

export interface RemoteDocument<T> {
  /** The value if it is fresh now: the allocation-free hot path. Late in its lifetime, it also renews it. */
  fresh(): T | undefined
  /**
   * A usable value: fresh; stale while it is revalidated in the background, only where the response allowed
   * that; otherwise revalidated now, or stale within `staleIfError` when the provider cannot be reached.
   */
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
  /** Forgets the stored copy: the document is no longer in use (a superseded `jwks_uri`). */
  discard(): void
  /** True while the provider fails: the last fetch failed and its back-off has not passed. */
  failing(): boolean
  readonly url: string
}

/**
 * One remote JSON document (a discovery document or a key set) kept fresh by HTTP caching rules and
 * renewed ahead of expiry, shared between concurrent callers, persisted in the store, and coordinated
 * between tabs. A copy past its freshness is never used while the provider answers, unless the response
 * itself allowed it (`stale-while-revalidate`): a key the provider withdrew stops verifying at max-age.
 */
export function remoteDocument<T>(
  context: CacheContext,
  key: string,
  what: string,
  url: string,
  parse: (body: unknown, previous: T | undefined, stored?: CachedEntry) => T,
): RemoteDocument<T> {
  const { now, emit } = context
  const backoff = createBackoff()
  const persisted = persistedCopy(context, key, () => {
    loading = undefined
  })
  let snapshot: Snapshot<T> | undefined
  let fetchedByUs = false
  let staleSince: number | undefined
  let loading: Promise<void> | undefined
  let loaded: Promise<void> | undefined
  let inflight: Promise<Snapshot<T>> | undefined
  let inflightSince = -Infinity
  // The longest a shared fetch can take when it is alive: a store read, the lock (tabs), the request. Past it,
  // the fetch was abandoned: in workerd, I/O started by a request that is over never settles (unless it was
  // passed to `waitUntil`), and a later request must not wait on it forever.
  const fetchLimit = STORE_TIMEOUT_MS + context.http.timeout + (context.tabStore === undefined ? 0 : LOCK_WAIT_MS)

  const background = (work: Promise<unknown>): void => {
    const settled = work.catch(() => {})
    context.waitUntil?.(settled)
  }

  const snapshotOf = (value: T, entry: CachedEntry, storable: boolean): Snapshot<T> => ({
    value,
    entry,
    storable,
    refreshAt: refreshAheadAt(entry.fetchedAt, entry.freshUntil),
  })

  async function readStored(always = false): Promise<Snapshot<T> | undefined> {
    const entry = await persisted.read(always)
    if (entry === undefined) return undefined
    try {
      return snapshotOf(parse(entry.value, snapshot?.value, entry), entry, true)
    } catch {
      // Corrupted or written by an incompatible version: drop it and fetch anew.
      await persisted.remove()
      return undefined
    }
  }

  async function load(): Promise<void> {
    loading ??= readStored().then((stored) => {
      if (stored !== undefined && stored.entry.fetchedAt > (snapshot?.entry.fetchedAt ?? -Infinity)) {
        snapshot = stored
        fetchedByUs = false
      }
    })
    const current = loading
    if (current === loaded) return
    // A read started by a request that is over (workerd) may never settle: go on without the store.
    if ((await within(current, STORE_TIMEOUT_MS)) === TIMED_OUT) {
      if (loading === current) loading = Promise.resolve()
    } else {
      // Settled: later calls need no deadline (and no timer) for it.
      loaded = current
    }
  }

  // `after`: the caller saw our copy and needs one fetched no earlier than this (an unknown kid, refresh()).
  async function fetchShared(force: boolean, after: number, retry = true): Promise<Snapshot<T>> {
    if (inflight !== undefined && now() - inflightSince > fetchLimit) inflight = undefined
    let current = inflight
    if (current === undefined) {
      const started = fetchOnce(force, after).finally(() => {
        if (inflight === started) inflight = undefined
      })
      inflight = current = started
      inflightSince = now()
      // Where the runtime ties I/O to a request, keep it alive for the others that share it.
      background(started)
    }
    const result = await within(current, fetchLimit)
    if (result !== TIMED_OUT) return result
    // Abandoned by whoever started it: free the slot and fetch once more, in this caller's own context.
    if (inflight === current) inflight = undefined
    if (!retry) fail('ERR_JWKS_UNAVAILABLE', `the ${what} at ${url} could not be fetched: timed out`)
    return fetchShared(force, after, false)
  }

  function fetchOnce(force: boolean, after: number): Promise<Snapshot<T>> {
    if (!force && backoff.blocked(now())) {
      return Promise.reject(
        new IdTokenError(
          'ERR_JWKS_UNAVAILABLE',
          `the ${what} at ${url} is unavailable (the last fetch failed; retrying after a back-off)`,
        ),
      )
    }
    if (!context.shared) {
      return request().then((next) => {
        background(persisted.write(next.entry, next.storable))
        return next
      })
    }
    // In browsers the caller gets the new copy as soon as it is parsed; the store write happens after, still inside
    // the lock, so tabs waiting for it find the copy stored.
    return new Promise<Snapshot<T>>((resolve, reject) => {
      const task = async (waited: boolean): Promise<void> => {
        // While we waited for the lock another tab may have fetched: use its copy if it is new enough. (Another
        // tab's localStorage mark can reach this one late, so having waited is reason enough to read.)
        const stored = await readStored(waited)
        const at = now()
        if (
          stored !== undefined &&
          stored.entry.fetchedAt > (snapshot?.entry.fetchedAt ?? -Infinity) &&
          stored.entry.fetchedAt >= after &&
          at < stored.refreshAt
        ) {
          snapshot = stored
          fetchedByUs = true
          emit({ type: 'shared', url })
          resolve(stored)
          return
        }
        const next = await request()
        // Off the critical path only where the write is sure to finish: inside the tab's lock (IndexedDB), or kept
        // alive by `waitUntil`. Elsewhere (a Worker without it) a write left behind would be cancelled.
        if (context.tabStore !== undefined || context.waitUntil !== undefined) resolve(next)
        await persisted.write(next.entry, next.storable)
        resolve(next)
      }
      const locked = context.tabStore !== undefined ? withLock(`idtoken-verify ${key}`, task) : task(true)
      background(locked.catch(reject))
    })
  }

  async function request(): Promise<Snapshot<T>> {
    const previous = snapshot
    const requestedAt = now()
    try {
      const etag = previous?.entry.etag
      // Cross-origin, If-None-Match is not a CORS-safelisted header: it would force a preflight that many
      // providers do not answer. There the browser's own revalidation (see uncached) makes the request conditional.
      const conditional = etag !== undefined && sameOrigin(url)
      const response = await getJson(uncachedHttp(), url, what, conditional ? { 'if-none-match': etag } : undefined)
      const at = now()
      context.onResponse(response.headers, requestedAt, at)
      const { entry, storable, revalidated } = nextEntry(response, previous?.entry, context.freshness, at, what, url)
      const value = revalidated ? previous!.value : parse(response.body, previous?.value)
      const next = snapshotOf(value, entry, storable)
      snapshot = next
      fetchedByUs = true
      staleSince = undefined
      backoff.succeeded()
      emit({ type: 'fetched', url, status: response.status, freshUntil: entry.freshUntil })
      return next
    } catch (error) {
      const retryAt = backoff.failed(now())
      const failure =
        error instanceof IdTokenError
          ? error
          : new IdTokenError('ERR_JWKS_UNAVAILABLE', `the ${what} at ${url} could not be fetched`, { cause: error })
      emit({ type: 'fetch-failed', url, error: failure, retryAt })
      throw failure
    }
  }

  let http: HttpOptions | undefined
  const uncachedHttp = (): HttpOptions => (http ??= uncached(context.http))

  // Late in a copy's lifetime, one background request renews it: steady traffic never waits at max-age.
  function refreshAhead(at: number): void {
    if (inflight === undefined && !backoff.blocked(at)) background(fetchShared(false, -Infinity))
  }

  return {
    fresh() {
      const current = snapshot
      if (current === undefined || loading === undefined) return undefined
      const at = now()
      if (at >= current.entry.freshUntil) return undefined
      if (at >= current.refreshAt) refreshAhead(at)
      return current.value
    },

    async get() {
      await load()
      const current = snapshot
      const at = now()
      if (current !== undefined && at < current.entry.freshUntil) {
        if (at >= current.refreshAt) refreshAhead(at)
        return current.value
      }
      if (current !== undefined && at < (current.entry.staleUntil ?? -Infinity)) {
        refreshAhead(at)
        return current.value
      }
      try {
        return (await fetchShared(false, -Infinity)).value
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
      return (await fetchShared(force, now())).value
    },

    rememberKey(name, cryptoKey, of) {
      const current = snapshot
      // Only for the copy the key was found in (a newer set may number its keys differently), and never for a
      // copy that must not be stored.
      if (
        context.tabStore === undefined ||
        current?.value !== of ||
        !current.storable ||
        current.entry.cryptoKeys?.[name] === cryptoKey
      )
        return
      const entry = { ...current.entry, cryptoKeys: { ...current.entry.cryptoKeys, [name]: cryptoKey } }
      snapshot = { ...current, entry }
      persisted.addKeys(current.entry, { [name]: cryptoKey })
    },

    fetchedAt: () => (fetchedByUs && snapshot !== undefined ? snapshot.entry.fetchedAt : -Infinity),

    discard() {
      background(persisted.remove())
    },

    failing: () => backoff.blocked(now()),
    url,
  }
}

// A browser's HTTP cache would answer a refetch (an unknown kid, refresh()) with the very copy that lacked the
// key, for as long as its max-age says. 'no-cache' makes it revalidate whenever we ask, with its own validators
// and without a CORS preflight. Only where Request knows the mode: some edge runtimes throw on it.
function uncached(http: HttpOptions): HttpOptions {
  noCache ??= knowsCacheMode()
  return noCache ? { ...http, fetch: (input, init) => http.fetch(input, { ...init, cache: 'no-cache' }) } : http
}

let noCache: boolean | undefined

function knowsCacheMode(): boolean {
  try {
    return new Request('http://localhost/', { cache: 'no-cache' }).cache === 'no-cache'
  } catch {
    return false
  }
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
