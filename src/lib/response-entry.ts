import type { CachedEntry } from './store.ts'
import { fail } from './fail.ts'
import { freshnessOf, type FreshnessPolicy } from './freshness.ts'
import type { JsonResponse } from './http.ts'

export interface NextEntry {
  readonly entry: CachedEntry
  /** False for a `no-store` response: never written to a store. */
  readonly storable: boolean
  /** A 304: the previous document still holds, only its freshness is renewed. */
  readonly revalidated: boolean
}

/**
 * The pure step of a fetch: what a response (200 or 304) makes of the cached entry, fetched at `at`. No I/O,
 * so any response can be fed to it in a test.
 */
export function nextEntry(
  response: JsonResponse,
  previous: CachedEntry | undefined,
  policy: FreshnessPolicy,
  at: number,
  what: string,
  url: string,
): NextEntry {
  const { freshFor, staleFor, storable } = freshnessOf(response.headers, policy)
  const times = { fetchedAt: at, freshUntil: at + freshFor, staleUntil: at + freshFor + staleFor }
  if (response.status === 304) {
    if (previous === undefined)
      fail('ERR_JWKS_INVALID', `the ${what} at ${url} answered 304 to an unconditional request`)
    // Only freshness changes: the keys, the ETag and any imported keys stay as they were.
    return { entry: { ...previous, ...times }, storable, revalidated: true }
  }
  const etag = response.headers.get('etag')
  const entry: CachedEntry =
    etag === null ? { value: response.body, ...times } : { value: response.body, ...times, etag }
  return { entry, storable, revalidated: false }
}
