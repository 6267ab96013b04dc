/** What {@link within} resolves with when the deadline came first. */
export const TIMED_OUT: unique symbol = Symbol('timed out')

/**
 * `work`, or {@link TIMED_OUT} after `ms`, with the timer always cleared (a pending timer keeps a process alive).
 * The timer belongs to the caller: in workerd a promise started by another request may never settle once that
 * request is over, and only a deadline of the waiter's own can free it.
 */
export function within<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, ms, TIMED_OUT)
  })
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer))
}
