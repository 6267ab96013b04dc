import { fail } from './fail.ts'
import { cryptoKeyFor, indexKeySet, isObject, selectKey, storedKeyName, type KeyEntry, type KeySet } from './jwks.ts'
import { issuerHint } from './issuers.ts'
import type { AlgorithmSpec } from './algorithms.ts'
import { createAllowlist } from './allowlist.ts'
import { discoveryUrl, jwksUriProblem } from './urls.ts'
import { remoteDocument, type CacheContext, type RemoteDocument } from './remote.ts'
import { storeKey } from './persisted.ts'

export interface KeySourceOptions {
  /** The issuers whose keys these are: one with discovery, any number with `jwksUri`. */
  readonly issuers: readonly string[]
  readonly jwksUri: string | undefined
  readonly cache: CacheContext
  /** Milliseconds between two refetches caused by unknown `kid`s. */
  readonly cooldown: number
  /** Milliseconds an unknown `kid` may wait for the next permitted refetch (the request timeout). */
  readonly maxKidWait: number
  /** The `algorithms` option. */
  readonly algorithms: readonly string[] | undefined
  /** Whether the profile takes its default allowlist from the discovery document (allowlist.ts). */
  readonly algorithmsFromDiscovery: boolean
}

// Verifications that may wait at once for a refetch caused by unknown kids. A genuine rotation needs only the
// first of them to trigger the refetch; a flood of forged kids must not hold connections open.
const MAX_KID_WAITERS = 4

interface Discovery {
  readonly jwksUri: string
  /** `id_token_signing_alg_values_supported` as announced (checked to be an array). */
  readonly algorithms: readonly unknown[] | undefined
}

export interface KeySource {
  /** The header `alg` values accepted, synchronously: undefined while a discovery document must be fetched. */
  allowed(): ReadonlySet<string> | undefined
  /** The same, fetching the discovery document when needed. */
  whenAllowed(): Promise<ReadonlySet<string>>
  /** The key for a token, fetching and importing as needed; `entry.ready` then holds its `CryptoKey` for `alg`. */
  key(kid: string | undefined, alg: string, spec: AlgorithmSpec): Promise<KeyEntry>
  /** The key when the set is fresh and the key already imported: the hot path, with no await. */
  readyKey(kid: string | undefined, alg: string, spec: AlgorithmSpec): KeyEntry | undefined
  /** Fetch discovery and key set now, ignoring freshness and back-off. */
  refresh(): Promise<void>
  /** Load what is cached and fetch only what is not fresh. */
  warm(): Promise<void>
}

/**
 * Where keys come from: discovery (OpenID Connect Discovery 1.0 §4) or a fixed `jwks_uri`, kept fresh by
 * {@link remoteDocument}. Headers in the token (`jku`, `x5u`, `jwk`) never reach here.
 */
export function createKeySource(options: KeySourceOptions): KeySource {
  const { issuers, cache, cooldown, maxKidWait } = options
  const allowlist = createAllowlist(options.algorithms, options.algorithmsFromDiscovery)
  const issuer = issuers[0]!
  const now = cache.now
  const discovery: RemoteDocument<Discovery> | undefined =
    options.jwksUri === undefined
      ? remoteDocument(cache, storeKey('discovery', issuer), 'discovery document', discoveryUrl(issuer), (body) =>
          parseDiscovery(body, issuer, discoveryUrl(issuer)),
        )
      : undefined
  // Only the key set at the URL discovery names now: a provider that changes it often must not grow memory
  // or the store without bound.
  let keySet: { readonly uri: string; readonly document: RemoteDocument<KeySet> } | undefined
  let lastKidRefetch = -Infinity
  let kidRefetch: Promise<KeySet> | undefined
  let kidRefetchWaiting = false
  let kidWaiters = 0

  // Sync when discovery is fresh and the set is known: no await on the hot path.
  function currentJwks(): RemoteDocument<KeySet> | undefined {
    const uri = options.jwksUri ?? discovery?.fresh()?.jwksUri
    return uri !== undefined && keySet?.uri === uri ? keySet.document : undefined
  }

  async function jwks(): Promise<RemoteDocument<KeySet>> {
    const uri = options.jwksUri ?? (await discovery!.get()).jwksUri
    if (keySet?.uri !== uri) {
      keySet?.document.discard()
      keySet = { uri, document: remoteDocument(cache, storeKey('jwks', ...issuers, uri), 'key set', uri, indexKeySet) }
    }
    return keySet.document
  }

  // An unknown kid may be a key rotated in since our last fetch: one refetch per cooldown, shared by every
  // verification waiting for it. Inside the cooldown a token waits for the next permitted refetch only when that
  // is due within `timeout`, and only a few tokens at a time; the others are refused at once. So forged kids can
  // neither hammer the provider nor hold connections open, and a genuine new key is found by that refetch (or by
  // the first token after the window opens).
  function refetchForUnknownKid(document: RemoteDocument<KeySet>): Promise<KeySet> | undefined {
    if (kidRefetch === undefined) {
      const wait = lastKidRefetch + cooldown - now()
      if (wait > maxKidWait) return undefined
      kidRefetch = startKidRefetch(document, wait)
    }
    // A refetch under way ends within one request; only the wait for a later one is rationed.
    if (!kidRefetchWaiting) return kidRefetch
    if (kidWaiters >= MAX_KID_WAITERS) return undefined
    kidWaiters++
    return kidRefetch.finally(() => {
      kidWaiters--
    })
  }

  async function startKidRefetch(document: RemoteDocument<KeySet>, wait: number): Promise<KeySet> {
    try {
      if (wait > 0) {
        kidRefetchWaiting = true
        await new Promise((resolve) => setTimeout(resolve, wait))
        kidRefetchWaiting = false
      }
      lastKidRefetch = now()
      return await document.fetch()
    } finally {
      kidRefetch = undefined
    }
  }

  return {
    allowed() {
      if (discovery === undefined) return allowlist(undefined)
      const document = discovery.fresh()
      return document && allowlist(document.algorithms)
    },

    async whenAllowed() {
      return allowlist(discovery && (await discovery.get()).algorithms)
    },

    readyKey(kid, alg, spec) {
      const set = currentJwks()?.fresh()
      const selection = set && selectKey(set, kid, alg, spec)
      return selection === undefined || 'problem' in selection || !selection.ready.has(alg) ? undefined : selection
    },

    async key(kid, alg, spec) {
      const document = currentJwks() ?? (await jwks())
      const fetchedBefore = document.fetchedAt()
      let set = document.fresh() ?? (await document.get())
      let selection = selectKey(set, kid, alg, spec)
      // A set fetched for this very call is as new as it gets: refetching it again would be waste.
      const refetch =
        'problem' in selection && selection.reason === 'unknown-kid' && document.fetchedAt() === fetchedBefore
          ? refetchForUnknownKid(document)
          : undefined
      if (refetch !== undefined) {
        set = await refetch
        selection = selectKey(set, kid, alg, spec)
      }
      if ('problem' in selection) {
        // During an outage an unknown kid may be a rotation we cannot see: the same code as for any other token.
        if (selection.reason === 'unknown-kid' && document.failing()) {
          fail(
            'ERR_JWKS_UNAVAILABLE',
            `the key set at ${document.url} cannot be fetched, and the token's key is not in the cached copy`,
          )
        }
        fail('ERR_KEY_NOT_FOUND', selection.problem, { reason: selection.reason })
      }
      const imported = selection.ready.has(alg)
      const key = await cryptoKeyFor(selection, alg, spec)
      if (!imported) document.rememberKey(storedKeyName(set, selection, alg), key, set)
      return selection
    },

    async refresh() {
      if (discovery !== undefined) await discovery.fetch(true)
      await (await jwks()).fetch(true)
    },

    async warm() {
      await (await jwks()).get()
    },
  }
}

function parseDiscovery(body: unknown, issuer: string, url: string): Discovery {
  if (!isObject(body)) fail('ERR_JWKS_INVALID', `the discovery document at ${url} is not a JSON object`)
  // OpenID Connect Discovery 1.0 §4.3: the issuer in the document must be exactly the one configured.
  if (body.issuer !== issuer) {
    const announced = typeof body.issuer === 'string' ? body.issuer : undefined
    fail(
      'ERR_JWKS_INVALID',
      `the discovery document at ${url} announces the issuer ${JSON.stringify(announced ?? null)}, ` +
        `not the configured "${issuer}"${announced === undefined ? '' : issuerHint(announced, [issuer])}: set "issuer" to the ` +
        "announced value, or, for an issuer template such as Entra's multi-tenant one, use the preset from " +
        'idtoken-verify/providers',
    )
  }
  const jwksUri = body.jwks_uri
  if (typeof jwksUri !== 'string') fail('ERR_JWKS_INVALID', `the discovery document at ${url} has no "jwks_uri"`)
  const problem = jwksUriProblem(jwksUri, issuer)
  if (problem !== undefined)
    fail('ERR_JWKS_INVALID', `the discovery document at ${url} has a "jwks_uri" that ${problem}`)
  const algorithms = body.id_token_signing_alg_values_supported
  if (algorithms !== undefined && !Array.isArray(algorithms)) {
    fail(
      'ERR_JWKS_INVALID',
      `the discovery document at ${url} has an "id_token_signing_alg_values_supported" that is not an array`,
    )
  }
  return { jwksUri, algorithms }
}
