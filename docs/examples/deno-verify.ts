// deno run --allow-net=login.example.com --allow-env=OIDC_ISSUER,OIDC_CLIENT_ID deno-verify.ts "$ID_TOKEN"
import { createVerifier, IdTokenError } from 'npm:idtoken-verify'

const verifier = createVerifier({
  issuer: Deno.env.get('OIDC_ISSUER') ?? 'https://login.example.com',
  audience: Deno.env.get('OIDC_CLIENT_ID') ?? 'my-client-id',
})

try {
  const { payload, header } = await verifier.verify(Deno.args[0] ?? '')
  console.log(`verified: sub=${payload.sub} alg=${header.alg}`)
} catch (error) {
  if (!(error instanceof IdTokenError)) throw error
  console.log(`rejected: ${error.code}`)
  Deno.exitCode = 1
}
