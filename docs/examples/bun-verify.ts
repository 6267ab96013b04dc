// bun bun-verify.ts "$ID_TOKEN"   (Bun reads OIDC_ISSUER and OIDC_CLIENT_ID from .env by itself)
import { createVerifier, IdTokenError, type VerifyResult } from 'idtoken-verify'

const verifier = createVerifier({
  issuer: Bun.env.OIDC_ISSUER ?? 'https://login.example.com',
  audience: Bun.env.OIDC_CLIENT_ID ?? 'my-client-id',
})

try {
  const { payload, header }: VerifyResult = await verifier.verify(Bun.argv[2] ?? '')
  console.log(`verified: sub=${payload.sub} alg=${header.alg}`)
} catch (error) {
  if (!(error instanceof IdTokenError)) throw error
  console.log(`rejected: ${error.code}`)
  process.exitCode = 1
}
