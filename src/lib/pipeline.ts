// The verification core every token profile shares: split, header cache, allowlist, key source, signature,
// then the profile's claim rules and the `check` hook. A profile brings only what differs (the header `typ`,
// the claims and their types, where the allowlist comes from), so no rule of one profile reaches another.
import type { AlgorithmSpec, HashName } from './algorithms.ts'
import { checkIssuer, type ClaimPolicy } from './jwt-claims.ts'
import type { JwtClaims } from './jwt-claims.ts'
import { fail } from './fail.ts'
import { allowedAlgorithm, checkHeader, type JwsHeader } from './header.ts'
import { decodeJsonSegment, decodeSigned, release, splitCompact, type CompactParts, type Signed } from './jws.ts'
import { createKeySource, type KeySource } from './key-source.ts'
import { issuersOf, type IssuerMatch } from './issuers.ts'
import type { CacheContext } from './remote.ts'
import type { KeyEntry } from './jwks.ts'
import type { Jwk } from './keys.ts'
import { IdTokenError } from './errors.ts'
import { requireVerified, signatureShapeOk, startVerify, subtleCrypto } from './signature.ts'
import { createClock } from './clock.ts'
import { safeStore } from './safe-store.ts'
import type { CheckedToken, ResolvedOptions } from './options.ts'

/** What one kind of token (ID, access, logout) adds to the shared core. */
export interface Profile<P, C extends object> {
  /** The header rules beyond `alg`, `kid` and `typ` types: `crit`, `b64`, the `typ` values of this kind. */
  header(header: JwsHeader): void
  /** What other kind of token a payload looks like, for `iss` and `aud` failures. */
  readonly hint: (payload: Record<string, unknown>) => string
  /** Shape before values: the registered claims' types (ERR_TOKEN_MALFORMED). */
  decode(payload: Record<string, unknown>): P
  /** Per-call checks: a misuse is a TypeError. Not called without checks. */
  validate(checks: C): void
  /** The claim rules, in the profile's order; `now` in seconds. */
  claims(payload: P, policy: ClaimPolicy, checks: C, now: number): void
  /** Without the `algorithms` option, whether the discovery document's algorithms apply (allowlist.ts). */
  readonly algorithmsFromDiscovery: boolean
  /** Checks that need the signing algorithm's hash (at_hash, c_hash); undefined when none is asked for. */
  hashes?(payload: P, checks: C, hash: HashName): Promise<void> | undefined
}

/** A verified token of a profile. */
export interface Verified<P> {
  readonly payload: P
  readonly header: JwsHeader
}

export interface Pipeline<P, C> {
  verify(token: string, checks?: C): Promise<Verified<P>>
  refresh(): Promise<void>
  warm(): Promise<void>
}

const NO_CHECKS = Object.freeze({})

export function createPipeline<P extends JwtClaims, C extends object>(
  resolved: ResolvedOptions,
  profile: Profile<P, C>,
): Pipeline<P, C> {
  const { check, emit } = resolved
  // One reading of the clock for the synchronous part of `verify`, where the discovery document's and the key set's
  // freshness read it three times (in Firefox a reading costs about 0.06 µs). Outside it, the clock is live.
  let instant: number | undefined
  const now = (): number => instant ?? resolved.now()
  const clock = createClock(resolved.serverTime, now, emit)
  const context: CacheContext = {
    store: safeStore(resolved.store, emit, now),
    shared: resolved.shared,
    tabStore: resolved.tabStore,
    http: { fetch: resolved.fetch, timeout: resolved.timeout },
    now,
    freshness: resolved.freshness,
    staleIfError: resolved.staleIfError,
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
    hint: profile.hint,
  }
  const decodePayload = (parts: CompactParts): P =>
    profile.decode(decodeJsonSegment(parts.token, parts.dot1 + 1, parts.dot2, 'payload'))

  // Where a token's keys come from: one source for `jwksUri` (or a single issuer), else one per issuer,
  // made when a token first names it.
  const sourceOf = (names: readonly string[]): KeySource =>
    createKeySource({
      issuers: names,
      jwksUri: resolved.jwksUri,
      cooldown: resolved.cooldown,
      maxKidWait: resolved.timeout,
      algorithms: resolved.algorithms,
      algorithmsFromDiscovery: profile.algorithmsFromDiscovery,
      cache: context,
    })
  const single =
    resolved.jwksUri !== undefined || resolved.issuers.length === 1 ? sourceOf(resolved.issuers) : undefined
  const sources = new Map<string, KeySource>()
  const sourceFor = (configured: string): KeySource => {
    let found = sources.get(configured)
    if (found === undefined) sources.set(configured, (found = sourceOf([configured])))
    return found
  }
  const everySource = (): KeySource[] => (single === undefined ? resolved.issuers.map(sourceFor) : [single])

  // Headers repeat across the tokens of one issuer: each distinct one is parsed and checked once.
  const headers = new Map<string, JwsHeader>()

  // The allowlist is known: check the header, then verify with a key that is ready, or fetch one. The hot path
  // (a fresh set, an imported key, one issuer) has no await: the crypto runs (off the main thread where the
  // engine can) while the payload is parsed, and one `then` continues when it is done.
  function withAllowlist(allowed: ReadonlySet<string>, token: Token<P, C>): Promise<Verified<P>> {
    const { parts, header, source } = token
    const spec = allowedAlgorithm(allowed, header.alg)
    if (token.segment !== undefined) {
      profile.header(header)
      if (headers.size >= 64) headers.clear()
      headers.set(token.segment, Object.freeze(header))
    }
    const signed = decodeSigned(parts)
    const entry = source.readyKey(header.kid, header.alg, spec)
    if (entry === undefined || token.payload !== undefined) return withKeyFetched(token, spec, signed, entry)
    const key = entry.ready.get(header.alg)!
    // A signature of the wrong shape never reaches WebCrypto. Not through startVerify: when a debugger or WebDriver
    // BiDi watches the page, Firefox records the stack of every new promise, at a cost that grows with its frames.
    const verifying =
      signatureShapeOk(spec, key, signed.signature) &&
      subtleCrypto().verify(spec.verifyParams, key, signed.signature, signed.data)
    let payload: P
    try {
      payload = decodePayload(parts)
    } catch (error) {
      // Settled first, so that a rejection of the verify is never left unhandled.
      return Promise.resolve(verifying).then(
        () => Promise.reject(error),
        () => Promise.reject(error),
      )
    }
    // A rejection (some engines throw for malformed input) means "not valid", as false does.
    const settle = (outcome: unknown) => accepted(outcome === true, token, payload, spec, signed, entry)
    return (verifying === false ? Promise.resolve(false) : verifying).then(settle, settle)
  }

  // Cold path: a malformed payload is reported before any key is fetched.
  async function withKeyFetched(
    token: Token<P, C>,
    spec: AlgorithmSpec,
    signed: Signed,
    entry: KeyEntry | undefined,
  ): Promise<Verified<P>> {
    const payload = token.payload ?? decodePayload(token.parts)
    // Another tenant's, realm's or pool's token: say so, and spare the provider a refetch for its kid.
    if (entry === undefined && issuers.match(payload.iss) === undefined) checkIssuer(payload as never, policy)
    const { kid, alg } = token.header
    entry ??= await token.source.key(kid, alg, spec)
    let verified = false
    try {
      verified = (await startVerify(spec, entry.ready.get(alg)!, signed.signature, signed.data)) === true
    } catch {}
    return accepted(verified, token, payload, spec, signed, entry)
  }

  // After the signature: the profile's claim rules (with the clock), the hashes, then the `check` hook.
  function accepted(
    verified: boolean,
    token: Token<P, C>,
    payload: P,
    spec: AlgorithmSpec,
    signed: Signed,
    entry: KeyEntry,
  ): Verified<P> | Promise<Verified<P>> {
    release(signed)
    requireVerified(verified)
    const { header, checks } = token
    clock.check(() => profile.claims(payload, policy, checks, clock.seconds()))
    const hashing = profile.hashes?.(payload, checks, spec.hash)
    return hashing === undefined ? checked(payload, header, entry) : hashing.then(() => checked(payload, header, entry))
  }

  // Last, the `check` hook: it sees only tokens every standard rule accepted.
  function checked(payload: P, header: JwsHeader, entry: KeyEntry): Verified<P> {
    if (check !== undefined) runCheck(check, payload, header, issuers.match(payload.iss)!, entry.jwk)
    return { payload, header }
  }

  return {
    verify(token, checks = NO_CHECKS as C) {
      try {
        instant = resolved.now()
        if (checks !== NO_CHECKS) profile.validate(checks)
        const parts = splitCompact(token, resolved.maxTokenLength)
        const segment = parts.token.slice(0, parts.dot1)
        const cached = headers.get(segment)
        const header = cached ?? checkHeader(decodeJsonSegment(parts.token, 0, parts.dot1, 'header'))
        let payload: P | undefined
        let source = single
        if (source === undefined) {
          // Several issuers: the (unverified) iss picks one of the configured issuers, never anything else.
          payload = decodePayload(parts)
          const match = issuers.match(payload.iss)
          if (match === undefined) checkIssuer(payload as never, policy)
          source = sourceFor(match!.configured)
        }
        const pending: Token<P, C> = {
          parts,
          header,
          segment: cached === undefined ? segment : undefined,
          source,
          payload,
          checks,
        }
        const allowed = source.allowed()
        return allowed === undefined
          ? source.whenAllowed().then((later) => withAllowlist(later, pending))
          : withAllowlist(allowed, pending)
      } catch (error) {
        return Promise.reject(error)
      } finally {
        instant = undefined
      }
    },

    async refresh() {
      await Promise.all(everySource().map((source) => source.refresh()))
    },
    async warm() {
      await Promise.all(everySource().map((source) => source.warm()))
    },
  }
}

/** What a verification knows before its key. */
interface Token<P, C> {
  readonly parts: CompactParts
  readonly header: JwsHeader
  /** The header segment, when this header is new: checked by the profile, then cached under it. */
  readonly segment: string | undefined
  readonly source: KeySource
  /** Parsed early when several issuers route by `iss`. */
  readonly payload: P | undefined
  readonly checks: C
}

function runCheck(
  check: (token: CheckedToken<never>) => void,
  payload: unknown,
  header: JwsHeader,
  match: IssuerMatch,
  key: Jwk,
): void {
  try {
    check({ payload: payload as never, header, issuer: match.configured, params: match.params, key })
  } catch (error) {
    if (error instanceof IdTokenError) throw error
    fail('ERR_CLAIM_INVALID', 'the token was refused by the "check" option', { cause: error })
  }
}
