import {
  accessTokenHint,
  checkClaims,
  checkClaimTypes,
  checkTokenHashes,
  type IdTokenPayload,
  type VerifyChecks,
} from './lib/claims.ts'
import { checkHeaderSupported, type JwsHeader } from './lib/header.ts'
import { createPipeline, type Profile } from './lib/pipeline.ts'
import { checkVerifyChecks, resolveOptions, type VerifierOptions } from './lib/options.ts'

/**
 * A verified ID token: what {@link IdTokenVerifier.verify} resolves with.
 *
 * @example
 * ```ts
 * const { payload, header }: VerifyResult = await verifier.verify(idToken, { nonce })
 * ```
 * @see [OpenID Connect Core 1.0 §3.1.3.7](https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation)
 */
export interface VerifyResult {
  /** The verified claims. */
  readonly payload: IdTokenPayload
  /** The protected header. */
  readonly header: JwsHeader
}

/**
 * Verifies ID tokens of one issuer for one client. Made by {@link createVerifier}; make one per
 * issuer and client and keep it: it holds the fetched keys.
 *
 * @example
 * ```ts
 * const verifier: IdTokenVerifier = createVerifier({ issuer, audience })
 * await verifier.warm() // optional: fetch keys at start-up
 * const { payload } = await verifier.verify(idToken, { nonce })
 * ```
 * @see [OpenID Connect Core 1.0 §3.1.3.7](https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation)
 * @see [OpenID Connect Core 1.0 §10.1.1](https://openid.net/specs/openid-connect-core-1_0.html#RotateSigKeys) (key rotation)
 */
export interface IdTokenVerifier {
  /**
   * Verifies a compact-serialized ID token: structure, header, algorithm, key, signature, then every
   * claim rule of OpenID Connect Core 3.1.3.7. Resolves with the payload and header, or rejects with
   * an {@link IdTokenError}.
   */
  verify(token: string, checks?: VerifyChecks): Promise<VerifyResult>
  /** Fetches the discovery document and key set now, ignoring freshness and any failure back-off. */
  refresh(): Promise<void>
  /**
   * Pre-warms at start-up: loads the cached discovery document and key set, and fetches only what is
   * not fresh, so the first verification does not wait. Rejects like a verification would.
   */
  warm(): Promise<void>
}

// The ID-token profile: OpenID Connect Core 3.1.3.7 on the shared core.
const ID_TOKEN: Profile<IdTokenPayload, VerifyChecks> = {
  algorithmsFromDiscovery: true,
  header: checkHeaderSupported,
  hint: accessTokenHint,
  decode: checkClaimTypes,
  validate: checkVerifyChecks,
  claims: checkClaims,
  hashes: (payload, checks, hash) =>
    checks.accessToken !== undefined || checks.code !== undefined ? checkTokenHashes(payload, checks, hash) : undefined,
}

/**
 * Creates a verifier for ID tokens from `issuer` to `audience`. Nothing is fetched until the first
 * verification (or {@link IdTokenVerifier.refresh}); keys are then kept and shared by every call.
 *
 * @example
 * ```ts
 * import { createVerifier } from 'idtoken-verify'
 *
 * const verifier = createVerifier({ issuer: 'https://login.example.com', audience: 'my-client-id' })
 * const { payload } = await verifier.verify(idToken, { nonce })
 * console.log(payload.sub)
 * ```
 * @throws TypeError when an option is missing or of the wrong kind.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 */
export function createVerifier(options: VerifierOptions): IdTokenVerifier {
  return createPipeline(resolveOptions(options), ID_TOKEN)
}
