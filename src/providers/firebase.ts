import type { CheckedToken, VerifierOptions } from '../index.ts'
import { misuse, refuse, requireObject } from './shared.ts'

/**
 * Options of {@link firebase}.
 *
 * @example
 * ```ts
 * const options: FirebaseOptions = { projectId: 'my-project-1234' }
 * ```
 * @see [Verify ID tokens using a third-party JWT library](https://firebase.google.com/docs/auth/admin/verify-id-tokens#verify_id_tokens_using_a_third-party_jwt_library)
 */
export interface FirebaseOptions {
  /** The Firebase project ID (Project settings, "Project ID"), not the project number or an app ID. */
  projectId: string
}

/** The Firebase ID tokens' key set, as a JWK set (the URL in Firebase's docs serves the same keys as X.509 PEM). */
export const FIREBASE_JWKS_URI =
  'https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com'

/**
 * Verifier options for Firebase Authentication (and Google Cloud Identity Platform) ID tokens, as Firebase's docs
 * list the rules: `iss` `https://securetoken.google.com/<projectId>`, `aud` the project ID, RS256 with a key of
 * Google's `securetoken` key set (a fixed URL: there is no discovery document), `auth_time` present and in the past
 * (the verifier refuses a future one), and `sub` a non-empty string of at most 128 characters (the user's `uid`).
 *
 * @example
 * ```ts
 * import { createVerifier } from 'idtoken-verify'
 * import { firebase } from 'idtoken-verify/providers'
 *
 * const verifier = createVerifier(firebase({ projectId: 'my-project-1234' }))
 * const { payload } = await verifier.verify(idToken) // from user.getIdToken() in the app
 * const uid = payload.sub
 * ```
 * @throws TypeError when `projectId` is missing or not a project ID.
 * @see [Verify ID tokens using a third-party JWT library](https://firebase.google.com/docs/auth/admin/verify-id-tokens#verify_id_tokens_using_a_third-party_jwt_library)
 */
export function firebase(options: FirebaseOptions): VerifierOptions {
  requireObject('firebase', options)
  const { projectId } = options
  if (typeof projectId !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(projectId)) {
    misuse(
      'firebase',
      '"projectId" must be the project ID (lower-case letters, digits and hyphens, like "my-project-1234")',
    )
  }
  if (/^\d+$/.test(projectId))
    misuse('firebase', '"projectId" looks like the project number: pass the project ID (like "my-project-1234")')
  return {
    issuer: `https://securetoken.google.com/${projectId}`,
    audience: projectId,
    jwksUri: FIREBASE_JWKS_URI,
    algorithms: ['RS256'],
    check: checkToken,
  }
}

function checkToken({ payload }: CheckedToken): void {
  // The verifier already refuses an auth_time in the future; Firebase requires the claim.
  if (payload.auth_time === undefined)
    refuse('auth_time', 'the "auth_time" claim is missing (Firebase ID tokens carry it)')
  if (payload.sub.length > 128)
    refuse('sub', 'the "sub" claim is longer than 128 characters (a Firebase uid is at most 128)')
}
