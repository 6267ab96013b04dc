// Public types of the mock identity provider.
import type { BAD_TOKENS } from './bad-tokens.ts'
import type { CrossProfileToken, CrossProfileTokenName } from './cross-profile.ts'
import type { ENDPOINTS } from './lib/endpoints.ts'
import type { JWK } from 'jose'
import type { RequestHandler } from 'msw'

/**
 * The user the authorization endpoint signs in, without a login page.
 *
 * @example
 * ```ts
 * idp.setUser({ sub: 'alice', claims: { name: 'Alice', email: 'alice@example.test' } })
 * ```
 * @see [OpenID Connect Core 1.0 §5.1](https://openid.net/specs/openid-connect-core-1_0.html#StandardClaims)
 */
export interface MockIdpUser {
  /** The `sub` claim. */
  sub: string
  /** Extra claims for the ID token and the userinfo response (`name`, `email`, ...). */
  claims?: Record<string, unknown>
}

/**
 * A persona of {@link MockIdpOptions.users}: its `sub` and the claims its ID tokens and userinfo carry.
 *
 * @example
 * ```ts
 * const idp = await createMockIdp({ users: { alice: { sub: 'alice', name: 'Alice', email: 'alice@example.test' } } })
 * idp.signInAs('alice')
 * ```
 * @see [OpenID Connect Core 1.0 §5.1](https://openid.net/specs/openid-connect-core-1_0.html#StandardClaims)
 */
export interface MockIdpPersona {
  /** The `sub` claim. */
  sub: string
  /** Any other claim (`name`, `email`, ...). */
  [claim: string]: unknown
}

/**
 * An OAuth client the provider knows. Without `clientSecret` it is a public client and must use PKCE.
 *
 * @example
 * ```ts
 * const idp = await createMockIdp({
 *   clients: [{ clientId: 'spa', redirectUris: ['http://127.0.0.1:5173/callback'] }, { clientId: 'api', clientSecret: 's3cret' }],
 * })
 * ```
 * @see [RFC 6749 §2](https://www.rfc-editor.org/rfc/rfc6749#section-2) (client registration)
 * @see [RFC 7636](https://www.rfc-editor.org/rfc/rfc7636) (PKCE)
 */
export interface MockIdpClient {
  /** The `client_id`, also the `aud` of its ID tokens. */
  clientId: string
  /** Makes the client confidential: `client_secret_basic` or `client_secret_post` at the token endpoint. */
  clientSecret?: string
  /**
   * Allowed `redirect_uri` values (exact match). Absent: only loopback and test URIs, http or https:
   * hosts in `127.0.0.0/8`, `[::1]`, `localhost`, `*.localhost` and `*.test` (RFC 8252 §7.3, RFC 6761).
   * The redirect carries a live code for a user signed in without a page, so any other URI is
   * answered with a 400 page, never a redirect (no open redirect). Register real-looking URIs here.
   */
  redirectUris?: string[]
  /**
   * Allowed `post_logout_redirect_uri` values (exact match). Absent (on every client): the same
   * loopback and test URIs as `redirectUris`; anything else is a 400 page, never a redirect.
   */
  postLogoutRedirectUris?: string[]
  /**
   * Where {@link MockIdp.backchannelLogout} posts this client's logout token (OpenID Connect Back-Channel
   * Logout 1.0 §2.2), with the global `fetch`: an MSW handler or a real server receives it.
   */
  backchannelLogoutUri?: string
}

/**
 * Scheduled key rotation, driven by the `now` clock and applied whenever the provider is used.
 *
 * @example
 * ```ts
 * let clock = Date.UTC(2030, 0, 1)
 * const idp = await createMockIdp({ now: () => clock, rotation: { every: 3600, retireAfter: 600, publishAhead: 300 } })
 * ```
 * @see [OpenID Connect Core 1.0 §10.1.1](https://openid.net/specs/openid-connect-core-1_0.html#RotateSigKeys)
 */
export interface RotationSchedule {
  /** Seconds between rotations: each configured alg gets a new signing key. */
  every: number
  /** Seconds a replaced key stays published (verify-only) before it is retired; default `every`. */
  retireAfter?: number
  /** Seconds before a rotation that the next key is published as staged; default 0 (not staged). */
  publishAhead?: number
}

/**
 * Options of {@link createMockIdp}. Every one has a default.
 *
 * @example
 * ```ts
 * const idp = await createMockIdp({ algorithms: ['ES256'], now: () => clock, rotation: { every: 3600 } })
 * ```
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata
 */
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
  /**
   * Personas by name, for {@link MockIdp.signInAs} and `login_hint` at the authorization endpoint (a persona's
   * name, `sub` or `email`). `user` stays who is signed in until a test picks a persona.
   */
  users?: Record<string, MockIdpPersona>
  /**
   * The authorization endpoint shows a page (personas with a button each, their claims editable as JSON) instead
   * of signing the current user in at once, for manual runs of an app against the CLI. `prompt=none` never shows
   * it. Default false.
   */
  loginPage?: boolean
  /** Registered clients. Default: one public client `clientId`, redirected only to loopback and `.test` URIs. */
  clients?: MockIdpClient[]
  /** `aud` of access tokens. Default `clientId`. */
  accessTokenAudience?: string
  /** `Content-Type` of the JWKS. Default `application/jwk-set+json`. */
  jwksContentType?: 'application/jwk-set+json' | 'application/json'
  /** `Cache-Control` of the JWKS and discovery responses. Default `public, max-age=300`. */
  cacheControl?: string
  /** Seconds an authorization code stays valid. Default 60. */
  codeTtl?: number
  /**
   * Serve a real provider's shapes at its real URLs (MSW intercepts them): its issuer (default: the provider's, with a
   * mock tenant, project or pool; `issuer` may name another of the provider's form), discovery document (none for
   * Firebase), key set URL and keys, and tokens with its claims and header members. The matching preset of
   * `idtoken-verify/providers` verifies them unchanged. See {@link MockIdpProfile}.
   */
  profile?: MockIdpProfile
}

/**
 * A provider profile of {@link MockIdpOptions.profile}:
 * - `google`: issuer `https://accounts.google.com` (mint `{ iss: 'accounts.google.com' }` for the legacy spelling),
 *   keys at `https://www.googleapis.com/oauth2/v3/certs`, `azp`, `email_verified`;
 * - `entra`: issuer `https://login.microsoftonline.com/<tid>/v2.0` (tenant `11111111-1111-4111-8111-111111111111`),
 *   keys without `alg`, with `x5c`, `x5t` and an `issuer` member, also at the tenant-independent `common` and
 *   `organizations` URLs (with the `{tenantid}` template); tokens with `tid`, `oid`, `ver`: mint `{ tid }` for
 *   another tenant, `{ ver: '1.0' }` for a v1.0 token (the issuer follows);
 * - `firebase`: issuer `https://securetoken.google.com/mock-project`, no discovery document (404), the `securetoken`
 *   JWK set, `aud` the project ID (the default client), `auth_time`, `user_id`, the `firebase` claim;
 * - `cognito`: issuer `https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_MockPool1`, `token_use` `id` (access
 *   tokens: `access`, no `aud`), `cognito:username`;
 * - `keycloak`: issuer `https://sso.example.test/realms/main`, an encryption key (`use: enc`, `RSA-OAEP`) in the key
 *   set, `typ: "ID"` (access tokens: `typ: "Bearer"`, with the client in `aud`);
 * - `auth0`: issuer `https://example.eu.auth0.com/` (trailing slash), keys with certificates;
 * - `okta`: issuer `https://example.okta.com/oauth2/default`, keys at `/v1/keys`, access tokens for `api://default`;
 * - `apple`: issuer `https://appleid.apple.com`, keys at `/auth/keys`, `email_verified: "true"` (a string).
 *
 * @example
 * ```ts
 * const idp = await createMockIdp({ profile: 'entra' })
 * const otherTenant = await idp.mintIdToken({ tid: '22222222-2222-4222-8222-222222222222' })
 * ```
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html
 */
export type MockIdpProfile = 'google' | 'entra' | 'firebase' | 'cognito' | 'keycloak' | 'auth0' | 'okta' | 'apple'

/**
 * Options of {@link MockIdp.mintIdToken} and {@link MockIdp.mintAccessToken}.
 *
 * @example
 * ```ts
 * const token = await idp.mintIdToken({ sub: 'alice' }, { alg: 'ES256', expiresIn: 60, header: { typ: undefined } })
 * ```
 * @see [RFC 7515 §4.1](https://www.rfc-editor.org/rfc/rfc7515#section-4.1) (header members)
 * @see [OpenID Connect Core 1.0 §3.3.2.11](https://openid.net/specs/openid-connect-core-1_0.html#HybridIDToken) (`at_hash`, `c_hash`)
 */
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

/**
 * Status of a key in the ring. Only `signing`, `staged` and `verify-only` keys are published.
 *
 * @example
 * ```ts
 * const published = idp.listKeys().filter((key) => key.status !== 'retired')
 * ```
 * @see [OpenID Connect Core 1.0 §10.1.1](https://openid.net/specs/openid-connect-core-1_0.html#RotateSigKeys)
 */
export type KeyStatus = 'signing' | 'staged' | 'verify-only' | 'retired'

/**
 * A key of the ring, without key material: what {@link MockIdp.listKeys} returns.
 *
 * @example
 * ```ts
 * for (const { kid, alg, status } of idp.listKeys()) console.log(kid, alg, status)
 * ```
 * @see [RFC 7517 §4](https://www.rfc-editor.org/rfc/rfc7517#section-4) (`kid`, `alg`)
 */
export interface KeyInfo {
  /** The key id, as published. */
  kid: string
  /** The algorithm it signs with. */
  alg: string
  /** Where it is in its life. */
  status: KeyStatus
  /** Clock time (ms) the key was made. */
  createdAt: number
  /**
   * The catalogue's second key of the default alg: published (`verify-only`) for the provider's whole life so
   * that a token without `kid` is ambiguous for every verifier (`missingKid`); never the signer, never retired.
   */
  decoy?: true
}

/**
 * Options of {@link MockIdp.reset}.
 *
 * @example
 * ```ts
 * afterEach(() => idp.reset())                        // keys kept: a verifier kept across tests stays valid
 * afterEach(() => idp.reset({ rotateKeys: true }))    // the keys of creation again: make verifiers per test
 * ```
 * @see [OpenID Connect Core 1.0 §10.1.1](https://openid.net/specs/openid-connect-core-1_0.html#RotateSigKeys)
 */
export interface ResetOptions {
  /**
   * Also put the key ring back as it was after creation: keys made since are dropped, the keys of creation sign
   * again, the rotation schedule restarts. A verifier that cached the dropped keys must refetch, and it will
   * not during its cooldown after an unknown `kid`: create verifiers per test when you use this.
   */
  rotateKeys?: boolean
}

/**
 * Options of {@link MockIdp.rotateKeys}.
 *
 * @example
 * ```ts
 * const kid = await idp.rotateKeys({ alg: 'ES256', stage: true })
 * idp.promoteKey(kid)
 * ```
 * @see [OpenID Connect Core 1.0 §10.1.1](https://openid.net/specs/openid-connect-core-1_0.html#RotateSigKeys)
 */
export interface RotateOptions {
  /** Which alg's key to rotate. Default: the first configured alg. */
  alg?: string
  /** Publish the new key without making it the signer; {@link MockIdp.promoteKey} does that later. */
  stage?: boolean
}

/**
 * The endpoints the provider serves, as named by {@link MockIdp.setFault} and {@link MockIdp.requestCount}:
 * `discovery`, `jwks`, `authorize`, `token`, `userinfo`, `end_session`, `revocation`.
 *
 * @example
 * ```ts
 * const endpoint: MockIdpEndpoint = 'jwks'
 * idp.setFault(endpoint, { status: 503, times: 1 })
 * ```
 * @see [OpenID Connect Discovery 1.0 §3](https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata)
 */
export type MockIdpEndpoint = keyof typeof ENDPOINTS

/**
 * A fault an endpoint answers with, instead of or on top of its normal response. Members combine:
 * `{ contentType: 'text/html' }` keeps the body, `{ body: { keys: [] } }` keeps status 200,
 * `{ status: 503 }` brings an OAuth-style JSON error body.
 *
 * @example
 * ```ts
 * idp.setFault('jwks', { status: 503, times: 2 })
 * idp.setFault('discovery', { delay: 'infinite', times: 1 })
 * idp.setFault('token', { networkError: true })
 * ```
 * @see https://mswjs.io/docs/api/http-response#httpresponseerror
 */
export interface Fault {
  /** Response status. With no `body`, a 4xx/5xx status brings an OAuth-style JSON error body. */
  status?: number
  /** Milliseconds to wait before answering (`'infinite'`: never answer, for timeout tests). */
  delay?: number | 'infinite'
  /** Response body instead of the normal one: a string as is, anything else as JSON. */
  body?: unknown
  /** `Content-Type` of the response (the normal one's or `body`'s). */
  contentType?: string
  /**
   * Extra response headers, from a fixed set (any letter case): `age`, `cache-control`,
   * `content-encoding`, `content-language`, `content-type`, `date`, `etag`, `expires`,
   * `last-modified`, `location`, `pragma`, `retry-after`, `vary`, `www-authenticate`. Any other
   * name (`set-cookie`, `access-control-*`, `content-length`, ...) is a TypeError from
   * {@link MockIdp.setFault} and a 400 from the control API: the mock runs on 127.0.0.1, whose
   * cookies every local app shares, and framing or CORS headers would break more than one test.
   */
  headers?: Record<string, string>
  /** Fail the request at the network level (`fetch` rejects). */
  networkError?: boolean
  /** Apply to this many requests, then clear. Default: until cleared. */
  times?: number
}

/**
 * One request the provider saw: an entry of {@link MockIdp.requests}.
 *
 * @example
 * ```ts
 * const conditional = idp.requests.filter((r) => r.endpoint === 'jwks' && !r.faulted).length
 * ```
 * @see [RFC 9110 §9.3.1](https://www.rfc-editor.org/rfc/rfc9110#section-9.3.1)
 */
export interface RequestLogEntry {
  /** The endpoint that served it. */
  endpoint: MockIdpEndpoint
  /** The HTTP method. */
  method: string
  /** The full request URL. */
  url: string
  /** Clock time (ms) of the request. */
  time: number
  /** The fault applied to it, if any. */
  faulted: boolean
}

/**
 * The error a correct verifier reports for a bad token (codes of `idtoken-verify`'s `IdTokenError`): its `code`,
 * the `claim` for claim failures, and the `reason` for `ERR_KEY_NOT_FOUND`, so that a token refused for another
 * cause under the same code does not pass for the one it was made for.
 *
 * @example
 * ```ts
 * const bad = await idp.mintBadToken('wrongAudience')
 * expect(bad.expectedError).toEqual({ code: 'ERR_CLAIM_INVALID', claim: 'aud' })
 * expect(BAD_TOKEN_CATALOGUE.missingKid.expectedError).toEqual({ code: 'ERR_KEY_NOT_FOUND', reason: 'ambiguous' })
 * ```
 * @see [OpenID Connect Core 1.0 §3.1.3.7](https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation)
 */
export interface ExpectedError {
  /** The `IdTokenError` code. */
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
  /**
   * For `ERR_KEY_NOT_FOUND` (and only for it): which of its causes, as `IdTokenError.reason` reports it (the SDK's
   * `IdTokenErrorReason`, spelled out here like the codes): `'unknown-kid'` (no published key has the token's
   * `kid`), `'ambiguous'` (no `kid` and several keys fit), `'unusable'` (the key may not verify this token) or
   * `'import-failed'` (WebCrypto refuses its material).
   */
  reason?: 'unknown-kid' | 'ambiguous' | 'unusable' | 'import-failed'
}

/**
 * Per-call checks a verifier needs for a bad token to be bad (the nonce it expected, ...): the same shape
 * as `idtoken-verify`'s `VerifyChecks`.
 *
 * @example
 * ```ts
 * const { token, checks } = await idp.mintBadToken('wrongNonce')
 * await verifier.verify(token, checks) // checks = { nonce: 'expected-nonce' }
 * ```
 * @see [OpenID Connect Core 1.0 §3.1.3.7](https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation) steps 11–13
 */
export interface VerifyChecks {
  /** The nonce the verifier expects. */
  nonce?: string
  /** The access token `at_hash` must match. */
  accessToken?: string
  /** The authorization code `c_hash` must match. */
  code?: string
  /** Seconds since `auth_time` the verifier accepts. */
  maxAge?: number
}

/**
 * A token of the bad-token catalogue with what a verifier should say about it.
 *
 * @example
 * ```ts
 * const bad = await idp.mintBadToken('wrongNonce')
 * await expect(verifier.verify(bad.token, bad.checks)).rejects.toMatchObject(bad.expectedError)
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8725
 */
export interface BadToken {
  /** The catalogue name. */
  name: string
  /** The compact-serialized token. */
  token: string
  /** Why a verifier must reject it. */
  description: string
  /** The error a correct verifier reports. */
  expectedError: ExpectedError
  /** Pass these to the verifier's `verify(token, checks)`; `{}` when none are needed. */
  checks: VerifyChecks
  /** What it means when an API that has only the token accepts it: the audit's verdict. */
  acceptance: BadTokenAcceptance
}

/**
 * What it means when an API that has only the token (no login context) accepts a bad token, as
 * `idtoken-verify-mock-idp audit` reports it:
 * - `hole`: the API trusts a token it must refuse (forged, tampered, wrong key or algorithm, expired,
 *   not yet valid, wrong issuer or audience, another token type, malformed): the audit fails;
 * - `needs-context`: refusing it needs what only the login that asked for the token knows (the
 *   `nonce`, the access token for `at_hash`, the code for `c_hash`, `max_age` for `auth_time`): a note;
 * - `provider-rule`: it only breaks a rule the provider broke (no `kid` among several keys): a note.
 *
 * @example
 * ```ts
 * const holes = BAD_TOKEN_NAMES.filter((name) => BAD_TOKEN_CATALOGUE[name].acceptance === 'hole')
 * ```
 * @see [OpenID Connect Core 1.0 §3.1.3.7](https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation)
 */
export type BadTokenAcceptance = 'hole' | 'needs-context' | 'provider-rule'

/**
 * The mock identity provider returned by {@link createMockIdp}: handlers to serve, and the state
 * behind them (keys, user, faults, request log) for the test to drive and assert on.
 *
 * @example
 * ```ts
 * const idp = await createMockIdp()
 * server.use(...idp.handlers)
 * const token = await idp.mintIdToken({ nonce: 'n-1' })
 * const kid = await idp.rotateKeys()
 * idp.setFault('jwks', { status: 503, times: 1 })
 * expect(idp.requestCount('jwks')).toBe(1)
 * ```
 * @see https://openid.net/specs/openid-connect-core-1_0.html
 */
export interface MockIdp {
  /** The `iss` of every token and of discovery. */
  readonly issuer: string
  /** The default client id, and the default `aud`. */
  readonly clientId: string
  /** `issuer` + `/.well-known/openid-configuration`. */
  readonly discoveryUrl: string
  /** Where the key set is served (discovery's `jwks_uri`). */
  readonly jwksUri: string
  /** The endpoint URLs, as discovery names them. */
  readonly endpoints: Readonly<Record<MockIdpEndpoint, string>>
  /** The configured algorithms; the first is the default. */
  readonly algorithms: readonly string[]
  /** MSW request handlers for every endpoint (msw core only): use with `setupServer` or `setupWorker`. */
  readonly handlers: RequestHandler[]
  /** The provider's clock in whole seconds, as `iat` sees it. */
  nowSeconds(): number
  /**
   * A signed ID token. Defaults `iss`, `sub` (the user's), `aud` (`clientId`), `iat`, `exp`
   * (`tokenTtl`), plus `at_hash`/`c_hash` when `options.accessToken`/`options.code` are given;
   * `claims` override them, and a claim set to `undefined` is left out.
   */
  mintIdToken(claims?: Record<string, unknown>, options?: MintOptions): Promise<string>
  /** A signed JWT access token (RFC 9068: `typ: at+jwt`; `iss sub aud exp iat jti client_id scope`). */
  mintAccessToken(claims?: Record<string, unknown>, options?: MintOptions): Promise<string>
  /**
   * A signed logout token (OpenID Connect Back-Channel Logout 1.0 §2.4): header `typ: logout+jwt`; claims
   * `iss`, `aud` (`clientId`), `iat`, `exp` (two minutes), `jti`, `sub` (the user's), and `events` with the
   * back-channel logout event; never a `nonce` unless `claims` adds one. `claims` override the defaults, a claim
   * set to `undefined` is left out (`{ sub: undefined, sid: 's-1' }`).
   */
  mintLogoutToken(claims?: Record<string, unknown>, options?: MintOptions): Promise<string>
  /**
   * Logs `sub` (and/or `options.sid`) out at every client with a `backchannelLogoutUri`: posts each a logout
   * token as `application/x-www-form-urlencoded` `logout_token=...` with the global `fetch`, one client at a
   * time, and resolves to what each answered. A TypeError when neither `sub` nor `sid` is given.
   */
  backchannelLogout(sub: string | undefined, options?: BackchannelLogoutOptions): Promise<BackchannelLogoutDelivery[]>
  /** One token of the bad-token catalogue, with the error a verifier must report and the checks to pass. */
  mintBadToken(name: BadTokenName, claims?: Record<string, unknown>): Promise<BadToken>
  /** The whole bad-token catalogue, in `BAD_TOKEN_NAMES` order. */
  badTokens(): Promise<BadToken[]>
  /**
   * A genuine token of one kind (ID, access, logout) shaped for the verifier of another: present it to
   * `target`'s verifier, which must refuse it with `expectedError` (see `CROSS_PROFILE_CATALOGUE`).
   */
  mintCrossProfileToken(name: CrossProfileTokenName, claims?: Record<string, unknown>): Promise<CrossProfileToken>
  /**
   * A new key for `options.alg` (default: the first alg): it becomes the signer, the previous one
   * stays published (verify-only) until {@link MockIdp.retireKey}. With `stage: true` it is only
   * published; {@link MockIdp.promoteKey} makes it the signer. Resolves to the new `kid`.
   */
  rotateKeys(options?: RotateOptions): Promise<string>
  /** Makes a published key the signer of its alg; the previous signer becomes verify-only. */
  promoteKey(kid: string): void
  /** Stops publishing a key (it can still sign when asked by `kid`, for "retired key" tests). */
  retireKey(kid: string): void
  /** The `kid` of the current signing key of `alg` (default: the first alg). */
  signingKid(alg?: string): string
  /** Every key made so far with its status; no key material. */
  listKeys(): KeyInfo[]
  /** The published key set, public members only, as the JWKS endpoint serves it (after the last schedule step). */
  jwks(): {
    /** The published public JWKs. */
    keys: JWK[]
  }
  /** The discovery document, as served. */
  discovery(): Record<string, unknown>
  /** Who the authorization endpoint signs in; `null` answers `login_required`. */
  setUser(user: MockIdpUser | null): void
  /**
   * Signs a persona of {@link MockIdpOptions.users} in at the provider (the authorization endpoint issues codes for
   * it), or, with `null`, signs everyone out (`prompt=none` then answers `login_required`). A TypeError for an
   * unknown name.
   */
  signInAs(name: string | null): void
  /** Makes `endpoint` misbehave, or (with `null`) behave again. A TypeError for a bad fault (an unknown endpoint, a header outside {@link Fault.headers}, ...). */
  setFault(endpoint: MockIdpEndpoint, fault: Fault | null): void
  /** Requests served by `endpoint` (all endpoints without it); CORS preflights are not counted. */
  requestCount(endpoint?: MockIdpEndpoint): number
  /** The request log, oldest first; preflights are not logged. */
  readonly requests: readonly RequestLogEntry[]
  /**
   * Back to the state after creation for the user, faults, counts, log, codes and refresh tokens. The keys stay as
   * they are (so a verifier kept across tests keeps working) unless `{ rotateKeys: true }` puts them back too.
   */
  reset(options?: ResetOptions): void
}

/**
 * Options of {@link MockIdp.backchannelLogout}.
 *
 * @example
 * ```ts
 * await idp.backchannelLogout('alice', { sid: 'session-1', clientIds: ['web'] })
 * ```
 * @see [OpenID Connect Back-Channel Logout 1.0 §2.4](https://openid.net/specs/openid-connect-backchannel-1_0.html#LogoutToken)
 */
export interface BackchannelLogoutOptions {
  /** The `sid` claim: the session that ended. */
  sid?: string
  /** Only these clients (default: every client with a `backchannelLogoutUri`). */
  clientIds?: string[]
}

/**
 * What one client answered to a back-channel logout.
 *
 * @example
 * ```ts
 * const [delivery] = await idp.backchannelLogout('alice')
 * expect(delivery?.response?.status).toBe(200)
 * ```
 * @see [OpenID Connect Back-Channel Logout 1.0 §2.8](https://openid.net/specs/openid-connect-backchannel-1_0.html#BCResponse)
 */
export interface BackchannelLogoutDelivery {
  /** The client. */
  clientId: string
  /** Where the logout token went. */
  uri: string
  /** The logout token that was posted. */
  logoutToken: string
  /** The client's answer; absent when the request failed (then `error` says why). */
  response?: Response
  /** Why no answer came (network error). */
  error?: Error
}

/**
 * The names of the bad-token catalogue (see {@link BAD_TOKEN_CATALOGUE} for what each one is).
 *
 * @example
 * ```ts
 * const name: BadTokenName = 'algNone'
 * const bad = await idp.mintBadToken(name)
 * ```
 * @see [RFC 8725 §2](https://www.rfc-editor.org/rfc/rfc8725#section-2) (threats)
 */
export type BadTokenName = keyof typeof BAD_TOKENS
