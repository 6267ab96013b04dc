import type { JwsHeader } from './lib/header.ts'
import { checkLogoutClaims, checkLogoutClaimTypes, type LogoutTokenPayload } from './lib/logout-claims.ts'
import { fail } from './lib/fail.ts'
import { misuseOf } from './lib/misuse.ts'
import { createPipeline } from './lib/pipeline.ts'
import { memoryReplayGuard, type ReplayGuard } from './lib/replay.ts'
import { checkTypedHeader, typRule } from './lib/typed-header.ts'
import { resolveOptions, type CheckedToken, type VerifierOptions } from './lib/options.ts'

/**
 * Options of {@link createLogoutTokenVerifier}: those of `createVerifier` (the same issuer, client id, keys and
 * caches as the ID tokens of this client), with a short default `maxTokenAge` and the replay guard.
 *
 * @example
 * ```ts
 * const logout = createLogoutTokenVerifier({ issuer: 'https://login.example.com', audience: 'my-client-id' })
 * ```
 * @see [OpenID Connect Back-Channel Logout 1.0 §2.6](https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation)
 */
export interface LogoutTokenVerifierOptions extends Omit<VerifierOptions, 'check'> {
  /** Seconds: reject tokens whose `iat` is older (the short window of §2.6 step 4). Default 120. */
  maxTokenAge?: number
  /**
   * Also accept a header without `typ` (explicit typing is only RECOMMENDED by §2.4). A `typ` other than
   * `logout+jwt` is refused either way. Default false.
   */
  acceptMissingTyp?: boolean
  /**
   * Refuses a token whose `jti` was received before (§2.6 step 8). Default: a bounded memory of the ids seen by
   * this verifier in this process; with several processes or instances, pass a guard over a shared store.
   * `false` turns the check off.
   */
  replay?: ReplayGuard | false
  /** An extra rule, run after every standard check passed: throw to refuse the token (see `createVerifier`'s `check`). */
  check?: (token: CheckedToken<LogoutTokenPayload>) => void
}

/**
 * A verified logout token: what {@link LogoutTokenVerifier.verify} resolves with.
 *
 * @example
 * ```ts
 * const { payload }: LogoutTokenResult = await logout.verify(logoutToken)
 * ```
 * @see [OpenID Connect Back-Channel Logout 1.0 §2.4](https://openid.net/specs/openid-connect-backchannel-1_0.html#LogoutToken)
 */
export interface LogoutTokenResult {
  /** The verified claims. */
  readonly payload: LogoutTokenPayload
  /** The protected header. */
  readonly header: JwsHeader
}

/**
 * Verifies the logout tokens an OpenID provider posts to this client's back-channel logout endpoint. Made by
 * {@link createLogoutTokenVerifier}.
 *
 * @example
 * ```ts
 * const { payload } = await logout.verify(form.get('logout_token') ?? '')
 * ```
 * @see [OpenID Connect Back-Channel Logout 1.0 §2.6](https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation)
 */
export interface LogoutTokenVerifier {
  /**
   * Verifies a logout token: header (`typ` `logout+jwt`), algorithm, key, signature, the claims of §2.6, the
   * `check` option, and last the replay guard. Rejects with an `IdTokenError`; a replayed token is
   * `ERR_CLAIM_INVALID` with `claim` `'jti'`.
   */
  verify(token: string): Promise<LogoutTokenResult>
  /** Fetches the discovery document and key set now, ignoring freshness and any failure back-off. */
  refresh(): Promise<void>
  /** Loads the cached discovery document and key set, and fetches only what is not fresh. */
  warm(): Promise<void>
}

const LOGOUT_TOKEN_MAX_AGE = 120

/**
 * Creates a verifier for OpenID Connect Back-Channel Logout tokens from `issuer` to the client `audience`, on
 * the same core as `createVerifier` (key sets, caches, errors, the discovered algorithms). An ID token or an
 * access token is refused by its header `typ` (`ERR_HEADER_UNSUPPORTED`), and without a typ by its claims
 * (no `events`).
 *
 * @example
 * ```ts
 * import { createLogoutTokenVerifier } from 'idtoken-verify'
 *
 * const logout = createLogoutTokenVerifier({ issuer: 'https://login.example.com', audience: 'my-client-id' })
 * const { payload } = await logout.verify(logoutToken)
 * ```
 * @throws TypeError when an option is missing or of the wrong kind.
 * @see [OpenID Connect Back-Channel Logout 1.0 §2.6](https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation)
 */
export function createLogoutTokenVerifier(options: LogoutTokenVerifierOptions): LogoutTokenVerifier {
  const misuse = misuseOf('createLogoutTokenVerifier')
  if (typeof options !== 'object' || options === null) misuse('options are required')
  const resolved = resolveOptions(
    { ...options, maxTokenAge: options.maxTokenAge ?? LOGOUT_TOKEN_MAX_AGE } as VerifierOptions,
    'createLogoutTokenVerifier',
  )
  const { acceptMissingTyp = false, replay: guard } = options
  if (typeof acceptMissingTyp !== 'boolean') misuse('"acceptMissingTyp" must be a boolean')
  if (guard !== undefined && guard !== false && typeof guard !== 'function')
    misuse('"replay" must be a function or false')
  const replay = guard ?? memoryReplayGuard(resolved.now)
  const typ = typRule('logout+jwt', 'a logout token', 'logout tokens', acceptMissingTyp)
  const maxAge = resolved.maxTokenAge! + resolved.clockTolerance
  const core = createPipeline(resolved, {
    algorithmsFromDiscovery: true,
    header: (header) => checkTypedHeader(header, typ),
    hint: () => '',
    decode: checkLogoutClaimTypes,
    validate() {},
    claims: (payload, policy, _checks, now) => checkLogoutClaims(payload, policy, now),
  })
  return {
    async verify(token) {
      // No per-call checks: an argument here is a mistake (an ID token's `{ nonce }`?).
      if (arguments.length > 1) misuseOf('verify')('a logout token takes no checks')
      const result = await core.verify(token)
      if (replay !== false) {
        const { jti, iss, iat, exp } = result.payload
        const expiresAt = Math.min(iat + maxAge, exp === undefined ? Infinity : exp + resolved.clockTolerance)
        if (await replay({ jti, iss, expiresAt }))
          fail('ERR_CLAIM_INVALID', 'the logout token was received before ("jti")', { claim: 'jti' })
      }
      return result
    },
    refresh: core.refresh,
    warm: core.warm,
  }
}
