import { fail } from './fail.ts'
import { getJson, type HttpOptions } from './http.ts'
import { cryptoKeyFor, indexKeySet, isObject, selectKey, type KeySet } from './jwks.ts'
import { isSupportedAlgorithm, type AlgorithmSpec } from './algorithms.ts'

export interface KeySourceOptions {
  readonly issuer: string
  readonly jwksUri: string | undefined
  readonly http: HttpOptions
  /** Milliseconds between two refetches caused by an unknown `kid`. */
  readonly cooldown: number
  readonly now: () => number
}

interface Discovery {
  readonly jwksUri: string
  readonly algorithms: readonly string[] | undefined
}

export interface KeySource {
  /** The algorithms the discovery document announces (supported ones only), or undefined without discovery. */
  discoveredAlgorithms(): Promise<readonly string[] | undefined>
  key(kid: string | undefined, alg: string, spec: AlgorithmSpec): Promise<CryptoKey>
  refresh(): Promise<void>
}

/**
 * Where keys come from: discovery (OpenID Connect Discovery 1.0 §4) or a fixed `jwks_uri`, fetched once
 * and shared by every concurrent verification. Headers in the token (`jku`, `x5u`, `jwk`) never reach here.
 */
export function createKeySource(options: KeySourceOptions): KeySource {
  const { issuer, http, now } = options
  let discovery: Discovery | undefined
  let discovering: Promise<Discovery> | undefined
  let keySet: KeySet | undefined
  let loadingKeys: Promise<KeySet> | undefined
  let keysFetchedAt = -Infinity

  function discover(): Promise<Discovery> {
    if (discovery !== undefined) return Promise.resolve(discovery)
    return fetchDiscovery()
  }

  function fetchDiscovery(): Promise<Discovery> {
    discovering ??= (async () => {
      try {
        const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`
        const { body } = await getJson(http, url, 'discovery document')
        discovery = parseDiscovery(body, issuer)
        return discovery
      } finally {
        discovering = undefined
      }
    })()
    return discovering
  }

  async function jwksUri(): Promise<string> {
    return options.jwksUri ?? (await discover()).jwksUri
  }

  function fetchKeys(): Promise<KeySet> {
    loadingKeys ??= (async () => {
      try {
        const { body } = await getJson(http, await jwksUri(), 'key set')
        keySet = indexKeySet(body, keySet)
        keysFetchedAt = now()
        return keySet
      } finally {
        loadingKeys = undefined
      }
    })()
    return loadingKeys
  }

  return {
    async discoveredAlgorithms() {
      if (options.jwksUri !== undefined) return undefined
      return (await discover()).algorithms
    },

    async key(kid, alg, spec) {
      let set = keySet ?? (await fetchKeys())
      let selection = selectKey(set, kid, alg, spec)
      if ('problem' in selection && selection.unknownKid && now() - keysFetchedAt >= options.cooldown) {
        // A kid we have not seen may be a rotated-in key: one refetch, shared by everyone waiting.
        set = await fetchKeys()
        selection = selectKey(set, kid, alg, spec)
      }
      if ('problem' in selection) fail('ERR_KEY_NOT_FOUND', selection.problem)
      return cryptoKeyFor(selection, alg, spec)
    },

    async refresh() {
      if (options.jwksUri === undefined) await fetchDiscovery()
      await fetchKeys()
    },
  }
}

function parseDiscovery(body: unknown, issuer: string): Discovery {
  if (!isObject(body)) fail('ERR_JWKS_INVALID', 'the discovery document is not a JSON object')
  // OpenID Connect Discovery 1.0 §4.3: the issuer in the document must be exactly the one configured.
  if (body.issuer !== issuer) fail('ERR_JWKS_INVALID', 'the discovery document\'s "issuer" is not the configured issuer')
  const jwksUri = body.jwks_uri
  if (typeof jwksUri !== 'string' || !isHttpUrl(jwksUri)) {
    fail('ERR_JWKS_INVALID', 'the discovery document has no valid "jwks_uri"')
  }
  if (issuer.startsWith('https:') && !jwksUri.startsWith('https:')) {
    fail('ERR_JWKS_INVALID', 'the discovery document downgrades "jwks_uri" to plain http')
  }
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

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value)
    return protocol === 'https:' || protocol === 'http:'
  } catch {
    return false
  }
}
