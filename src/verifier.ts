import { algorithmSpec, type SupportedAlgorithm } from './lib/algorithms.ts'
import { checkClaims, checkClaimTypes, checkTokenHashes, type ClaimPolicy, type IdTokenPayload, type VerifyChecks } from './lib/claims.ts'
import { fail } from './lib/fail.ts'
import { checkHeader, checkHeaderSupported, type JwsHeader } from './lib/header.ts'
import { decodeJsonSegment, decodeSignature, signingInput, splitCompact } from './lib/jws.ts'
import { createKeySource } from './lib/key-source.ts'
import { verifySignature } from './lib/signature.ts'
import { checkVerifyChecks, resolveOptions, type VerifierOptions } from './options.ts'

/** A verified ID token. */
export interface VerifyResult {
  readonly payload: IdTokenPayload
  readonly header: JwsHeader
}

/** Verifies ID tokens of one issuer for one client. Made by {@link createVerifier}. */
export interface IdTokenVerifier {
  /**
   * Verifies a compact-serialized ID token: structure, header, algorithm, key, signature, then every
   * claim rule of OpenID Connect Core 3.1.3.7. Resolves with the payload and header, or rejects with
   * an {@link IdTokenError}.
   */
  verify(token: string, checks?: VerifyChecks): Promise<VerifyResult>
  /** Fetches the discovery document and key set now, ignoring freshness; use it to pre-warm at start-up. */
  refresh(): Promise<void>
}

const NO_CHECKS: VerifyChecks = Object.freeze({})
const DEFAULT_ALGORITHMS: readonly SupportedAlgorithm[] = ['RS256']

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
  const resolved = resolveOptions(options)
  const { now, allowlist } = resolved
  const source = createKeySource({
    issuer: resolved.issuer,
    jwksUri: resolved.jwksUri,
    http: { fetch: resolved.fetch, timeout: resolved.timeout },
    cooldown: resolved.cooldown * 1000,
    now,
  })
  const policy: ClaimPolicy = {
    issuer: resolved.issuer,
    audiences: resolved.audiences,
    clockTolerance: resolved.clockTolerance,
    maxTokenAge: resolved.maxTokenAge,
  }
  let discoveredAllowlist: ReadonlySet<string> | undefined

  async function algorithmsAllowed(): Promise<ReadonlySet<string>> {
    if (allowlist !== undefined) return allowlist
    if (discoveredAllowlist !== undefined) return discoveredAllowlist
    const discovered = await source.discoveredAlgorithms()
    discoveredAllowlist = new Set(discovered ?? DEFAULT_ALGORITHMS)
    return discoveredAllowlist
  }

  return {
    async verify(token, checks = NO_CHECKS) {
      if (checks !== NO_CHECKS) checkVerifyChecks(checks)
      const parts = splitCompact(token, resolved.maxTokenLength)
      const header = checkHeader(decodeJsonSegment(parts.token, 0, parts.dot1, 'header'))
      const allowed = allowlist ?? discoveredAllowlist ?? (await algorithmsAllowed())
      const spec = allowed.has(header.alg) ? algorithmSpec(header.alg) : undefined
      if (spec === undefined) fail('ERR_ALG_NOT_ALLOWED', 'the header "alg" is not an allowed algorithm')
      checkHeaderSupported(header)
      const payload = checkClaimTypes(decodeJsonSegment(parts.token, parts.dot1 + 1, parts.dot2, 'payload'))
      const signature = decodeSignature(parts)

      const key = await source.key(header.kid, header.alg, spec)
      if (!(await verifySignature(spec, key, signature, signingInput(parts)))) {
        fail('ERR_SIGNATURE_INVALID', 'the signature does not verify')
      }
      checkClaims(payload, policy, checks, now() / 1000)
      if (checks.accessToken !== undefined || checks.code !== undefined) {
        await checkTokenHashes(payload, checks, spec.hash)
      }
      return { payload, header }
    },

    refresh() {
      discoveredAllowlist = undefined
      return source.refresh()
    },
  }
}

