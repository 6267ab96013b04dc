import type { VerifierOptions } from '../index.ts'
import { baseUrl, requireObject, strings } from './shared.ts'

/**
 * Options of {@link okta}.
 *
 * @example
 * ```ts
 * const options: OktaOptions = { issuer: 'https://example.okta.com/oauth2/default', clientId: '0oa1b2c3d4e5f6g7h8i9' }
 * ```
 * @see [Okta: validate ID tokens](https://developer.okta.com/docs/guides/validate-id-tokens/main/)
 */
export interface OktaOptions {
  /**
   * The authorization server's issuer, exactly as its discovery document names it: a custom authorization server
   * (`https://example.okta.com/oauth2/default`, `https://example.okta.com/oauth2/aus…`) or the org authorization
   * server (`https://example.okta.com`). Tokens of one are never valid for the other.
   */
  issuer: string
  /** The app integration's client ID(s): `aud` must be one of them. */
  clientId: string | readonly string[]
}

/**
 * Verifier options for Okta (and Auth0 by Okta's Workforce Identity): the issuer as given, keys and algorithms
 * from its discovery document. Okta's access tokens of a custom authorization server have the server's audience
 * (`api://default`), not the client ID, so they fail the `aud` check.
 *
 * @example
 * ```ts
 * import { createVerifier } from 'idtoken-verify'
 * import { okta } from 'idtoken-verify/providers'
 *
 * const verifier = createVerifier(okta({ issuer: 'https://example.okta.com/oauth2/default', clientId }))
 * const { payload } = await verifier.verify(idToken, { nonce })
 * ```
 * @throws TypeError when `issuer` is not an https URL without a trailing slash, or `clientId` is missing.
 * @see [Okta: validate ID tokens](https://developer.okta.com/docs/guides/validate-id-tokens/main/)
 * @see [Okta: authorization servers](https://developer.okta.com/docs/concepts/auth-servers/)
 */
export function okta(options: OktaOptions): VerifierOptions {
  requireObject('okta', options)
  const issuer = baseUrl('okta', 'issuer', options.issuer, 'https://example.okta.com/oauth2/default')
  return { issuer, audience: strings('okta', 'clientId', options.clientId) }
}
