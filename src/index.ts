/**
 * `idtoken-verify`: verify OpenID Connect ID tokens with WebCrypto in browsers, Deno, Bun, Node and
 * Web-standard edge runtimes. No dependencies, nothing runs at import. Start with {@link createVerifier};
 * the guides are in the repository's `docs/` folder.
 *
 * @module idtoken-verify
 */
export { createVerifier } from './verifier.ts'
export type { IdTokenVerifier, VerifyResult } from './verifier.ts'
export type { VerifierOptions, CheckedToken, FetchFunction } from './lib/options.ts'
export type { IdTokenPayload, VerifyChecks } from './lib/claims.ts'
export type { JwsHeader } from './lib/header.ts'
export { createAccessTokenVerifier } from './access-token.ts'
export type { AccessTokenVerifier, AccessTokenVerifierOptions, AccessTokenResult } from './access-token.ts'
export type { AccessTokenPayload, AccessTokenChecks, AccessTokenClaimName } from './lib/access-claims.ts'
export { createLogoutTokenVerifier } from './logout-token.ts'
export type { LogoutTokenVerifier, LogoutTokenVerifierOptions, LogoutTokenResult } from './logout-token.ts'
export { BACKCHANNEL_LOGOUT_EVENT } from './lib/logout-claims.ts'
export type { LogoutTokenPayload } from './lib/logout-claims.ts'
export type { ReplayGuard, ReplayEntry } from './lib/replay.ts'
export { bearerToken, challenge, challengeResponse, BearerError } from './resource-server.ts'
export type { ChallengeOptions, BearerFailure, RequestLike, ResponseOf } from './resource-server.ts'
export { IdTokenError, ERROR_CODES } from './lib/errors.ts'
export type { IdTokenErrorCode, IdTokenErrorOptions, IdTokenErrorReason } from './lib/errors.ts'
export { SUPPORTED_ALGORITHMS } from './lib/algorithms.ts'
export type { SupportedAlgorithm } from './lib/algorithms.ts'
export { memoryStore } from './stores.ts'
export type { CachedEntry, JwksStore } from './stores.ts'
export { indexedDbStore } from './stores.ts'
export { cacheApiStore, type CacheApiStoreOptions, type CacheLike, type CacheStorageLike } from './cache-api-store.ts'
export type { IndexedDbStoreOptions, IndexedDbFactory } from './stores.ts'
export type { VerifierEvent, EventHandler } from './lib/events.ts'
