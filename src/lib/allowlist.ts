// Which header `alg` values a verifier accepts. The one place that decides it: the `algorithms` option when
// given; else, for ID and logout tokens, the algorithms the discovery document announces that this library
// supports; else (no discovery, or an access token: RFC 9068 §4) RS256 alone.
import { isSupportedAlgorithm } from './algorithms.ts'

const DEFAULT = ['RS256']

/**
 * The allowlist of one key source. `announced` is the discovery document's
 * `id_token_signing_alg_values_supported` (undefined: no discovery, or none announced); the set is rebuilt only
 * when a new document was parsed, so the hot path allocates nothing.
 */
export type Allowlist = (announced: readonly unknown[] | undefined) => ReadonlySet<string>

export function createAllowlist(configured: readonly string[] | undefined, fromDiscovery: boolean): Allowlist {
  if (configured !== undefined || !fromDiscovery) {
    const fixed: ReadonlySet<string> = new Set(configured ?? DEFAULT)
    return () => fixed
  }
  let seen: readonly unknown[] | undefined
  let allowed: ReadonlySet<string> = new Set(DEFAULT)
  return (announced) => {
    if (announced !== seen) {
      seen = announced
      allowed = new Set(
        announced === undefined
          ? DEFAULT
          : announced.filter((alg): alg is string => typeof alg === 'string' && isSupportedAlgorithm(alg)),
      )
    }
    return allowed
  }
}
