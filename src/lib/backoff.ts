// A penalty box (after aws-jwt-verify's): after a failure no new attempt is made before a back-off that
// doubles from 1 s up to 5 minutes, so a struggling provider (or store) is not hammered.

export interface Backoff {
  /** True while a new attempt must not be made. */
  blocked(now: number): boolean
  /** Records a failure at `now`; returns when the next attempt is allowed. */
  failed(now: number): number
  succeeded(): void
}

export function createBackoff(first = 1000, max = 300_000): Backoff {
  let failures = 0
  let retryAt = -Infinity
  return {
    blocked: (now) => now < retryAt,
    failed(now) {
      failures++
      retryAt = now + Math.min(max, first * 2 ** Math.min(failures - 1, 30))
      return retryAt
    },
    succeeded() {
      failures = 0
      retryAt = -Infinity
    },
  }
}
