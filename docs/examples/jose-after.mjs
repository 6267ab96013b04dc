// After: one verifier; discovery, key rotation and the OpenID Connect rules included.
import { createVerifier } from 'idtoken-verify'

const issuer = process.env.OIDC_ISSUER
const audience = process.env.OIDC_CLIENT_ID
const [idToken, nonce] = process.argv.slice(2)

const verifier = createVerifier({
  issuer,
  audience,
  cooldown: 30, // cooldownDuration: 30_000 (seconds now, not milliseconds)
  defaultCacheAge: 600, // cacheMaxAge: 600_000, used when the response has no Cache-Control
  timeout: 5000, // timeoutDuration: 5000
  fetch, // [customFetch]: fetch
  algorithms: ['RS256'],
  clockTolerance: 60,
  maxTokenAge: 3600,
  now: () => Date.now(), // currentDate: new Date()
})

const { payload } = await verifier.verify(idToken, { nonce })
console.log(`verified: sub=${payload.sub}`)
