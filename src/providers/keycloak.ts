import type { CheckedToken, VerifierOptions } from '../index.ts'
import { baseUrl, misuse, part, refuse, requireObject, strings } from './shared.ts'

/**
 * Options of {@link keycloak}.
 *
 * @example
 * ```ts
 * const options: KeycloakOptions = { url: 'https://sso.example.com', realm: 'main', clientId: 'my-app' }
 * ```
 * @see [Keycloak: OpenID Connect endpoints](https://www.keycloak.org/securing-apps/oidc-layers)
 */
export interface KeycloakOptions {
  /**
   * The server's base URL, without `/realms/...`: `https://sso.example.com`, or with the context path of Keycloak
   * 16 and older or of a custom `http-relative-path` (`https://sso.example.com/auth`).
   */
  url: string
  /** The realm name. */
  realm: string
  /** The client ID(s) in the realm: `aud` must be one of them. */
  clientId: string | readonly string[]
}

/**
 * Verifier options for Keycloak (and Red Hat build of Keycloak): `iss` `<url>/realms/<realm>`, keys from the realm's
 * discovery document (its key set also lists encryption keys, `use: "enc"`, which are never used to verify), and
 * the payload's `typ` `"ID"`: Keycloak's access tokens are signed by the same keys and may carry the client in
 * `aud` (an audience mapper), but their `typ` is `"Bearer"`.
 *
 * @example
 * ```ts
 * import { createVerifier } from 'idtoken-verify'
 * import { keycloak } from 'idtoken-verify/providers'
 *
 * const verifier = createVerifier(keycloak({ url: 'https://sso.example.com', realm: 'main', clientId: 'my-app' }))
 * const { payload } = await verifier.verify(idToken, { nonce })
 * ```
 * @throws TypeError when `url`, `realm` or `clientId` is missing or of the wrong form.
 * @see [Keycloak: OpenID Connect endpoints](https://www.keycloak.org/securing-apps/oidc-layers)
 * @see [Keycloak server administration: OIDC token and SAML assertion mappings](https://www.keycloak.org/docs/latest/server_admin/#_protocol-mappers)
 */
export function keycloak(options: KeycloakOptions): VerifierOptions {
  requireObject('keycloak', options)
  // http for a local development server (http://localhost:8080).
  const url = baseUrl('keycloak', 'url', options.url, 'https://sso.example.com', true)
  if (/\/realms(\/|$)/.test(url))
    misuse('keycloak', '"url" is the server\'s base URL, without "/realms/<realm>": pass the realm as "realm"')
  const realm = part('keycloak', 'realm', options.realm, /^[^/?#\s]+$/, 'a realm name like "main"')
  return {
    issuer: `${url}/realms/${encodeURIComponent(realm)}`,
    audience: strings('keycloak', 'clientId', options.clientId),
    check: checkToken,
  }
}

function checkToken({ payload }: CheckedToken): void {
  if (payload.typ !== 'ID') {
    refuse(
      'typ',
      payload.typ === 'Bearer'
        ? 'the "typ" claim is not "ID": the token is a Keycloak access token, not an ID token'
        : 'the "typ" claim is not "ID" (Keycloak ID tokens carry typ "ID")',
    )
  }
}
