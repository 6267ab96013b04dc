import type { SupportedAlgorithm } from './lib/algorithms.ts'
import {
  ACCESS_TOKEN_CLAIMS,
  checkAccessClaims,
  checkAccessClaimTypes,
  idTokenHint,
  type AccessPolicy,
  type AccessTokenChecks,
  type AccessTokenClaimName,
  type AccessTokenPayload,
} from './lib/access-claims.ts'
import type { JwsHeader } from './lib/header.ts'
import { checkNames, misuseOf, secondsOption, stringsOption } from './lib/misuse.ts'
import { createPipeline } from './lib/pipeline.ts'
import { checkTypedHeader, typRule } from './lib/typed-header.ts'
import { resolveOptions, type CheckedToken, type VerifierOptions } from './lib/options.ts'

/**
 * Options of {@link createAccessTokenVerifier}: those of `createVerifier` (keys, cache, fetch, clock ...) with
 * `audience` naming this resource server, plus the authorization checks. Only `issuer` and `audience` are required.
 *
 * @example
 * ```ts
 * const api = createAccessTokenVerifier({
 *   issuer: 'https://login.example.com',
 *   audience: 'https://api.example.com',
 *   scopes: ['invoices:read'],
 * })
 * ```
 * @see [RFC 9068 §4](https://www.rfc-editor.org/rfc/rfc9068#section-4)
 */
export interface AccessTokenVerifierOptions extends Omit<VerifierOptions, 'audience' | 'algorithms' | 'check'> {
  /** This resource server's identifier(s) (RFC 8707 `resource`, or the provider's API audience): `aud` must contain one. */
  audience: string | readonly string[]
  /**
   * Allowlist for the header `alg`. Default `['RS256']`, the one algorithm RFC 9068 §4 requires: a discovery
   * document's `id_token_signing_alg_values_supported` describes ID tokens, not access tokens, so it is not used.
   */
  algorithms?: readonly SupportedAlgorithm[]
  /** Scopes every token must carry in its `scope` claim (space-separated, RFC 6749 §3.3). Default: none. */
  scopes?: readonly string[]
  /** The clients allowed to call: `client_id` must be one of them. Default: any client. */
  clientIds?: readonly string[]
  /** Accepted `acr` values: `acr` is then required and must be one of them. */
  acr?: readonly string[]
  /** Seconds: `auth_time` is then required and must be at most this old. */
  maxAuthAge?: number
  /**
   * Also accept a header `typ` of `JWT` or `application/jwt`, or none: for providers whose access tokens are plain
   * JWTs (Auth0, Entra ID, Okta, Keycloak, Cognito). Such a token looks like an ID token to a header check, so
   * this needs a `check` that tests the provider's own marker (Keycloak's `typ: "Bearer"` claim, Cognito's
   * `token_use: "access"`, Entra's `scp`/`roles`, Auth0's `gty`/`scope`); without one it is a TypeError. The
   * RFC 9068 `typ` (`at+jwt`) is accepted as well. Default false.
   */
  acceptJwtTyp?: boolean
  /**
   * With `acceptJwtTyp`: the claims required besides `iss`, `exp` and the audience claim. Default (RFC 9068 §2.2)
   * `['sub', 'client_id', 'iat', 'jti']`; Auth0 and Entra access tokens have neither `client_id` nor `jti`.
   */
  requiredClaims?: readonly AccessTokenClaimName[]
  /** With `acceptJwtTyp`: the claim `audience` is matched against. `'client_id'` for Cognito, whose access tokens have no `aud`. Default `'aud'`. */
  audienceClaim?: 'aud' | 'client_id'
  /** An extra rule, run after every standard check passed: throw to refuse the token (see `createVerifier`'s `check`). */
  check?: (token: CheckedToken<AccessTokenPayload>) => void
}

/**
 * A verified access token: what {@link AccessTokenVerifier.verify} resolves with.
 *
 * @example
 * ```ts
 * const { payload, header }: AccessTokenResult = await api.verify(token)
 * ```
 * @see [RFC 9068 §2](https://www.rfc-editor.org/rfc/rfc9068#section-2)
 */
export interface AccessTokenResult {
  /** The verified claims. */
  readonly payload: AccessTokenPayload
  /** The protected header. */
  readonly header: JwsHeader
}

/**
 * Verifies JWT access tokens (RFC 9068) for one resource server. Made by {@link createAccessTokenVerifier};
 * make one and keep it: it holds the fetched keys.
 *
 * @example
 * ```ts
 * const api: AccessTokenVerifier = createAccessTokenVerifier({ issuer, audience: 'https://api.example.com' })
 * const { payload } = await api.verify(token, { scopes: ['invoices:write'] })
 * ```
 * @see [RFC 9068 §4](https://www.rfc-editor.org/rfc/rfc9068#section-4)
 */
export interface AccessTokenVerifier {
  /**
   * Verifies a compact-serialized JWT access token: structure, header (`typ` `at+jwt`), algorithm, key,
   * signature, then the claims of RFC 9068 §4 and the authorization checks. Rejects with an `IdTokenError`;
   * a missing scope is `ERR_CLAIM_INVALID` with `claim` `'scope'`.
   */
  verify(token: string, checks?: AccessTokenChecks): Promise<AccessTokenResult>
  /** Fetches the discovery document and key set now, ignoring freshness and any failure back-off. */
  refresh(): Promise<void>
  /** Loads the cached discovery document and key set, and fetches only what is not fresh. */
  warm(): Promise<void>
}

const CHECK_NAMES = ['scopes', 'acr', 'maxAuthAge', 'subject']

/**
 * Creates a verifier for JWT access tokens (RFC 9068) from `issuer` for the resource server `audience`, on the
 * same core as `createVerifier` (key sets, caches, errors). An ID token or a logout token is refused by its
 * header `typ` (`ERR_HEADER_UNSUPPORTED`); a token for another resource by `aud`.
 *
 * @example
 * ```ts
 * import { createAccessTokenVerifier } from 'idtoken-verify'
 *
 * const api = createAccessTokenVerifier({ issuer: 'https://login.example.com', audience: 'https://api.example.com' })
 * const { payload } = await api.verify(token, { scopes: ['invoices:read'] })
 * console.log(payload.sub, payload.client_id)
 * ```
 * @throws TypeError when an option is missing or of the wrong kind.
 * @see [RFC 9068 §4](https://www.rfc-editor.org/rfc/rfc9068#section-4)
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const misuse = misuseOf('createAccessTokenVerifier')
  const resolved = resolveOptions(options as VerifierOptions, 'createAccessTokenVerifier')
  const { acceptJwtTyp = false, requiredClaims, audienceClaim = 'aud' } = options
  if (typeof acceptJwtTyp !== 'boolean') misuse('"acceptJwtTyp" must be a boolean')
  if (acceptJwtTyp && resolved.check === undefined) {
    misuse(
      '"acceptJwtTyp" needs a "check" that tests the provider\'s access-token marker: a plain JWT could be an ID token',
    )
  }
  if (!acceptJwtTyp && (requiredClaims !== undefined || options.audienceClaim !== undefined)) {
    misuse('"requiredClaims" and "audienceClaim" apply only with "acceptJwtTyp": an RFC 9068 token has every claim')
  }
  if (audienceClaim !== 'aud' && audienceClaim !== 'client_id') misuse('"audienceClaim" must be "aud" or "client_id"')
  const required = stringsOption(requiredClaims ?? ACCESS_TOKEN_CLAIMS, 'requiredClaims', misuse)!
  if (required.some((claim) => !(ACCESS_TOKEN_CLAIMS as readonly string[]).includes(claim))) {
    misuse(`"requiredClaims" may name only ${ACCESS_TOKEN_CLAIMS.join(', ')}`)
  }
  const access: AccessPolicy = {
    required: ['iss', 'exp', audienceClaim, ...required],
    audienceClaim,
    scopes: stringsOption(options.scopes, 'scopes', misuse, true) ?? [],
    clientIds: stringsOption(options.clientIds, 'clientIds', misuse),
    acr: stringsOption(options.acr, 'acr', misuse),
    maxAuthAge: secondsOption(options.maxAuthAge, 'maxAuthAge', misuse),
  }
  const typ = typRule(
    'at+jwt',
    'an access token',
    'access tokens',
    acceptJwtTyp,
    acceptJwtTyp ? ['jwt', 'application/jwt'] : [],
  )
  const verifyMisuse = misuseOf('verify')
  return createPipeline(resolved, {
    // RFC 9068 §4: RS256 unless configured; never the ID-token algorithms a discovery document announces.
    algorithmsFromDiscovery: false,
    header: (header) => checkTypedHeader(header, typ),
    hint: idTokenHint,
    decode: checkAccessClaimTypes,
    validate(checks) {
      checkNames(checks, CHECK_NAMES, verifyMisuse)
      stringsOption(checks.scopes, 'scopes', verifyMisuse, true)
      stringsOption(checks.acr, 'acr', verifyMisuse)
      secondsOption(checks.maxAuthAge, 'maxAuthAge', verifyMisuse)
      if (checks.subject !== undefined && typeof checks.subject !== 'string') verifyMisuse('"subject" must be a string')
    },
    claims: (payload, policy, checks, now) => checkAccessClaims(payload, policy, access, checks, now),
  })
}
