import { fail } from './fail.ts'
import { cryptoKeyFor, indexKeySet, isObject, selectKey, storedKeyName, type KeySet } from './jwks.ts'
import { isSupportedAlgorithm, type AlgorithmSpec } from './algorithms.ts'
import { jwksUriProblem } from '../options.ts'
import { remoteDocument, type CacheContext, type RemoteDocument } from './remote.ts'

export interface KeySourceOptions {
  readonly issuer: string
  readonly jwksUri: string | undefined
  readonly cache: CacheContext
  /** Milliseconds between two refetches caused by unknown `kid`s. */
  readonly cooldown: number
  /** Milliseconds an unknown `kid` may wait for the next permitted refetch (the request timeout). */
  readonly maxKidWait: number
}

interface Discovery {
  readonly jwksUri: string
  readonly algorithms: readonly string[] | undefined
}

export interface KeySource {
  /** The supported algorithms the discovery document announces, or undefined without discovery. */
  discoveredAlgorithms(): Promise<readonly string[] | undefined>
  /** The same, synchronously, while the discovery document is fresh. */
  freshAlgorithms(): readonly string[] | undefined
  key(kid: string | undefined, alg: string, spec: AlgorithmSpec): Promise<CryptoKey>
  /** The key when the set is fresh and the key already imported: the hot path, with no await. */
  readyKey(kid: string | undefined, alg: string, spec: AlgorithmSpec): CryptoKey | undefined
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
  const { issuer, cache, cooldown, maxKidWait } = options
  const now = cache.now
  const discovery: RemoteDocument<Discovery> | undefined = options.jwksUri === undefined
    ? remoteDocument(cache, `v1 discovery ${issuer}`, 'discovery document',
      `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, (body) => parseDiscovery(body, issuer))
    : undefined
  const keySets = new Map<string, RemoteDocument<KeySet>>()
  let lastKidRefetch = -Infinity
  let kidRefetch: Promise<KeySet> | undefined

  // Sync when discovery is fresh and the set is known: no await on the hot path.
  function currentJwks(): RemoteDocument<KeySet> | undefined {
    const uri = options.jwksUri ?? discovery?.fresh()?.jwksUri
    return uri === undefined ? undefined : keySets.get(uri)
  }

  async function jwks(): Promise<RemoteDocument<KeySet>> {
    const uri = options.jwksUri ?? (await discovery!.get()).jwksUri
    let document = keySets.get(uri)
    if (document === undefined) {
      document = remoteDocument(cache, `v1 jwks ${issuer} ${uri}`, 'key set', uri, indexKeySet)
      keySets.set(uri, document)
    }
    return document
  }

  // An unknown kid may be a key rotated in since our last fetch: one refetch per cooldown, shared by every
  // verification waiting for it. Inside the cooldown a token waits for the next permitted refetch only when that
  // is due within `timeout`; otherwise it is refused at once, so forged kids can neither hammer the provider nor
  // hold verifications open, and a genuine new key is found by the first token after the window opens.
  function refetchForUnknownKid(document: RemoteDocument<KeySet>): Promise<KeySet> | undefined {
    if (kidRefetch !== undefined) return kidRefetch
    const wait = lastKidRefetch + cooldown - now()
    if (wait > maxKidWait) return undefined
    kidRefetch = (async () => {
      try {
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
        lastKidRefetch = now()
        return await document.fetch()
      } finally {
        kidRefetch = undefined
      }
    })()
    return kidRefetch
  }

  return {
    async discoveredAlgorithms() {
      return discovery === undefined ? undefined : (await discovery.get()).algorithms
    },

    freshAlgorithms: () => discovery?.fresh()?.algorithms,

    readyKey(kid, alg, spec) {
      const set = currentJwks()?.fresh()
      const selection = set && selectKey(set, kid, alg, spec)
      return selection === undefined || 'problem' in selection ? undefined : selection.ready.get(alg)
    },

    async key(kid, alg, spec) {
      const document = currentJwks() ?? (await jwks())
      const fetchedBefore = document.fetchedAt()
      let set = document.fresh() ?? (await document.get())
      let selection = selectKey(set, kid, alg, spec)
      // A set fetched for this very call is as new as it gets: refetching it again would be waste.
      const refetch = 'problem' in selection && selection.unknownKid && document.fetchedAt() === fetchedBefore
        ? refetchForUnknownKid(document)
        : undefined
      if (refetch !== undefined) {
        set = await refetch
        selection = selectKey(set, kid, alg, spec)
      }
      if ('problem' in selection) fail('ERR_KEY_NOT_FOUND', selection.problem)
      const imported = selection.ready.has(alg)
      const key = await cryptoKeyFor(selection, alg, spec)
      if (!imported) document.rememberKey(storedKeyName(set, selection, alg), key, set)
      return key
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

function parseDiscovery(body: unknown, issuer: string): Discovery {
  if (!isObject(body)) fail('ERR_JWKS_INVALID', 'the discovery document is not a JSON object')
  // OpenID Connect Discovery 1.0 §4.3: the issuer in the document must be exactly the one configured.
  if (body.issuer !== issuer) fail('ERR_JWKS_INVALID', 'the discovery document\'s "issuer" is not the configured issuer')
  const jwksUri = body.jwks_uri
  if (typeof jwksUri !== 'string') fail('ERR_JWKS_INVALID', 'the discovery document has no "jwks_uri"')
  const problem = jwksUriProblem(jwksUri, issuer)
  if (problem !== undefined) fail('ERR_JWKS_INVALID', `the discovery document's "jwks_uri" ${problem}`)
  const announced = body.id_token_signing_alg_values_supported
  let algorithms: string[] | undefined
  if (announced !== undefined) {
    if (!Array.isArray(announced)) {
      fail('ERR_JWKS_INVALID', 'the discovery document\'s "id_token_signing_alg_values_supported" is not an array')
    }
    algorithms = announced.filter((alg): alg is string => typeof alg === 'string' && isSupportedAlgorithm(alg))
  }
  return { jwksUri, algorithms }
}

