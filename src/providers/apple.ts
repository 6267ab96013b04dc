import type { VerifierOptions } from '../index.ts'
import { requireObject, strings } from './shared.ts'

/**
 * Options of {@link apple}.
 *
 * @example
 * ```ts
 * const options: AppleOptions = { clientId: ['com.example.app', 'com.example.web'] }
 * ```
 * @see [Verifying a user (Sign in with Apple)](https://developer.apple.com/documentation/signinwithapple/verifying-a-user)
 */
export interface AppleOptions {
  /**
   * Who the token may be for (`aud`): the app's bundle ID for sign-in on Apple platforms, the Services ID for sign-in
   * on the web or other platforms. List both when the app signs in both ways.
   */
  clientId: string | readonly string[]
}

/**
 * Verifier options for Sign in with Apple: `iss` `https://appleid.apple.com`, Apple's key set
 * `https://appleid.apple.com/auth/keys` (no discovery request), RS256, and `aud` one of your bundle or Services IDs.
 *
 * Apple writes some booleans as strings: `email_verified`, `is_private_email` may be `"true"` / `"false"`. They
 * are passed on as they are: compare with both, e.g. `payload.email_verified === true || payload.email_verified === 'true'`.
 * The email and name arrive on the first sign-in only.
 *
 * @example
 * ```ts
 * import { createVerifier } from 'idtoken-verify'
 * import { apple } from 'idtoken-verify/providers'
 *
 * const verifier = createVerifier(apple({ clientId: ['com.example.app', 'com.example.web'] }))
 * const { payload } = await verifier.verify(identityToken, { nonce })
 * ```
 * @throws TypeError when `clientId` is missing or of the wrong kind.
 * @see [Verifying a user (Sign in with Apple)](https://developer.apple.com/documentation/signinwithapple/verifying-a-user)
 * @see [Authenticating users with Sign in with Apple](https://developer.apple.com/documentation/signinwithapple/authenticating-users-with-sign-in-with-apple)
 */
export function apple(options: AppleOptions): VerifierOptions {
  requireObject('apple', options)
  return {
    issuer: 'https://appleid.apple.com',
    audience: strings('apple', 'clientId', options.clientId),
    jwksUri: 'https://appleid.apple.com/auth/keys',
    algorithms: ['RS256'],
  }
}
