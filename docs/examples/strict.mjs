// The tightest configuration for a provider you know:
//   OIDC_ISSUER=https://login.example.com OIDC_CLIENT_ID=my-client-id node strict.mjs "$ID_TOKEN" "$NONCE" "$ACCESS_TOKEN"
import { createVerifier } from 'idtoken-verify'

const verifier = createVerifier({
  issuer: process.env.OIDC_ISSUER,
  audience: process.env.OIDC_CLIENT_ID,
  algorithms: ['ES256'], // exactly what the provider signs with, not whatever discovery announces
  clockTolerance: 30, // seconds of leeway for exp, nbf, iat and auth_time
  maxTokenAge: 600, // refuse ID tokens issued more than 10 minutes ago
  maxTokenLength: 8192, // refuse oversized tokens before any parsing
  staleIfError: 3600, // during an outage, trust cached keys for one hour past freshness, not six
})

const [idToken, nonce, accessToken] = process.argv.slice(2)
const { payload, header } = await verifier.verify(idToken, {
  nonce, // the nonce this sign-in sent: stops replayed tokens
  maxAge: 300, // the max_age this sign-in sent: requires a recent auth_time
  accessToken, // the access token issued with it: at_hash must match
})
console.log(`verified: sub=${payload.sub} alg=${header.alg}`)
