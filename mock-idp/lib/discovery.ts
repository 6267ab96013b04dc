// The discovery document (OpenID Connect Discovery 1.0 section 3), derived from what is served.
import { ENDPOINT_NAMES, ENDPOINTS, endpointUrls } from './endpoints.ts'

export function discoveryDocument(
  issuer: string,
  algorithms: readonly string[],
  claims: readonly string[],
): Record<string, unknown> {
  const urls = endpointUrls(issuer)
  const named: Record<string, string> = {}
  for (const name of ENDPOINT_NAMES) {
    const member = ENDPOINTS[name].metadata
    if (member !== undefined) named[member] = urls[name]
  }
  return {
    issuer,
    ...named,
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
