import type { CheckedToken, VerifierOptions } from '../index.ts'
import { listed, misuse, refuse, requireObject, strings } from './shared.ts'

/**
 * Options of {@link google}.
 *
 * @example
 * ```ts
 * const options: GoogleOptions = { clientId: ['1234-web.apps.googleusercontent.com', '1234-android.apps.googleusercontent.com'] }
 * ```
 * @see [Verify the Google ID token on your server side](https://developers.google.com/identity/gsi/web/guides/verify-google-id-token)
 */
export interface GoogleOptions {
  /**
   * Your OAuth client ID(s) from the Google Cloud console: `aud` must be one of them. List every client of the app
   * (web, Android, iOS): a token obtained on Android or iOS for your server names the mobile client in `azp`.
   */
  clientId: string | readonly string[]
  /**
   * Accept only accounts of these Google Workspace (or Cloud Identity) domains, by the `hd` claim. Without it, any
   * Google account, including `@gmail.com` ones, is accepted; an `email` domain is not proof of membership.
   */
  hostedDomain?: string | readonly string[]
}

/** Google's two spellings of its issuer: tokens carry either. */
export const GOOGLE_ISSUERS: readonly string[] = ['https://accounts.google.com', 'accounts.google.com']

/**
 * Verifier options for Sign in with Google (Google Identity Services, Google's OpenID Connect): both issuer
 * spellings (`https://accounts.google.com` and `accounts.google.com`), Google's key set
 * `https://www.googleapis.com/oauth2/v3/certs` (no discovery request), RS256, and `aud` one of your client IDs.
 *
 * @example
 * ```ts
 * import { createVerifier } from 'idtoken-verify'
 * import { google } from 'idtoken-verify/providers'
 *
 * const verifier = createVerifier(google({ clientId: process.env.GOOGLE_CLIENT_ID }))
 * const { payload } = await verifier.verify(credential)
 * ```
 * @throws TypeError when `clientId` or `hostedDomain` is missing or of the wrong kind.
 * @see [Verify the Google ID token on your server side](https://developers.google.com/identity/gsi/web/guides/verify-google-id-token)
 * @see [OpenID Connect (Google Identity)](https://developers.google.com/identity/openid-connect/openid-connect#validatinganidtoken)
 */
export function google(options: GoogleOptions): VerifierOptions {
  requireObject('google', options)
  const audience = strings('google', 'clientId', options.clientId)
  const result: VerifierOptions = {
    issuer: GOOGLE_ISSUERS,
    audience,
    jwksUri: 'https://www.googleapis.com/oauth2/v3/certs',
    algorithms: ['RS256'],
  }
  if (options.hostedDomain === undefined) return result
  const domains = strings('google', 'hostedDomain', options.hostedDomain)
  const allowed = typeof domains === 'string' ? [domains] : domains
  if (allowed.some((domain) => domain.includes('@') || domain.includes('/')))
    misuse('google', '"hostedDomain" must be domain names like "example.com"')
  result.check = ({ payload }: CheckedToken) => {
    if (typeof payload.hd !== 'string')
      refuse('hd', `the "hd" claim is missing: not an account of the hosted domain ${listed(allowed)}`)
    if (!allowed.includes(payload.hd)) refuse('hd', `the "hd" claim is not the hosted domain ${listed(allowed)}`)
  }
  return result
}
