// The provider presets of idtoken-verify/providers, configured from the environment: one verifier per provider,
// made once and kept. offline.mjs checks them against the mock IdP's provider profiles, without a network.
import { createVerifier } from 'idtoken-verify'
import { google } from 'idtoken-verify/providers'
import { entra } from 'idtoken-verify/providers'
import { firebase } from 'idtoken-verify/providers'
import { cognito } from 'idtoken-verify/providers'
import { keycloak } from 'idtoken-verify/providers'
import { auth0 } from 'idtoken-verify/providers'
import { okta } from 'idtoken-verify/providers'
import { apple } from 'idtoken-verify/providers'

const env = process.env

// Google: both spellings of its issuer, its key set, RS256. List every client ID of the app (web, Android, iOS).
const googleVerifier = createVerifier(google({ clientId: env.GOOGLE_CLIENT_ID }))

// Microsoft Entra ID, one tenant: its v2.0 issuer, keys by discovery.
const entraVerifier = createVerifier(entra({ clientId: env.ENTRA_CLIENT_ID, tenant: env.ENTRA_TENANT_ID }))

// Microsoft Entra ID, multi-tenant: the tenants whose users may sign in (or tenants: 'any', then check tid yourself).
const entraMultiTenantVerifier = createVerifier(entra({
  clientId: env.ENTRA_CLIENT_ID,
  tenant: 'organizations',
  tenants: env.ENTRA_ALLOWED_TENANTS.split(','),
}))

// Firebase Authentication: the project ID is the audience; Firebase has no discovery document.
const firebaseVerifier = createVerifier(firebase({ projectId: env.FIREBASE_PROJECT_ID }))

// Amazon Cognito: the user pool's issuer; only ID tokens (token_use "id"), not access tokens.
const cognitoVerifier = createVerifier(cognito({ userPoolId: env.COGNITO_USER_POOL_ID, clientId: env.COGNITO_CLIENT_ID }))

// Keycloak: the realm's issuer; only ID tokens (typ "ID"), not access tokens.
const keycloakVerifier = createVerifier(keycloak({ url: env.KEYCLOAK_URL, realm: env.KEYCLOAK_REALM, clientId: env.KEYCLOAK_CLIENT_ID }))

// Auth0: the domain as a host name; the issuer gets Auth0's trailing slash.
const auth0Verifier = createVerifier(auth0({ domain: env.AUTH0_DOMAIN, clientId: env.AUTH0_CLIENT_ID }))

// Okta: the authorization server's issuer as its discovery document names it.
const oktaVerifier = createVerifier(okta({ issuer: env.OKTA_ISSUER, clientId: env.OKTA_CLIENT_ID }))

// Sign in with Apple: the bundle ID (apps) and the Services ID (web).
const appleVerifier = createVerifier(apple({ clientId: env.APPLE_CLIENT_IDS.split(',') }))

export const verifiers = {
  google: googleVerifier,
  entra: entraVerifier,
  entraMultiTenant: entraMultiTenantVerifier,
  firebase: firebaseVerifier,
  cognito: cognitoVerifier,
  keycloak: keycloakVerifier,
  auth0: auth0Verifier,
  okta: oktaVerifier,
  apple: appleVerifier,
}

// Apple writes some booleans as strings: compare with both.
export const appleEmailVerified = (payload) => payload.email_verified === true || payload.email_verified === 'true'
