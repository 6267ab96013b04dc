import { isSupportedAlgorithm, type SupportedAlgorithm } from './algorithms.ts'
import type { IdTokenPayload, VerifyChecks } from './claims.ts'
import { emitter, type EventHandler } from './events.ts'
import type { FreshnessPolicy } from './freshness.ts'
import type { JwsHeader } from './header.ts'
import { createIndexedDbStore, tabStoreOf, type TabStore } from './indexeddb.ts'
import { isTemplate } from './issuers.ts'
import { checkNames, misuseOf, secondsOption, type Misuse } from './misuse.ts'
import { createMemoryStore, type JwksStore } from './store.ts'
import { jwksUriProblem } from './urls.ts'

/**
 * The type of the `fetch` option: the runtime's own `fetch` where the project declares one (the DOM lib,
 * Node's or Deno's types), else a function of a URL. Looked up on `globalThis` rather than named, so that the
 * published types compile in a project with neither the DOM lib nor Node's types.
 */
export type FetchFunction = typeof globalThis extends {
  /** The platform's `fetch`. */
  fetch: infer F
}
  ? F
  : (input: string, init?: object) => Promise<unknown>

/**
 * Options of {@link createVerifier}. Only `issuer` and `audience` are required; a missing or mistyped
 * option is a `TypeError` from `createVerifier`. Times are seconds unless the name says otherwise
 * (`timeout` is milliseconds, `now` returns milliseconds).
 *
 * @example
 * ```ts
 * const options: VerifierOptions = {
 *   issuer: 'https://login.example.com',
 *   audience: 'my-client-id',
 *   algorithms: ['ES256'],
 *   maxTokenAge: 600,
 * }
 * const verifier = createVerifier(options)
 * ```
 * @see [OpenID Connect Core 1.0 §3.1.3.7](https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation)
 * @see [OpenID Connect Discovery 1.0 §4](https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig)
 * @see [RFC 9111 §4.2](https://www.rfc-editor.org/rfc/rfc9111#section-4.2) (the cache bounds)
 */
export interface VerifierOptions {
  /**
   * The expected `iss`, compared exactly; discovery is at `issuer` + `/.well-known/openid-configuration`.
   * Several issuers: a token is routed by its `iss` to the configured one it names (never to another), and
   * verified with that issuer's keys (from its own discovery document, or from `jwksUri` when given). An issuer
   * may be a template with `{name}` placeholders (`https://login.microsoftonline.com/{tenantid}/v2.0`), each
   * matching one identifier (letters, digits, `-`, `_`); templates need `jwksUri`, and usually a `check`.
   */
  issuer: string | readonly string[]
  /** The client id(s): `aud` must contain one of them. */
  audience: string | readonly string[]
  /** Skip discovery and fetch the key set here (one key set for every configured issuer). */
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
  /**
   * Transport for every request (proxies, tests). Default: `globalThis.fetch`, looked up at each request, so a
   * `fetch` patched after the verifier was made (MSW's `server.listen()`) is the one used.
   */
  fetch?: FetchFunction
  /** Milliseconds per network request. Default 5000. */
  timeout?: number
  /** Least seconds between two refetches caused by an unknown `kid`. Default 30. */
  cooldown?: number
  /**
   * The clock, in milliseconds since the epoch. Default: `Date.now()`, looked up at each check, so a fake clock
   * installed after the verifier was made (vitest's `vi.useFakeTimers()`) is seen.
   */
  now?: () => number
  /** Longest token accepted, in characters, checked before any parsing. Default 16384. */
  maxTokenLength?: number
  /** Seconds a fetched document stays fresh when the response has no `Cache-Control`/`Expires`. Default 600. */
  defaultCacheAge?: number
  /** Lower bound, in seconds, on the freshness a response can ask for (`max-age=0`, `no-cache`). Default 60. */
  minCacheAge?: number
  /** Upper bound, in seconds, on the freshness a response can ask for. Default 86400 (a day). */
  maxCacheAge?: number
  /**
   * The most seconds past freshness during which cached keys answer while a refresh runs in the background,
   * and only when the provider's response allows it with `Cache-Control: stale-while-revalidate=N` (RFC 5861):
   * the lesser of the two applies. Without that directive, a key set past its freshness is revalidated before
   * use (a withdrawn key stops verifying at max-age). Default 3600.
   */
  staleWhileRevalidate?: number
  /** Seconds past freshness during which cached keys keep verifying while the provider cannot be reached. Default 21600 (6 h). */
  staleIfError?: number
  /**
   * Correct the local clock by the provider's `Date` header (bounded to ±1 day) in time checks. For browsers whose
   * clocks are wrong. Cross-origin, the provider must expose `Date` (`Access-Control-Expose-Headers`). Default false.
   */
  serverTime?: boolean
  /** Told about fetches, outages survived on cached keys and store failures. Sync or async; never awaited. */
  onEvent?: EventHandler
  /**
   * Keeps background work (a refresh ahead of expiry, a store write) alive after the verification that started
   * it has answered, where the runtime may otherwise cancel it: pass the module-level `waitUntil` of
   * `cloudflare:workers` or `@vercel/functions` (a verifier outlives requests, so not one request's `ctx`).
   * Verification never waits for that work.
   */
  waitUntil?: (promise: Promise<unknown>) => void
  /**
   * An extra rule, run after every standard check passed: throw to refuse the token. An `IdTokenError` is passed
   * on as it is; anything else thrown becomes `ERR_CLAIM_INVALID` with it as `cause`. The presets of
   * `idtoken-verify/providers` use it for their providers' own claims (Cognito's `token_use`, Entra's `tid`).
   */
  check?: (token: CheckedToken) => void
}

/**
 * What the `check` option of {@link createVerifier} is given: a token whose signature and standard claims
 * have been verified.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({
 *   issuer, audience,
 *   check: ({ payload }) => {
 *     if (payload.token_use !== 'id') throw new IdTokenError('ERR_CLAIM_INVALID', '"token_use" is not "id"', { claim: 'token_use' })
 *   },
 * })
 * ```
 * @see [OpenID Connect Core 1.0 §3.1.3.7](https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation)
 */
export interface CheckedToken<P = IdTokenPayload> {
  /** The verified claims. */
  readonly payload: P
  /** The protected header. */
  readonly header: JwsHeader
  /** The configured issuer the token matched; a template keeps its placeholders. */
  readonly issuer: string
  /** The values of a template issuer's placeholders in the token's `iss` (e.g. `tenantid`); empty otherwise. */
  readonly params: Readonly<Record<string, string>>
  /** The key that verified the signature, as the provider published it (public members only). */
  readonly key: Readonly<Record<string, unknown>>
}

/** The options of every token profile, checked once at creation. */
export interface ResolvedOptions {
  readonly issuers: readonly string[]
  readonly audiences: readonly string[]
  readonly jwksUri: string | undefined
  /** The `algorithms` option; what applies without it is decided by allowlist.ts. */
  readonly algorithms: readonly string[] | undefined
  readonly store: JwksStore
  /** The store is seen by other tabs or isolates (anything but the default memory store). */
  readonly shared: boolean
  /** The IndexedDB store, when the store is one: tabs coordinate through it. */
  readonly tabStore: TabStore | undefined
  readonly fetch: typeof fetch
  readonly now: () => number
  readonly serverTime: boolean
  readonly emit: EventHandler
  readonly waitUntil: ((promise: Promise<unknown>) => void) | undefined
  readonly check: ((token: CheckedToken<never>) => void) | undefined
  // Token rules, in seconds like the claims they bound.
  readonly clockTolerance: number
  readonly maxTokenAge: number | undefined
  readonly maxTokenLength: number
  // The network and the cache, in milliseconds.
  readonly timeout: number
  readonly cooldown: number
  readonly freshness: FreshnessPolicy
  readonly staleIfError: number
}

// Misuse is a TypeError at creation, not a verification failure much later.
export function resolveOptions(options: VerifierOptions, name = 'createVerifier'): ResolvedOptions {
  const misuse = misuseOf(name)
  if (typeof options !== 'object' || options === null) misuse('options are required')
  // Looked up when used, not now: a verifier made before MSW starts or a fake clock is installed must see them.
  const { jwksUri, algorithms, fetch: fetchFn, now = () => Date.now(), onEvent, waitUntil, check } = options
  const issuers = nonEmptyStrings(options.issuer, 'issuer', misuse)
  const audiences = nonEmptyStrings(options.audience, 'audience', misuse)
  for (const issuer of issuers) {
    if (jwksUri === undefined) {
      if (isTemplate(issuer)) misuse(`the issuer template "${issuer}" has no discovery document: pass "jwksUri"`)
      if (!/^https?:\/\/[^/]/i.test(issuer)) {
        misuse(
          `"issuer" "${issuer}" is not an absolute http(s) URL, so it has no discovery document: pass "jwksUri" ` +
            "with the provider's key set URL, or use a preset from idtoken-verify/providers",
        )
      }
    } else {
      const problem = jwksUriProblem(jwksUri, issuer)
      if (problem !== undefined) misuse(`"jwksUri" ${problem}`)
    }
  }
  if (algorithms !== undefined && (!Array.isArray(algorithms) || !algorithms.length))
    misuse('"algorithms" must be a non-empty array')
  for (const alg of algorithms ?? []) {
    if (typeof alg !== 'string' || !isSupportedAlgorithm(alg))
      misuse(`algorithm ${JSON.stringify(alg)} is not supported`)
  }
  for (const [option, value] of [
    ['fetch', fetchFn],
    ['now', now],
    ['onEvent', onEvent],
    ['waitUntil', waitUntil],
    ['check', check],
  ] as const) {
    if (value !== undefined && typeof value !== 'function') misuse(`"${option}" must be a function`)
  }
  const seconds = (option: keyof VerifierOptions, fallback: number): number =>
    secondsOption(options[option], option, misuse) ?? fallback
  const minCacheAge = seconds('minCacheAge', 60)
  const maxCacheAge = seconds('maxCacheAge', 86400)
  if (minCacheAge > maxCacheAge) misuse('"minCacheAge" exceeds "maxCacheAge"')
  const cache = options.cache ?? (globalThis.indexedDB ? 'indexeddb' : 'memory')
  const store = storeOf(cache, misuse)
  return {
    issuers,
    audiences,
    jwksUri,
    algorithms: algorithms && [...algorithms],
    store,
    shared: cache !== 'memory',
    tabStore: tabStoreOf(store),
    // Called on globalThis: some runtimes throw "Illegal invocation" for an unbound fetch.
    fetch: fetchFn ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init)),
    now,
    serverTime: options.serverTime === true,
    emit: emitter(onEvent),
    waitUntil,
    check,
    clockTolerance: seconds('clockTolerance', 60),
    maxTokenAge: secondsOption(options.maxTokenAge, 'maxTokenAge', misuse),
    maxTokenLength: positive(options.maxTokenLength, 'maxTokenLength', 16384, misuse),
    timeout: positive(options.timeout, 'timeout', 5000, misuse),
    cooldown: seconds('cooldown', 30) * 1000,
    freshness: {
      min: minCacheAge * 1000,
      max: maxCacheAge * 1000,
      fallback: seconds('defaultCacheAge', 600) * 1000,
      maxStale: seconds('staleWhileRevalidate', 3600) * 1000,
    },
    staleIfError: seconds('staleIfError', 21600) * 1000,
  }
}

function nonEmptyStrings(value: unknown, option: string, misuse: Misuse): readonly string[] {
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || !list.length || !list.every((item) => typeof item === 'string' && item)) {
    misuse(`"${option}" must be a non-empty string or array of them`)
  }
  return [...(list as string[])]
}

function positive(value: unknown, option: string, fallback: number, misuse: Misuse): number {
  if (value === undefined) return fallback
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0))
    misuse(`"${option}" must be a positive number`)
  return value
}

function storeOf(cache: unknown, misuse: Misuse): JwksStore {
  if (cache === 'memory') return createMemoryStore()
  if (cache === 'indexeddb') return createIndexedDbStore('idtoken-verify', undefined)
  const store = cache as JwksStore
  if (typeof store?.get !== 'function' || typeof store.set !== 'function' || typeof store.delete !== 'function')
    misuse('"cache" must be "memory", "indexeddb" or a JwksStore')
  return store
}

const CHECK_NAMES = ['nonce', 'maxAge', 'accessToken', 'code', 'subject'] as const

const verifyMisuse = misuseOf('verify')

export function checkVerifyChecks(checks: VerifyChecks): void {
  checkNames(checks, CHECK_NAMES, verifyMisuse)
  for (const name of ['nonce', 'accessToken', 'code', 'subject'] as const) {
    const value = checks[name]
    if (value !== undefined && typeof value !== 'string') verifyMisuse(`"${name}" must be a string`)
  }
  secondsOption(checks.maxAge, 'maxAge', verifyMisuse)
}
