import { createIndexedDbStore } from './lib/indexeddb.ts'
import { createMemoryStore, type JwksStore } from './lib/store.ts'

export type { CachedEntry, JwksStore } from './lib/store.ts'

/**
 * A store in this verifier's memory: fast, gone with the process or page.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({ issuer, audience, cache: memoryStore() })
 * ```
 * @see [RFC 9111 §4](https://www.rfc-editor.org/rfc/rfc9111#section-4) (reuse of stored responses)
 */
export function memoryStore(): JwksStore {
  return createMemoryStore()
}

/**
 * `IDBFactory` where the DOM types are loaded, `unknown` otherwise, so that projects without the DOM lib
 * (servers) type-check against the published declarations.
 *
 * @example
 * ```ts
 * const factory: IndexedDbFactory = indexedDB
 * ```
 * @see https://www.w3.org/TR/IndexedDB/#idbfactory
 */
export type IndexedDbFactory = typeof globalThis extends {
  /** The platform's IndexedDB factory. */
  indexedDB: infer F
}
  ? F
  : unknown

/**
 * Options of {@link indexedDbStore}.
 *
 * @example
 * ```ts
 * const options: IndexedDbStoreOptions = { name: 'my-app-keys' }
 * const verifier = createVerifier({ issuer, audience, cache: indexedDbStore(options) })
 * ```
 * @see [Indexed Database API 3.0](https://www.w3.org/TR/IndexedDB/)
 */
export interface IndexedDbStoreOptions {
  /** Database name. Default `'idtoken-verify'`. */
  name?: string
  /** The IndexedDB factory. Default `globalThis.indexedDB`. */
  indexedDB?: IndexedDbFactory
}

/**
 * A store in IndexedDB: discovery documents and key sets survive page reloads and are shared by the
 * tabs of an origin, so a reload verifies with no network request while the keys are fresh. Failures
 * (private browsing, quota, a version change in another tab) reject; the verifier then goes on with what it
 * holds in memory, reports a `store-failed` event and tries the database again after a back-off.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({ issuer, audience, cache: indexedDbStore({ name: 'my-app-keys' }) })
 * ```
 * @see [Indexed Database API 3.0](https://www.w3.org/TR/IndexedDB/)
 * @see [RFC 9111 §4](https://www.rfc-editor.org/rfc/rfc9111#section-4) (reuse of stored responses)
 */
export function indexedDbStore(options: IndexedDbStoreOptions = {}): JwksStore {
  return createIndexedDbStore(options.name ?? 'idtoken-verify', options.indexedDB)
}
