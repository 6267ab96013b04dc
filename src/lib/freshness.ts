// How long a fetched document stays fresh, from its HTTP caching headers (RFC 9111 §4.2), clamped to
// the verifier's bounds so that neither a missing header nor a hostile one sets the refresh rate.

export interface FreshnessPolicy {
  /** Milliseconds. */
  readonly min: number
  readonly max: number
  /** Used when the response says nothing. */
  readonly fallback: number
}

export interface Freshness {
  /** Milliseconds from now. */
  readonly freshFor: number
  /** False for `no-store`: keep it in memory for this verifier only, never in a shared store. */
  readonly storable: boolean
}

export function freshnessOf(headers: Headers, policy: FreshnessPolicy): Freshness {
  const cacheControl = headers.get('cache-control')?.toLowerCase() ?? ''
  let lifetime: number | undefined
  let storable = true
  for (const directive of cacheControl.split(',')) {
    const [name = '', value] = directive.trim().split('=', 2)
    if (name === 'no-store') storable = false
    else if (name === 'no-cache') lifetime = 0
    else if (name === 'max-age' && lifetime === undefined && value !== undefined && /^\d+$/.test(value)) {
      lifetime = Number(value) * 1000
    }
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
  return { freshFor, storable }
}
