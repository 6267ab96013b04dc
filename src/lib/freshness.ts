// How long a fetched document stays fresh, from its HTTP caching headers (RFC 9111 §4.2), clamped to
// the verifier's bounds so that neither a missing header nor a hostile one sets the refresh rate.

export interface FreshnessPolicy {
  /** Milliseconds. */
  readonly min: number
  readonly max: number
  /** Used when the response says nothing. */
  readonly fallback: number
  /** The most a response's own `stale-while-revalidate` may grant, in milliseconds. */
  readonly maxStale: number
}

export interface Freshness {
  /** Milliseconds from now. */
  readonly freshFor: number
  /**
   * Milliseconds past freshness during which the response itself (RFC 5861 `stale-while-revalidate=N`) lets
   * a cached copy answer while it is revalidated in the background; 0 when it did not say so.
   */
  readonly staleFor: number
  /** False for `no-store`: keep it in memory for this verifier only, never in a shared store. */
  readonly storable: boolean
}

export function freshnessOf(headers: Headers, policy: FreshnessPolicy): Freshness {
  const cacheControl = headers.get('cache-control')?.toLowerCase() ?? ''
  let lifetime: number | undefined
  let stale = 0
  let storable = true
  for (const directive of cacheControl.split(',')) {
    const [name = '', value] = directive.trim().split('=', 2)
    const seconds = value !== undefined && /^\d+$/.test(value) ? Number(value) * 1000 : undefined
    if (name === 'no-store') storable = false
    else if (name === 'no-cache') lifetime = 0
    else if (name === 'max-age' && lifetime === undefined && seconds !== undefined) lifetime = seconds
    else if (name === 'stale-while-revalidate' && seconds !== undefined) stale = seconds
  }
  if (lifetime === undefined) {
    const expires = headers.get('expires')
    const date = headers.get('date')
    if (expires !== null) {
      const delta = Date.parse(expires) - (date === null ? Date.now() : Date.parse(date))
      lifetime = Number.isNaN(delta) ? 0 : delta
    }
  }
  if (lifetime !== undefined) {
    const age = Number(headers.get('age'))
    if (Number.isFinite(age) && age > 0) lifetime -= age * 1000
  }
  const freshFor = Math.min(policy.max, Math.max(policy.min, lifetime ?? policy.fallback))
  // no-cache means "revalidate before every use": it grants no stale use either.
  const staleFor = lifetime === 0 ? 0 : Math.min(policy.maxStale, stale)
  return { freshFor, staleFor, storable }
}

/**
 * When a copy should be renewed in the background: in the last quarter of its lifetime (at most the last
 * five minutes), so that steady traffic finds a renewed copy before this one expires and never waits.
 */
export function refreshAheadAt(fetchedAt: number, freshUntil: number): number {
  return freshUntil - Math.min((freshUntil - fetchedAt) / 4, 300_000)
}
