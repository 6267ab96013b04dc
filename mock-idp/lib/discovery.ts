// The discovery document (OpenID Connect Discovery 1.0 section 3), derived from what is served.
import type { MockIdpEndpoint } from '../types.ts'

export function endpointUrls(issuer: string): Record<MockIdpEndpoint, string> {
  // Discovery 4.1: strip a trailing slash before appending the well-known path.
  const base = issuer.replace(/\/+$/, '')
  return {
    discovery: `${base}/.well-known/openid-configuration`,
    jwks: `${base}/jwks`,
    authorize: `${base}/authorize`,
    token: `${base}/token`,
    userinfo: `${base}/userinfo`,
    end_session: `${base}/logout`,
    revocation: `${base}/revoke`,
  }
}

export function discoveryDocument(
  issuer: string,
  algorithms: readonly string[],
  claims: readonly string[],
): Record<string, unknown> {
  const urls = endpointUrls(issuer)
  return {
    issuer,
    authorization_endpoint: urls.authorize,
    token_endpoint: urls.token,
    userinfo_endpoint: urls.userinfo,
    jwks_uri: urls.jwks,
    end_session_endpoint: urls.end_session,
    revocation_endpoint: urls.revocation,
    revocation_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    backchannel_logout_supported: true,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...algorithms],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    claims_supported: [
      ...new Set(['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'azp', ...claims]),
    ],
    authorization_response_iss_parameter_supported: true,
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
  }
}
