// Tests the configuration of verifiers.mjs offline: the mock IdP's provider profiles serve each provider's
// discovery document, key set and tokens at its real URLs, and MSW intercepts them. Prints one line per case.
import { setupServer } from 'msw/node'
import { IdTokenError } from 'idtoken-verify'
import { createMockIdp } from 'idtoken-verify/mock-idp'
import { appleEmailVerified, verifiers } from './verifiers.mjs'

const env = process.env
const server = setupServer()
server.listen({ onUnhandledRequest: 'error' })

async function check(name, verifier, token) {
  try {
    const { payload } = await verifier.verify(token)
    console.log(`${name}: verified ${payload.iss}`)
  } catch (error) {
    if (!(error instanceof IdTokenError)) throw error
    console.log(`${name}: ${error.code} (${error.claim})`)
  }
}

try {
  const google = await createMockIdp({ profile: 'google', clientId: env.GOOGLE_CLIENT_ID })
  server.use(...google.handlers)
  await check('google', verifiers.google, await google.mintIdToken())
  await check('google, legacy issuer', verifiers.google, await google.mintIdToken({ iss: 'accounts.google.com' }))

  const entra = await createMockIdp({ profile: 'entra', issuer: `https://login.microsoftonline.com/${env.ENTRA_TENANT_ID}/v2.0`, clientId: env.ENTRA_CLIENT_ID })
  server.use(...entra.handlers)
  const anotherTenant = await entra.mintIdToken({ tid: '22222222-2222-4222-8222-222222222222' })
  await check('entra', verifiers.entra, await entra.mintIdToken())
  await check('entra, another tenant', verifiers.entra, anotherTenant)
  await check('entra multi-tenant', verifiers.entraMultiTenant, await entra.mintIdToken())
  await check('entra multi-tenant, another tenant', verifiers.entraMultiTenant, anotherTenant)

  const firebase = await createMockIdp({ profile: 'firebase', issuer: `https://securetoken.google.com/${env.FIREBASE_PROJECT_ID}` })
  server.use(...firebase.handlers)
  await check('firebase', verifiers.firebase, await firebase.mintIdToken())

  const cognito = await createMockIdp({ profile: 'cognito', issuer: `https://cognito-idp.eu-west-1.amazonaws.com/${env.COGNITO_USER_POOL_ID}`, clientId: env.COGNITO_CLIENT_ID })
  server.use(...cognito.handlers)
  await check('cognito', verifiers.cognito, await cognito.mintIdToken())
  await check('cognito, access token', verifiers.cognito, await cognito.mintAccessToken({ aud: env.COGNITO_CLIENT_ID }))

  const keycloak = await createMockIdp({ profile: 'keycloak', issuer: `${env.KEYCLOAK_URL}/realms/${env.KEYCLOAK_REALM}`, clientId: env.KEYCLOAK_CLIENT_ID })
  server.use(...keycloak.handlers)
  await check('keycloak', verifiers.keycloak, await keycloak.mintIdToken())
  await check('keycloak, access token', verifiers.keycloak, await keycloak.mintAccessToken())

  const auth0 = await createMockIdp({ profile: 'auth0', issuer: `https://${env.AUTH0_DOMAIN}/`, clientId: env.AUTH0_CLIENT_ID })
  server.use(...auth0.handlers)
  await check('auth0', verifiers.auth0, await auth0.mintIdToken())

  const okta = await createMockIdp({ profile: 'okta', issuer: env.OKTA_ISSUER, clientId: env.OKTA_CLIENT_ID })
  server.use(...okta.handlers)
  await check('okta', verifiers.okta, await okta.mintIdToken())

  const apple = await createMockIdp({ profile: 'apple', clientId: env.APPLE_CLIENT_IDS.split(',')[0] })
  server.use(...apple.handlers)
  const { payload } = await verifiers.apple.verify(await apple.mintIdToken())
  console.log(`apple: verified ${payload.iss}, email verified: ${appleEmailVerified(payload)}`)
} finally {
  server.close()
}
