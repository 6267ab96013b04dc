import type { IdTokenError } from './errors.ts'

/**
 * What the verifier tells the application through the `onEvent` option: fetches, outages survived
 * on cached keys, and a store that failed and was replaced by memory. Handy for logs and metrics;
 * verification never depends on the handler: it is not awaited, what it throws is swallowed, and a
 * promise it returns is observed only so that a rejection is ignored (never an unhandled rejection).
 * Times are milliseconds since the epoch on the verifier's clock (the `now` option).
 *
 * @example
 * ```ts
 * const verifier = createVerifier({
 *   issuer,
 *   audience,
 *   onEvent(event) {
 *     if (event.type === 'stale') console.warn(`provider unreachable, using cached keys until ${new Date(event.usableUntil)}`)
 *   },
 * })
 * ```
 * @see [RFC 9111 §4.2](https://www.rfc-editor.org/rfc/rfc9111#section-4.2) (freshness) and
 *   [RFC 5861 §4](https://www.rfc-editor.org/rfc/rfc5861#section-4) (`stale-if-error`)
 */
export type VerifierEvent =
  /** A discovery document or key set arrived (`status` 200) or was revalidated (304). */
  | {
      /** The event's kind. */
      readonly type: 'fetched'
      /** The document's URL. */
      readonly url: string
      /** 200 for a new copy, 304 for a revalidated one. */
      readonly status: number
      /** Until when the copy is fresh (ms). */
      readonly freshUntil: number
    }
  /** A fetch failed; no new attempt is made before `retryAt` (ms, on the verifier's clock). */
  | {
      /** The event's kind. */
      readonly type: 'fetch-failed'
      /** The document's URL. */
      readonly url: string
      /** `ERR_JWKS_UNAVAILABLE` or `ERR_JWKS_INVALID`, with the transport failure as `cause`. */
      readonly error: IdTokenError
      /** No new attempt before this time (ms): failures back off from 1 s up to 5 minutes. */
      readonly retryAt: number
    }
  /** The provider cannot be reached and a stale copy is in use, until `usableUntil`. */
  | {
      /** The event's kind. */
      readonly type: 'stale'
      /** The document's URL. */
      readonly url: string
      /** The stale copy keeps being used until this time (ms): freshness plus `staleIfError`. */
      readonly usableUntil: number
    }
  /** The store threw or timed out; the verifier continues with memory only. */
  | {
      /** The event's kind. */
      readonly type: 'store-failed'
      /** The store operation that failed. */
      readonly operation: 'get' | 'set' | 'delete'
      /** What the store threw (or a timeout error). */
      readonly error: unknown
    }
  /** Another tab (or isolate) already fetched: its copy was used, with no request. */
  | {
      /** The event's kind. */
      readonly type: 'shared'
      /** The document's URL. */
      readonly url: string
    }
  /** With `serverTime`, the estimated difference between the provider's clock and ours, in seconds. */
  | {
      /** The event's kind. */
      readonly type: 'skew'
      /** The provider's clock minus ours, in whole seconds (0 within ±2 s). */
      readonly skew: number
    }

/**
 * The `onEvent` option of {@link createVerifier}: called synchronously with each {@link VerifierEvent}.
 * It may be `async` (send the event to a metrics service, say): verification never waits for it, and
 * neither what it throws nor a rejection of the promise it returns reaches the verification or the
 * process (no unhandled rejection). A promise that never settles holds nothing up.
 *
 * @example
 * ```ts
 * const log: EventHandler = (event) => console.info('idtoken-verify', event.type, 'url' in event ? event.url : '')
 * const verifier = createVerifier({ issuer, audience, onEvent: log })
 *
 * const ship: EventHandler = async (event) => {
 *   await fetch('https://metrics.example/events', { method: 'POST', body: JSON.stringify(event) })
 * }
 * ```
 * @see [RFC 9111 §4](https://www.rfc-editor.org/rfc/rfc9111#section-4) (how fetched documents are reused)
 */
export type EventHandler = (event: VerifierEvent) => void
// `void`, not `void | PromiseLike<unknown>`: an async function is assignable to it already, and so is
// `(event) => events.push(event)`, which a union return type would refuse.

const ignore = (): void => {}

export function emitter(handler: EventHandler | undefined): EventHandler {
  if (handler === undefined) return () => {}
  return (event) => {
    try {
      const result: unknown = handler(event)
      // An async handler's rejection would be unhandled, and that ends a Node process. Resolving a fresh
      // promise with the result observes it without trusting it: a `then` that throws, rejects or never
      // calls back settles (or forever pends) only that promise, whose rejection is ignored here.
      if (result !== undefined) new Promise<unknown>((resolve) => resolve(result)).then(undefined, ignore)
    } catch {
      // A logging bug in the application must not fail verifications.
    }
  }
}
