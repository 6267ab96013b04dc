// What to do about each rejection:
//   OIDC_ISSUER=https://login.example.com OIDC_CLIENT_ID=my-client-id node errors.mjs "$ID_TOKEN" "$NONCE"
import { createVerifier, IdTokenError } from 'idtoken-verify'

const verifier = createVerifier({ issuer: process.env.OIDC_ISSUER, audience: process.env.OIDC_CLIENT_ID })

/** Maps a failed verification to what the application does next. */
function nextStep(error) {
  if (!(error instanceof IdTokenError)) throw error // a bug (or a TypeError for misuse), not a bad token
  switch (error.code) {
    case 'ERR_JWKS_UNAVAILABLE':
      // The provider cannot be reached and no cached keys are usable: temporary, not the user's fault.
      return 'retry later'
    case 'ERR_JWKS_INVALID':
      // The provider's discovery document or key set is broken, or the issuer option is wrong.
      return 'alert operators'
    case 'ERR_TOKEN_EXPIRED':
    case 'ERR_TOKEN_NOT_YET_VALID':
      // A stale sign-in, or this device's clock is off (error.skew says by how much with serverTime).
      return 'sign in again'
    case 'ERR_CLAIM_INVALID':
      // error.claim says which: "nonce" is a replayed or mixed-up response, "aud" a token for another app.
      return error.claim === 'auth_time' ? 'sign in again with prompt=login' : `reject (claim "${error.claim}")`
    default:
      // Malformed, unsupported header, algorithm not allowed, unknown key, bad signature: forged or corrupted.
      return 'reject'
  }
}

try {
  const { payload } = await verifier.verify(process.argv[2], { nonce: process.argv[3] })
  console.log(`signed in: ${payload.sub}`)
} catch (error) {
  console.log(`${error.code}: ${nextStep(error)}`)
}
