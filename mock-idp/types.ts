// Public types of the mock identity provider.
import type { JWK } from 'jose'
import type { RequestHandler } from 'msw'

/** The user the authorization endpoint signs in, without a login page. */
export interface MockIdpUser {
  /** The `sub` claim. */
  sub: string
  /** Extra claims for the ID token and the userinfo response (`name`, `email`, ...). */
  claims?: Record<string, unknown>
}

/** An OAuth client the provider knows. Without `clientSecret` it is a public client and must use PKCE. */
export interface MockIdpClient {
  clientId: string
  /** Makes the client confidential: `client_secret_basic` or `client_secret_post` at the token endpoint. */
  clientSecret?: string
  /** Allowed `redirect_uri` values (exact match). Absent: any absolute http(s) URI is accepted. */
  redirectUris?: string[]
  /** Allowed `post_logout_redirect_uri` values (exact match). Absent: any absolute http(s) URI. */
  postLogoutRedirectUris?: string[]
}

/** Scheduled key rotation, driven by the `now` clock and applied whenever the provider is used. */
export interface RotationSchedule {
  /** Seconds between rotations: each configured alg gets a new signing key. */
  every: number
  /** Seconds a replaced key stays published (verify-only) before it is retired; default `every`. */
  retireAfter?: number
  /** Seconds before a rotation that the next key is published as staged; default 0 (not staged). */
  publishAhead?: number
}

/** Options of {@link createMockIdp}. Every one has a default. */
export interface MockIdpOptions {
  /** The `iss` value; discovery is served at `issuer` + `/.well-known/openid-configuration`. Default `https://idp.example.test`. */
  issuer?: string
  /** The default client and `aud`. Default `test-client` (or the first of `clients`). */
  clientId?: string
  /** One signing key per alg, the first is the default. Default `['RS256']`. */
  algorithms?: string[]
  /** Lifetime of minted tokens in seconds. Default 3600. */
  tokenTtl?: number
  /** Private JWKs (each with `alg`; `kid` kept if present) to sign with instead of generated keys. */
  keys?: JWK[]
  /** The clock, in milliseconds. Default `Date.now`. Drives `iat`/`exp`, code expiry and the rotation schedule. */
  now?: () => number
  /** Rotate keys on a schedule of the `now` clock. */
  rotation?: RotationSchedule
  /** The signed-in user. Default `{ sub: 'test-user', claims: { name: 'Test User', email: 'test-user@example.test', email_verified: true } }`. */
  user?: MockIdpUser
  /** Registered clients. Default: one public client `clientId` accepting any redirect URI. */
  clients?: MockIdpClient[]
  /** `aud` of access tokens. Default `clientId`. */
  accessTokenAudience?: string
  /** `Content-Type` of the JWKS. Default `application/jwk-set+json`. */
  jwksContentType?: 'application/jwk-set+json' | 'application/json'
  /** `Cache-Control` of the JWKS and discovery responses. Default `public, max-age=300`. */
  cacheControl?: string
  /** Seconds an authorization code stays valid. Default 60. */
  codeTtl?: number
}

/** Options of {@link MockIdp.mintIdToken} and {@link MockIdp.mintAccessToken}. */
export interface MintOptions {
  /** Sign with this configured alg's signing key. Default: the first configured alg. */
  alg?: string
  /** Sign with the key of this `kid`, whatever its status (also staged, verify-only or retired keys). */
  kid?: string
  /** Lifetime in seconds, instead of `tokenTtl`. */
  expiresIn?: number
  /** Extra or overriding protected header members; a member set to `undefined` is left out. */
  header?: Record<string, unknown>
  /** `'unpublished'`: sign with a key of the same alg that the JWKS never contains. */
  signWith?: 'unpublished'
  /** Adds `at_hash` for this access token (ID tokens only). */
  accessToken?: string
  /** Adds `c_hash` for this authorization code (ID tokens only). */
  code?: string
}

/** Status of a key in the ring. Only `signing`, `staged` and `verify-only` keys are published. */
export type KeyStatus = 'signing' | 'staged' | 'verify-only' | 'retired'

/** A key of the ring, without key material. */
export interface KeyInfo {
  kid: string
  alg: string
  status: KeyStatus
  /** Clock time (ms) the key was made. */
  createdAt: number
}

/** Options of {@link MockIdp.rotateKeys}. */
export interface RotateOptions {
  /** Which alg's key to rotate. Default: the first configured alg. */
  alg?: string
  /** Publish the new key without making it the signer; {@link MockIdp.promoteKey} does that later. */
  stage?: boolean
}

/** The endpoints the provider serves. */
export type MockIdpEndpoint = 'discovery' | 'jwks' | 'authorize' | 'token' | 'userinfo' | 'end_session'

/** A fault an endpoint answers with, instead of or on top of its normal response. */
export interface Fault {
  /** Response status. With no `body`, a 4xx/5xx status brings an OAuth-style JSON error body. */
  status?: number
  /** Milliseconds to wait before answering (`'infinite'`: never answer, for timeout tests). */
  delay?: number | 'infinite'
  /** Response body instead of the normal one: a string as is, anything else as JSON. */
  body?: unknown
  /** `Content-Type` of the response (the normal one's or `body`'s). */
  contentType?: string
  /** Extra response headers. */
  headers?: Record<string, string>
  /** Fail the request at the network level (`fetch` rejects). */
  networkError?: boolean
  /** Apply to this many requests, then clear. Default: until cleared. */
  times?: number
}

/** One request the provider saw. */
export interface RequestLogEntry {
  endpoint: MockIdpEndpoint
  method: string
  url: string
  /** Clock time (ms) of the request. */
  time: number
  /** The fault applied to it, if any. */
  faulted: boolean
}

/** The error a correct verifier reports for a bad token (codes of `idtoken-verify`'s `IdTokenError`). */
export interface ExpectedError {
  code:
    | 'ERR_TOKEN_MALFORMED'
    | 'ERR_HEADER_UNSUPPORTED'
    | 'ERR_ALG_NOT_ALLOWED'
    | 'ERR_KEY_NOT_FOUND'
    | 'ERR_SIGNATURE_INVALID'
    | 'ERR_TOKEN_EXPIRED'
    | 'ERR_TOKEN_NOT_YET_VALID'
    | 'ERR_CLAIM_INVALID'
  /** For `ERR_CLAIM_INVALID`: the claim that fails. */
  claim?: string
}

/** Per-call checks a verifier needs for a bad token to be bad (the nonce it expected, ...). */
export interface VerifyChecks {
  nonce?: string
  accessToken?: string
  code?: string
  maxAge?: number
}

/** A token of the bad-token catalogue with what a verifier should say about it. */
export interface BadToken {
  name: string
  token: string
  /** Why a verifier must reject it. */
  description: string
  expectedError: ExpectedError
  /** Pass these to the verifier's `verify(token, checks)`; `{}` when none are needed. */
  checks: VerifyChecks
}

/** The mock identity provider returned by {@link createMockIdp}. */
export interface MockIdp {
  readonly issuer: string
  readonly clientId: string
  readonly discoveryUrl: string
  readonly jwksUri: string
  /** The endpoint URLs, as discovery names them. */
  readonly endpoints: Readonly<Record<MockIdpEndpoint, string>>
  /** The configured algorithms; the first is the default. */
  readonly algorithms: readonly string[]
  /** MSW request handlers for every endpoint; use with `setupServer` or `setupWorker`. */
  readonly handlers: RequestHandler[]
  /** Clock time in seconds, as tokens see it. */
  nowSeconds(): number
  mintIdToken(claims?: Record<string, unknown>, options?: MintOptions): Promise<string>
  mintAccessToken(claims?: Record<string, unknown>, options?: MintOptions): Promise<string>
  mintBadToken(name: BadTokenName, claims?: Record<string, unknown>): Promise<BadToken>
  badTokens(): Promise<BadToken[]>
  rotateKeys(options?: RotateOptions): Promise<string>
  promoteKey(kid: string): void
  retireKey(kid: string): void
  signingKid(alg?: string): string
  listKeys(): KeyInfo[]
  jwks(): { keys: JWK[] }
  discovery(): Record<string, unknown>
  setUser(user: MockIdpUser | null): void
  setFault(endpoint: MockIdpEndpoint, fault: Fault | null): void
  requestCount(endpoint?: MockIdpEndpoint): number
  readonly requests: readonly RequestLogEntry[]
  reset(): void
}

/** The names of the bad-token catalogue. */
export type BadTokenName =
  | 'expired'
  | 'notYetValid'
  | 'issuedInFuture'
  | 'wrongIssuer'
  | 'wrongAudience'
  | 'wrongAzp'
  | 'wrongNonce'
  | 'missingNonce'
  | 'authTimeTooOld'
  | 'wrongAtHash'
  | 'wrongCHash'
  | 'missingSub'
  | 'missingIat'
  | 'missingExp'
  | 'expNotNumber'
  | 'unpublishedKey'
  | 'impersonatedKid'
  | 'tamperedPayload'
  | 'badSignature'
  | 'algNone'
  | 'hmacWithPublicKey'
  | 'unknownKid'
  | 'missingKid'
  | 'embeddedJwk'
  | 'embeddedJku'
  | 'accessTokenAsIdToken'
  | 'critHeader'
  | 'b64False'
  | 'badBase64'
  | 'twoParts'
  | 'fourParts'
  | 'fiveParts'
  | 'headerNotJson'
  | 'payloadNotJson'
  | 'payloadNotObject'
