import type { CheckedToken, VerifierOptions } from '../index.ts'
import { misuse, part, refuse, requireObject, strings } from './shared.ts'

/**
 * Options of {@link cognito}.
 *
 * @example
 * ```ts
 * const options: CognitoOptions = { region: 'eu-west-1', userPoolId: 'eu-west-1_AbCdEf123', clientId: '1example23456789' }
 * ```
 * @see [Verifying JSON web tokens (Amazon Cognito)](https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html)
 */
export interface CognitoOptions {
  /** The user pool's AWS Region (`eu-west-1`); default: the region the user pool ID starts with. */
  region?: string
  /** The user pool ID, `<region>_<id>` (`eu-west-1_AbCdEf123`). */
  userPoolId: string
  /** The app client ID(s): the ID token's `aud` must be one of them. */
  clientId: string | readonly string[]
}

/**
 * Verifier options for Amazon Cognito user pools: `iss` `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`
 * (keys from its discovery document, `…/.well-known/jwks.json`), `aud` your app client ID, and `token_use` `"id"`:
 * Cognito's access tokens are signed by the same keys, and `token_use: "access"` tells them apart.
 *
 * @example
 * ```ts
 * import { createVerifier } from 'idtoken-verify'
 * import { cognito } from 'idtoken-verify/providers'
 *
 * const verifier = createVerifier(cognito({ region: 'eu-west-1', userPoolId: 'eu-west-1_AbCdEf123', clientId }))
 * const { payload } = await verifier.verify(idToken)
 * const username = payload['cognito:username']
 * ```
 * @throws TypeError when `userPoolId` or `clientId` is missing or of the wrong form, or `region` is not the user
 * pool's.
 * @see [Verifying JSON web tokens (Amazon Cognito)](https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html)
 * @see [Understanding the identity (ID) token](https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html)
 */
export function cognito(options: CognitoOptions): VerifierOptions {
  requireObject('cognito', options)
  const userPoolId = part(
    'cognito',
    'userPoolId',
    options.userPoolId,
    /^[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+$/,
    'a user pool ID like "eu-west-1_AbCdEf123"',
  )
  const poolRegion = userPoolId.slice(0, userPoolId.indexOf('_'))
  const region =
    options.region === undefined
      ? poolRegion
      : part('cognito', 'region', options.region, /^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS Region like "eu-west-1"')
  if (region !== poolRegion)
    misuse(
      'cognito',
      `"userPoolId" "${userPoolId}" is a user pool of the region "${poolRegion}", not of "region" "${region}"`,
    )
  return {
    issuer: `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`,
    audience: strings('cognito', 'clientId', options.clientId),
    check: checkToken,
  }
}

function checkToken({ payload }: CheckedToken): void {
  if (payload.token_use !== 'id') {
    refuse(
      'token_use',
      payload.token_use === 'access'
        ? 'the "token_use" claim is not "id": the token is a Cognito access token, not an ID token'
        : 'the "token_use" claim is not "id" (Cognito ID tokens carry token_use "id")',
    )
  }
}
