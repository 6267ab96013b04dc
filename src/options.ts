import { isSupportedAlgorithm, type SupportedAlgorithm } from './lib/algorithms.ts'
import type { VerifyChecks } from './lib/claims.ts'
import type { JwksStore } from './stores.ts'
import type { EventHandler } from './events.ts'

/** Options of {@link createVerifier}. Only `issuer` and `audience` are required. */
export interface VerifierOptions {
  /** The expected `iss`, compared exactly; discovery is at `issuer` + `/.well-known/openid-configuration`. */
  issuer: string
  /** The client id(s): `aud` must contain one of them. */
  audience: string | readonly string[]
  /** Skip discovery and fetch the key set here. */
  jwksUri?: string
  /**
   * Allowlist for the header `alg`. Default: the discovery document's
   * `id_token_signing_alg_values_supported` that this library supports; without discovery `['RS256']`.
   */
  algorithms?: readonly SupportedAlgorithm[]
  /** Seconds of leeway for `exp`, `nbf`, `iat` and `auth_time`. Default 60. */
  clockTolerance?: number
  /** Seconds: reject tokens whose `iat` is older. Default: no limit. */
  maxTokenAge?: number
  /** Where fetched key sets and discovery documents are kept. Default: `'indexeddb'` where available, else `'memory'`. */
  cache?: 'memory' | 'indexeddb' | JwksStore
  /** Transport for every request (proxies, tests). Default `globalThis.fetch`. */
  fetch?: typeof fetch
  /** Milliseconds per network request. Default 5000. */
  timeout?: number
  /** Least seconds between two refetches caused by an unknown `kid`. Default 30. */
  cooldown?: number
  /** The clock, in milliseconds since the epoch. Default `Date.now`. */
  now?: () => number
  /** Longest token accepted, in characters, checked before any parsing. Default 16384. */
  maxTokenLength?: number
  /** Seconds a fetched document stays fresh when the response has no `Cache-Control`/`Expires`. Default 600. */
  defaultCacheAge?: number
  /** Lower bound, in seconds, on the freshness a response can ask for (`max-age=0`, `no-cache`). Default 60. */
  minCacheAge?: number
  /** Upper bound, in seconds, on the freshness a response can ask for. Default 86400 (a day). */
  maxCacheAge?: number
  /** Seconds past freshness during which cached keys are used while a refresh runs in the background. Default 3600. */
  staleWhileRevalidate?: number
  /** Seconds past freshness during which cached keys keep verifying while the provider cannot be reached. Default 21600 (6 h). */
  staleIfError?: number
  /**
   * Correct the local clock by the provider's `Date` header (bounded to ±1 day) in time checks. For browsers whose
   * clocks are wrong. Cross-origin, the provider must expose `Date` (`Access-Control-Expose-Headers`). Default false.
   */
  serverTime?: boolean
  /** Told about fetches, outages survived on cached keys and store failures. */
  onEvent?: EventHandler
}

export interface ResolvedOptions {
  readonly issuer: string
  readonly audiences: readonly string[]
  readonly jwksUri: string | undefined
  readonly allowlist: ReadonlySet<string> | undefined
  readonly clockTolerance: number
  readonly maxTokenAge: number | undefined
  readonly cache: 'memory' | 'indexeddb' | JwksStore
  readonly fetch: typeof fetch
  readonly timeout: number
  readonly cooldown: number
  readonly now: () => number
  readonly maxTokenLength: number
  readonly defaultCacheAge: number
  readonly minCacheAge: number
  readonly maxCacheAge: number
  readonly staleWhileRevalidate: number
  readonly staleIfError: number
  readonly serverTime: boolean
  readonly onEvent: EventHandler | undefined
}

// Misuse is a TypeError at creation, not a verification failure much later.
export function resolveOptions(options: VerifierOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('createVerifier: options are required')
  const { issuer, audience, jwksUri, algorithms } = options
  if (typeof issuer !== 'string' || issuer.length === 0) throw new TypeError('createVerifier: "issuer" must be a non-empty string')
  const audiences = typeof audience === 'string' ? [audience] : audience
  if (!Array.isArray(audiences) || audiences.length === 0 || !audiences.every((a) => typeof a === 'string' && a.length > 0)) {
    throw new TypeError('createVerifier: "audience" must be a non-empty string or array of non-empty strings')
  }
  if (jwksUri !== undefined && !isUrl(jwksUri)) throw new TypeError('createVerifier: "jwksUri" must be an absolute URL')
  if (algorithms !== undefined) {
    if (!Array.isArray(algorithms) || algorithms.length === 0) {
      throw new TypeError('createVerifier: "algorithms" must be a non-empty array')
    }
    for (const alg of algorithms) {
      if (typeof alg !== 'string' || !isSupportedAlgorithm(alg)) {
        throw new TypeError(`createVerifier: algorithm ${JSON.stringify(alg)} is not supported`)
      }
    }
  }
  const cache = options.cache ?? (typeof globalThis.indexedDB === 'object' && globalThis.indexedDB !== null ? 'indexeddb' : 'memory')
  if (cache !== 'memory' && cache !== 'indexeddb' && !isStore(cache)) {
    throw new TypeError('createVerifier: "cache" must be "memory", "indexeddb" or a JwksStore')
  }
  const fetchFn = options.fetch ?? globalThis.fetch
  if (typeof fetchFn !== 'function') throw new TypeError('createVerifier: no "fetch" available')
  const now = options.now ?? Date.now
  if (typeof now !== 'function') throw new TypeError('createVerifier: "now" must be a function')
  const onEvent = options.onEvent
  if (onEvent !== undefined && typeof onEvent !== 'function') throw new TypeError('createVerifier: "onEvent" must be a function')
  const minCacheAge = seconds(options.minCacheAge, 60, 'minCacheAge')
  const maxCacheAge = seconds(options.maxCacheAge, 86400, 'maxCacheAge')
  if (minCacheAge > maxCacheAge) throw new TypeError('createVerifier: "minCacheAge" is larger than "maxCacheAge"')
  return {
    issuer,
    audiences: [...audiences],
    jwksUri,
    allowlist: algorithms === undefined ? undefined : new Set(algorithms),
    clockTolerance: seconds(options.clockTolerance, 60, 'clockTolerance'),
    maxTokenAge: options.maxTokenAge === undefined ? undefined : seconds(options.maxTokenAge, 0, 'maxTokenAge'),
    cache,
    // Bound to globalThis: some runtimes throw "Illegal invocation" for an unbound fetch.
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    timeout: positive(options.timeout, 5000, 'timeout'),
    cooldown: seconds(options.cooldown, 30, 'cooldown'),
    now,
    maxTokenLength: positive(options.maxTokenLength, 16384, 'maxTokenLength'),
    defaultCacheAge: seconds(options.defaultCacheAge, 600, 'defaultCacheAge'),
    minCacheAge,
    maxCacheAge,
    staleWhileRevalidate: seconds(options.staleWhileRevalidate, 3600, 'staleWhileRevalidate'),
    staleIfError: seconds(options.staleIfError, 21600, 'staleIfError'),
    serverTime: options.serverTime === true,
    onEvent,
  }
}

export function checkVerifyChecks(checks: VerifyChecks): void {
  if (typeof checks !== 'object' || checks === null) throw new TypeError('verify: "checks" must be an object')
  for (const name of ['nonce', 'accessToken', 'code', 'subject'] as const) {
    const value = checks[name]
    if (value !== undefined && typeof value !== 'string') throw new TypeError(`verify: "${name}" must be a string`)
  }
  if (checks.maxAge !== undefined) seconds(checks.maxAge, 0, 'maxAge')
}

function seconds(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`"${name}" must be a non-negative number of seconds`)
  }
  return value
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new TypeError(`"${name}" must be a positive number`)
  return value
}

function isUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false
  try {
    new URL(value)
    return true
  } catch {
    return false
  }
}

function isStore(value: unknown): value is JwksStore {
  const store = value as JwksStore
  return typeof store === 'object' && store !== null && typeof store.get === 'function' &&
    typeof store.set === 'function' && typeof store.delete === 'function'
}
