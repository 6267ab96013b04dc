/**
 * `idtoken-verify/providers`: verifier options for well-known providers, each with its provider's quirks (issuer
 * spellings, key set URLs, tenant rules, the claims that tell ID tokens from access tokens). Each returns
 * `VerifierOptions` for `createVerifier`: spread and override freely (`{ ...google({ clientId }), cache: 'memory' }`).
 * A preset's own rule is its `check`: to add one of yours, call it first (`check: (t) => { base.check?.(t); mine(t) }`).
 *
 * @example
 * ```ts
 * import { createVerifier } from 'idtoken-verify'
 * import { google } from 'idtoken-verify/providers'
 *
 * const verifier = createVerifier(google({ clientId }))
 * ```
 * @module idtoken-verify/providers
 */
export { google, GOOGLE_ISSUERS, type GoogleOptions } from './google.ts'
export { entra, type EntraOptions } from './entra.ts'
export { auth0, type Auth0Options } from './auth0.ts'
export { okta, type OktaOptions } from './okta.ts'
export { keycloak, type KeycloakOptions } from './keycloak.ts'
export { cognito, type CognitoOptions } from './cognito.ts'
export { firebase, FIREBASE_JWKS_URI, type FirebaseOptions } from './firebase.ts'
export { apple, type AppleOptions } from './apple.ts'
