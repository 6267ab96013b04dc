import { fail } from './fail.ts'
import { importVerifyKey, keyProblem, type Jwk } from './keys.ts'
import { algorithmSpec, type AlgorithmSpec } from './algorithms.ts'
import type { IdTokenErrorReason } from './errors.ts'
import type { CachedEntry } from './store.ts'

/** One key of a set, with its imported `CryptoKey`s (one per alg, made on first use). */
export interface KeyEntry {
  readonly jwk: Jwk
  readonly kid: string | undefined
  /** The whole JWK as a string: identical keys share imports across refetches. */
  readonly id: string
  readonly imported: Map<string, Promise<CryptoKey>>
  /** The imported keys that have resolved, for the synchronous hot path. */
  readonly ready: Map<string, CryptoKey>
  /** {@link keyProblem} per alg (null: usable), decided once: the ROCA check alone costs more than parsing a token. */
  readonly problems: Map<string, string | null>
}

export interface KeySet {
  readonly entries: readonly KeyEntry[]
  readonly byKid: ReadonlyMap<string, readonly KeyEntry[]>
}

/**
 * Checks the outer shape of a JWK Set (RFC 7517 §5) and indexes it. Individual keys that are not
 * understood are kept but never selected (§5: "SHOULD ignore"); a set that is not `{ keys: [...] }`
 * is `ERR_JWKS_INVALID`. `previous` lets unchanged keys keep their imported `CryptoKey`.
 */
export function indexKeySet(document: unknown, previous?: KeySet, stored?: CachedEntry): KeySet {
  if (!isObject(document) || !Array.isArray(document.keys)) {
    fail('ERR_JWKS_INVALID', 'the key set is not a JSON object with a "keys" array')
  }
  const reuse = new Map<string, KeyEntry>()
  for (const entry of previous?.entries ?? []) reuse.set(entry.id, entry)
  const entries: KeyEntry[] = []
  const byKid = new Map<string, KeyEntry[]>()
  for (const jwk of document.keys as unknown[]) {
    if (!isObject(jwk) || typeof jwk.kty !== 'string') continue
    const kid = typeof jwk.kid === 'string' ? jwk.kid : undefined
    // Every member counts: a key republished with `d`, another `use` or `alg` must be judged anew.
    const id = JSON.stringify(jwk)
    const entry = reuse.get(id) ?? { jwk, kid, id, imported: new Map(), ready: new Map(), problems: new Map() }
    adoptStoredKeys(entry, entries.length, stored)
    entries.push(entry)
    if (kid !== undefined) {
      const list = byKid.get(kid)
      if (list) list.push(entry)
      else byKid.set(kid, [entry])
    }
  }
  return { entries, byKid }
}

/** What key selection found: a key, or why not, and whether a fresher set could change the answer. */
export type Selection = KeyEntry | KeyProblem

/** Why no key: the message, and the stable reason (`unknown-kid` is the one a fresher set could change). */
export interface KeyProblem {
  readonly problem: string
  readonly reason: Exclude<IdTokenErrorReason, 'import-failed'>
}

export function selectKey(set: KeySet, kid: string | undefined, alg: string, spec: AlgorithmSpec): Selection {
  const candidates = kid === undefined ? set.entries : set.byKid.get(kid)
  if (candidates === undefined || candidates.length === 0) {
    return {
      problem: kid === undefined ? 'the key set is empty' : 'no key in the set has the token\'s "kid"',
      reason: 'unknown-kid',
    }
  }
  let found: KeyEntry | undefined
  let firstProblem: string | undefined
  let usable = 0
  for (const entry of candidates) {
    let problem = entry.problems.get(alg)
    if (problem === undefined) {
      problem = keyProblem(entry.jwk, alg, spec) ?? null
      entry.problems.set(alg, problem)
    }
    if (problem === null) {
      found ??= entry
      usable++
    } else {
      firstProblem ??= problem
    }
  }
  if (found === undefined) {
    return { problem: `the key for this token is not usable: ${firstProblem}`, reason: 'unusable' }
  }
  if (usable > 1) {
    // Ambiguity is refused rather than resolved by trying keys in turn (OIDC Core 10.1).
    return {
      problem:
        kid === undefined
          ? `the token has no "kid" and ${usable} keys in the set fit its "alg"`
          : `${usable} keys in the set share the token's "kid"`,
      reason: 'ambiguous',
    }
  }
  return found
}

/** The name of an entry's imported key in {@link CachedEntry.cryptoKeys}: its position in the set, and the alg. */
export function storedKeyName(set: KeySet, entry: KeyEntry, alg: string): string {
  return `${set.entries.indexOf(entry)}:${alg}`
}

// Keys imported before a reload, read back from IndexedDB. Each must be a public verify key of the very
// algorithm it is filed under; anything else is ignored and imported anew from the JWK.
function adoptStoredKeys(entry: KeyEntry, index: number, stored: CachedEntry | undefined): void {
  const keys = stored?.cryptoKeys
  if (keys === undefined || typeof CryptoKey !== 'function') return
  for (const [name, key] of Object.entries(keys)) {
    const [position, alg = ''] = name.split(':')
    const spec = algorithmSpec(alg)
    if (Number(position) !== index || spec === undefined || !(key instanceof CryptoKey) || entry.ready.has(alg))
      continue
    const algorithm = key.algorithm as RsaHashedKeyAlgorithm & EcKeyAlgorithm
    const expected = spec.importParams as RsaHashedImportParams & EcKeyImportParams
    if (
      key.type !== 'public' ||
      !key.usages.includes('verify') ||
      algorithm.name !== expected.name ||
      (expected.hash !== undefined && algorithm.hash?.name !== expected.hash) ||
      (expected.namedCurve !== undefined && algorithm.namedCurve !== expected.namedCurve)
    )
      continue
    entry.ready.set(alg, key)
    entry.imported.set(alg, Promise.resolve(key))
  }
}

export function cryptoKeyFor(entry: KeyEntry, alg: string, spec: AlgorithmSpec): Promise<CryptoKey> {
  let key = entry.imported.get(alg)
  if (key === undefined) {
    key = importVerifyKey(entry.jwk, spec).then(
      (imported) => (entry.ready.set(alg, imported), imported),
      (cause: unknown) =>
        fail('ERR_KEY_NOT_FOUND', 'the key for this token could not be imported (invalid key material)', {
          cause,
          reason: 'import-failed',
        }),
    )
    entry.imported.set(alg, key)
  }
  return key
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
