import type { IdTokenError } from './errors.ts'

/**
 * What the verifier tells the application through the `onEvent` option: fetches, outages survived
 * on cached keys, and a store that failed and was replaced by memory. Handy for logs and metrics;
 * verification never depends on the handler (its exceptions are swallowed).
 */
export type VerifierEvent =
  /** A discovery document or key set arrived (`status` 200) or was revalidated (304). */
  | { readonly type: 'fetched'; readonly url: string; readonly status: number; readonly freshUntil: number }
  /** A fetch failed; no new attempt is made before `retryAt` (ms, on the verifier's clock). */
  | { readonly type: 'fetch-failed'; readonly url: string; readonly error: IdTokenError; readonly retryAt: number }
  /** The provider cannot be reached and a stale copy is in use, until `usableUntil`. */
  | { readonly type: 'stale'; readonly url: string; readonly usableUntil: number }
  /** The store threw or timed out; the verifier continues with memory only. */
  | { readonly type: 'store-failed'; readonly operation: 'get' | 'set' | 'delete'; readonly error: unknown }
  /** Another tab (or isolate) already fetched: its copy was used, with no request. */
  | { readonly type: 'shared'; readonly url: string }
  /** With `serverTime`, the estimated difference between the provider's clock and ours, in seconds. */
  | { readonly type: 'skew'; readonly skew: number }

export type EventHandler = (event: VerifierEvent) => void

export function emitter(handler: EventHandler | undefined): EventHandler {
  if (handler === undefined) return () => {}
  return (event) => {
    try {
      handler(event)
    } catch {
      // A logging bug in the application must not fail verifications.
    }
  }
}
