// Verify an ID token given on the command line (Node 20 or later):
//   OIDC_ISSUER=https://login.example.com OIDC_CLIENT_ID=my-client-id node node-verify.mjs "$ID_TOKEN"
import { createVerifier, IdTokenError } from 'idtoken-verify'

// One verifier per issuer and client, made once and kept: it holds the fetched keys.
const verifier = createVerifier({
  issuer: process.env.OIDC_ISSUER,
  audience: process.env.OIDC_CLIENT_ID,
})

try {
  const { payload, header } = await verifier.verify(process.argv[2])
  console.log(`verified: sub=${payload.sub} alg=${header.alg} kid=${header.kid}`)
} catch (error) {
  if (!(error instanceof IdTokenError)) throw error
  console.log(`rejected: ${error.code}${error.claim ? ` (${error.claim})` : ''}`)
  process.exitCode = 1
}
