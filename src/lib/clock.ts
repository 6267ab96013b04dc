import { IdTokenError } from './errors.ts'
import type { EventHandler } from './events.ts'

// Browsers' clocks are often wrong by minutes or days. With `serverTime`, the provider's `Date` header
// (RFC 9110 §6.6.1, one-second resolution) estimates the offset; it is applied, bounded, to time checks.
const MAX_SKEW_SECONDS = 86_400
const NOISE_SECONDS = 2

export interface Clock {
  /** The time for claim checks, in seconds, corrected when `serverTime` is on. */
  seconds(): number
  observe(headers: Headers, sentAt: number, receivedAt: number): void
  /** Runs time checks, naming the correction in any failure it causes. */
  check(run: () => void): void
}

export function createClock(serverTime: boolean, now: () => number, emit: EventHandler): Clock {
  let skew = 0
  return {
    seconds: () => now() / 1000 + skew,
    observe(headers, sentAt, receivedAt) {
      if (!serverTime) return
      const date = Date.parse(headers.get('date') ?? '')
      if (Number.isNaN(date)) return
      const estimate = Math.round((date - (sentAt + receivedAt) / 2) / 1000)
      const bounded = Math.max(-MAX_SKEW_SECONDS, Math.min(MAX_SKEW_SECONDS, estimate))
      const next = Math.abs(bounded) <= NOISE_SECONDS ? 0 : bounded
      if (next !== skew) {
        skew = next
        emit({ type: 'skew', skew })
      }
    },
    check(run) {
      if (skew === 0) return run()
      try {
        run()
      } catch (error) {
        if (!(error instanceof IdTokenError)) throw error
        throw new IdTokenError(error.code, `${error.message} (local clock corrected by ${skew} s to the provider's)`, {
          claim: error.claim,
          cause: error,
          skew,
        })
      }
    },
  }
}
