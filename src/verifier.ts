import { algorithmSpec, type SupportedAlgorithm } from './lib/algorithms.ts'
import { checkClaims, checkClaimTypes, checkIssuer, checkTokenHashes, type ClaimPolicy, type IdTokenPayload, type VerifyChecks } from './lib/claims.ts'
import { fail } from './lib/fail.ts'
import { checkHeader, checkHeaderSupported, type JwsHeader } from './lib/header.ts'
import { decodeJsonSegment, decodeSignature, signingInput, splitCompact, type CompactParts } from './lib/jws.ts'
import { createKeySource, type KeySource } from './lib/key-source.ts'
import { issuersOf, type IssuerMatch } from './lib/issuers.ts'
import type { CacheContext } from './lib/remote.ts'
import type { Jwk } from './lib/keys.ts'
import { IdTokenError } from './errors.ts'
import { verifySignature } from './lib/signature.ts'
import { createClock } from './lib/clock.ts'
import { safeStore } from './lib/safe-store.ts'
import { emitter } from './events.ts'
import { indexedDbStore, memoryStore, tabStoreOf } from './stores.ts'
import { checkVerifyChecks, resolveOptions, type CheckedToken, type VerifierOptions } from './options.ts'

/**
 * A verified ID token: what {@link IdTokenVerifier.verify} resolves with.
 *
 * @example
 * ```ts
 * const { payload, header }: VerifyResult = await verifier.verify(idToken, { nonce })
 * ```
 * @see [OpenID Connect Core 1.0 §3.1.3.7](https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation)
 */
export interface VerifyResult {
  /** The verified claims. */
  readonly payload: IdTokenPayload
  /** The protected header. */
  readonly header: JwsHeader
}

/**
 * Verifies ID tokens of one issuer for one client. Made by {@link createVerifier}; make one per
 * issuer and client and keep it: it holds the fetched keys.
 *
 * @example
 * ```ts
 * const verifier: IdTokenVerifier = createVerifier({ issuer, audience })
 * await verifier.warm() // optional: fetch keys at start-up
 * const { payload } = await verifier.verify(idToken, { nonce })
 * ```
 * @see [OpenID Connect Core 1.0 §3.1.3.7](https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation)
 * @see [OpenID Connect Core 1.0 §10.1.1](https://openid.net/specs/openid-connect-core-1_0.html#RotateSigKeys) (key rotation)
 */
export interface IdTokenVerifier {
  /**
   * Verifies a compact-serialized ID token: structure, header, algorithm, key, signature, then every
   * claim rule of OpenID Connect Core 3.1.3.7. Resolves with the payload and header, or rejects with
   * an {@link IdTokenError}.
   */
  verify(token: string, checks?: VerifyChecks): Promise<VerifyResult>
  /** Fetches the discovery document and key set now, ignoring freshness and any failure back-off. */
  refresh(): Promise<void>
  /**
   * Pre-warms at start-up: loads the cached discovery document and key set, and fetches only what is
   * not fresh, so the first verification does not wait. Rejects like a verification would.
   */
  warm(): Promise<void>
}

function decodePayload(parts: CompactParts): IdTokenPayload {
  return checkClaimTypes(decodeJsonSegment(parts.token, parts.dot1 + 1, parts.dot2, 'payload'))
}

const NO_CHECKS: VerifyChecks = Object.freeze({})
const DEFAULT_ALGORITHMS: readonly SupportedAlgorithm[] = ['RS256']

/**
 * Creates a verifier for ID tokens from `issuer` to `audience`. Nothing is fetched until the first
 * verification (or {@link IdTokenVerifier.refresh}); keys are then kept and shared by every call.
 *
 * @example
 * ```ts
 * import { createVerifier } from 'idtoken-verify'
 *
 * const verifier = createVerifier({ issuer: 'https://login.example.com', audience: 'my-client-id' })
 * const { payload } = await verifier.verify(idToken, { nonce })
 * console.log(payload.sub)
 * ```
 * @throws TypeError when an option is missing or of the wrong kind.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 */
export function createVerifier(options: VerifierOptions): IdTokenVerifier {
  const resolved = resolveOptions(options)
  const { now, check } = resolved
  // Without discovery nothing announces algorithms: the default allowlist is fixed up front.
  const allowlist = resolved.allowlist ?? (resolved.jwksUri === undefined ? undefined : new Set<string>(DEFAULT_ALGORITHMS))
  const emit = emitter(resolved.onEvent)
  const clock = createClock(resolved.serverTime, now, emit)
  const cache = resolved.cache
  const store = cache === 'memory' ? memoryStore() : cache === 'indexeddb' ? indexedDbStore() : cache
  const tabStore = tabStoreOf(store)
  const context: CacheContext = {
    store: safeStore(store, emit, now),
    shared: cache !== 'memory',
    tabStore,
    http: { fetch: resolved.fetch, timeout: resolved.timeout },
    now,
    freshness: {
      min: resolved.minCacheAge * 1000,
      max: resolved.maxCacheAge * 1000,
      fallback: resolved.defaultCacheAge * 1000,
      maxStale: resolved.staleWhileRevalidate * 1000,
    },
    maxFreshness: resolved.maxCacheAge * 1000,
    maxStale: resolved.staleWhileRevalidate * 1000,
    staleIfError: resolved.staleIfError * 1000,
    emit,
    onResponse: clock.observe,
    waitUntil: resolved.waitUntil,
  }
  const issuers = issuersOf(resolved.issuers)
  const policy: ClaimPolicy = {
    issuers,
    audiences: resolved.audiences,
    clockTolerance: resolved.clockTolerance,
    maxTokenAge: resolved.maxTokenAge,
  }

  // Where a token's keys come from: one source for `jwksUri` (or a single issuer), else one per issuer,
  // made when a token first names it.
  function route(names: readonly string[]): Route {
    const source = createKeySource({ issuers: names, jwksUri: resolved.jwksUri, cooldown: resolved.cooldown * 1000, maxKidWait: resolved.timeout, cache: context })
    let announced: readonly string[] | undefined
    let announcedSet: ReadonlySet<string> = new Set(DEFAULT_ALGORITHMS)
    return {
      source,
      // The discovery document decides the allowlist; rebuilt only when a new document was parsed.
      allowedBy(discovered) {
        if (discovered !== announced) {
          announced = discovered
          announcedSet = new Set(discovered ?? DEFAULT_ALGORITHMS)
        }
        return announcedSet
      },
    }
  }
  const single = resolved.jwksUri !== undefined || resolved.issuers.length === 1 ? route(resolved.issuers) : undefined
  const routes = new Map<string, Route>()
  const routeFor = (configured: string): Route => {
    let found = routes.get(configured)
    if (found === undefined) routes.set(configured, (found = route([configured])))
    return found
  }
  const everyRoute = (): Route[] => (single === undefined ? resolved.issuers.map(routeFor) : [single])

  // Headers repeat across the tokens of one issuer: each distinct one is parsed and checked once.
  const headers = new Map<string, JwsHeader>()

  return {
    async verify(token, checks = NO_CHECKS) {
      if (checks !== NO_CHECKS) checkVerifyChecks(checks)
      const parts = splitCompact(token, resolved.maxTokenLength)
      const segment = parts.token.slice(0, parts.dot1)
      const cached = headers.get(segment)
      const header = cached ?? checkHeader(decodeJsonSegment(parts.token, 0, parts.dot1, 'header'))
      let payload: IdTokenPayload | undefined
      let chosen = single
      if (chosen === undefined) {
        // Several issuers: the (unverified) iss picks one of the configured issuers, never anything else.
        payload = decodePayload(parts)
        const match = issuers.match(payload.iss)
        if (match === undefined) checkIssuer(payload, policy)
        chosen = routeFor(match!.configured)
      }
      const { source } = chosen
      const allowed = allowlist ?? chosen.allowedBy(source.freshAlgorithms() ?? (await source.discoveredAlgorithms()))
      const spec = allowed.has(header.alg) ? algorithmSpec(header.alg) : undefined
      if (spec === undefined) fail('ERR_ALG_NOT_ALLOWED', 'the header "alg" is not an allowed algorithm')
      if (cached === undefined) {
        checkHeaderSupported(header)
        if (headers.size >= 64) headers.clear()
        headers.set(segment, Object.freeze(header))
      }
      const signature = decodeSignature(parts)
      let entry = source.readyKey(header.kid, header.alg, spec)
      let verified: boolean
      if (entry !== undefined && payload === undefined) {
        // Hot path: the crypto runs (off the main thread where the engine can) while the payload is parsed.
        const verifying = verifySignature(spec, entry.ready.get(header.alg)!, signature, signingInput(parts))
        payload = decodePayload(parts)
        verified = await verifying
      } else {
        // Cold path: a malformed payload is reported before any key is fetched.
        payload ??= decodePayload(parts)
        entry ??= await source.key(header.kid, header.alg, spec)
        verified = await verifySignature(spec, entry.ready.get(header.alg)!, signature, signingInput(parts))
      }
      if (!verified) fail('ERR_SIGNATURE_INVALID', 'the signature does not verify')
      const claims = payload
      clock.check(() => checkClaims(claims, policy, checks, clock.seconds()))
      if (checks.accessToken !== undefined || checks.code !== undefined) {
        await checkTokenHashes(payload, checks, spec.hash)
      }
      if (check !== undefined) runCheck(check, payload, header, issuers.match(payload.iss)!, entry.jwk)
      return { payload, header }
    },

    async refresh() {
      await Promise.all(everyRoute().map((r) => r.source.refresh()))
    },
    async warm() {
      await Promise.all(everyRoute().map((r) => r.source.warm()))
    },
  }
}

interface Route {
  readonly source: KeySource
  allowedBy(discovered: readonly string[] | undefined): ReadonlySet<string>
}

function runCheck(check: (token: CheckedToken) => void, payload: IdTokenPayload, header: JwsHeader, match: IssuerMatch, key: Jwk): void {
  try {
    check({ payload, header, issuer: match.configured, params: match.params, key })
  } catch (error) {
    if (error instanceof IdTokenError) throw error
    fail('ERR_CLAIM_INVALID', 'the token was refused by the "check" option', undefined, error)
  }
}
