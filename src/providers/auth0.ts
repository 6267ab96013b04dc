import type { VerifierOptions } from '../index.ts'
import { part, requireObject, strings } from './shared.ts'

/**
 * Options of {@link auth0}.
 *
 * @example
 * ```ts
 * const options: Auth0Options = { domain: 'example.eu.auth0.com', clientId: 'AbCdEf0123456789' }
 * ```
 * @see [Auth0: validate ID tokens](https://auth0.com/docs/secure/tokens/id-tokens/validate-id-tokens)
 */
export interface Auth0Options {
  /** The tenant's domain (`example.eu.auth0.com`) or its custom domain, as a host name: no `https://`, no path. */
  domain: string
  /** The application's client ID(s): `aud` must be one of them. */
  clientId: string | readonly string[]
}

/**
 * Verifier options for Auth0: `iss` `https://<domain>/` (with the trailing slash Auth0 puts in every issuer), keys and
 * algorithms from the tenant's discovery document. The application must sign ID tokens with RS256 or PS256
 * (Dashboard, Application, Advanced Settings, OAuth): HS256 ID tokens are signed with the client secret, which a
 * public-key verifier does not use.
 *
 * @example
 * ```ts
 * import { createVerifier } from 'idtoken-verify'
 * import { auth0 } from 'idtoken-verify/providers'
 *
 * const verifier = createVerifier(auth0({ domain: 'example.eu.auth0.com', clientId }))
 * const { payload } = await verifier.verify(idToken, { nonce })
 * ```
 * @throws TypeError when `domain` is not a host name or `clientId` is missing.
 * @see [Auth0: validate ID tokens](https://auth0.com/docs/secure/tokens/id-tokens/validate-id-tokens)
 * @see [Auth0: ID token structure](https://auth0.com/docs/secure/tokens/id-tokens/id-token-structure)
 */
export function auth0(options: Auth0Options): VerifierOptions {
  requireObject('auth0', options)
  const domain = part(
    'auth0',
    'domain',
    options.domain,
    /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/,
    'a host name like "example.eu.auth0.com", without a scheme, path or trailing "/"',
  )
  return { issuer: `https://${domain.toLowerCase()}/`, audience: strings('auth0', 'clientId', options.clientId) }
}
