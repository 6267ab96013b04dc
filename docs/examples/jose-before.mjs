// Before: jose's createRemoteJWKSet + jwtVerify, with discovery and the OpenID Connect rules by hand.
import { createRemoteJWKSet, customFetch, jwtVerify } from 'jose'

const issuer = process.env.OIDC_ISSUER
const audience = process.env.OIDC_CLIENT_ID
const [idToken, nonce] = process.argv.slice(2)

const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()
if (discovery.issuer !== issuer) throw new Error('discovery issuer mismatch')
const JWKS = createRemoteJWKSet(new URL(discovery.jwks_uri), {
  cooldownDuration: 30_000,
  cacheMaxAge: 600_000,
  timeoutDuration: 5000,
  [customFetch]: fetch,
})

const { payload } = await jwtVerify(idToken, JWKS, {
  issuer,
  audience,
  algorithms: ['RS256'],
  clockTolerance: 60,
  maxTokenAge: 3600,
  currentDate: new Date(),
  requiredClaims: ['sub', 'iat'],
})
if (payload.nonce !== nonce) throw new Error('nonce mismatch')
if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== audience) throw new Error('azp mismatch')
console.log(`verified: sub=${payload.sub}`)
