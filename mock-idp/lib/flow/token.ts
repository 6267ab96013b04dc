// The token endpoint (RFC 6749 3.2): the authorization_code (with PKCE), refresh_token and client_credentials
// grants, for an authenticated client, with RFC 8707 resource indicators choosing the access token's `aud`.
import { randomToken, s256 } from '../encoding.ts'
import { formParams, json, oauthError } from '../http.ts'
import { mintAccessToken, mintIdToken } from '../tokens.ts'
import { authenticateClient } from './clients.ts'
import type { FlowState, Grant } from './state.ts'
import type { MockIdpClient } from '../../types.ts'

const PKCE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/

/** The `aud` of the access token a token request asks for: empty for the provider's default audience. */
type Audience = { aud?: string | string[] }

/**
 * RFC 8707 §2: `resource` (repeatable, each an absolute URI without a fragment, else `invalid_target`) names the
 * API(s) the access token is for; `audience` is the same wish as Auth0 and others spell it.
 */
function audienceOf(params: URLSearchParams): Audience | Response {
  const resources = params.getAll('resource')
  const audience = params.get('audience')
  if (resources.length > 0 && audience !== null)
    return oauthError('invalid_request', 'send "resource" or "audience", not both')
  for (const resource of resources) {
    let url: URL | undefined
    try {
      url = new URL(resource)
    } catch {
      url = undefined
    }
    if (url === undefined || resource.includes('#'))
      return oauthError('invalid_target', '"resource" must be an absolute URI without a fragment (RFC 8707)')
  }
  if (resources.length > 0) return { aud: resources.length === 1 ? resources[0]! : resources }
  if (audience !== null)
    return audience === '' ? oauthError('invalid_request', '"audience" is empty') : { aud: audience }
  return {}
}

const TOKEN_HEADERS = { 'cache-control': 'no-store', pragma: 'no-cache' }

/** Access token, ID token (for the `openid` scope) and a new refresh token for `grant`. */
async function issue(
  { ctx, refreshTokens }: FlowState,
  grant: Grant,
  nonce: string | undefined,
  audience: Audience,
): Promise<Response> {
  const accessToken = await mintAccessToken(ctx, {
    sub: grant.sub,
    client_id: grant.clientId,
    scope: grant.scope,
    ...audience,
  })
  const body: Record<string, unknown> = {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: ctx.tokenTtl,
    scope: grant.scope,
  }
  if (grant.scope.split(' ').includes('openid')) {
    body.id_token = await mintIdToken(
      ctx,
      { ...grant.claims, sub: grant.sub, aud: grant.clientId, auth_time: grant.authTime, nonce },
      { accessToken },
    )
  }
  const refreshToken = randomToken()
  refreshTokens.set(refreshToken, grant)
  body.refresh_token = refreshToken
  return json(body, 200, TOKEN_HEADERS)
}

async function authorizationCode(
  state: FlowState,
  client: MockIdpClient,
  params: URLSearchParams,
  audience: Audience,
): Promise<Response> {
  const record = state.codes.get(params.get('code') ?? '')
  if (record === undefined) return oauthError('invalid_grant', 'unknown authorization code')
  if (record.used) return oauthError('invalid_grant', 'authorization code already used')
  record.used = true
  if (record.expiresAt <= state.ctx.now()) return oauthError('invalid_grant', 'authorization code expired')
  if (record.clientId !== client.clientId)
    return oauthError('invalid_grant', 'authorization code was issued to another client')
  if (params.get('redirect_uri') !== record.redirectUri)
    return oauthError('invalid_grant', 'redirect_uri does not match the authorization request')
  const verifier = params.get('code_verifier')
  if (record.codeChallenge === undefined) {
    if (verifier !== null) return oauthError('invalid_grant', 'code_verifier sent but no code_challenge was')
  } else {
    if (verifier === null || !PKCE_VERIFIER.test(verifier))
      return oauthError('invalid_grant', 'missing or malformed code_verifier')
    if ((await s256(verifier)) !== record.codeChallenge)
      return oauthError('invalid_grant', 'code_verifier does not match code_challenge')
  }
  return issue(state, record, record.nonce, audience)
}

async function refreshToken(
  state: FlowState,
  client: MockIdpClient,
  params: URLSearchParams,
  audience: Audience,
): Promise<Response> {
  const grant = state.refreshTokens.get(params.get('refresh_token') ?? '')
  if (grant === undefined) return oauthError('invalid_grant', 'unknown refresh token')
  if (grant.clientId !== client.clientId)
    return oauthError('invalid_grant', 'refresh token was issued to another client')
  const asked = params.get('scope')
  const granted = grant.scope.split(' ')
  if (asked !== null && !asked.split(' ').every((s) => granted.includes(s)))
    return oauthError('invalid_scope', 'scope exceeds the original grant')
  // OIDC Core 12.2: no nonce in an ID token from a refresh.
  return issue(state, { ...grant, scope: asked ?? grant.scope }, undefined, audience)
}

// RFC 6749 4.4: confidential clients only; no refresh token (4.4.3), and no ID token: no user is involved.
async function clientCredentials(
  { ctx }: FlowState,
  client: MockIdpClient,
  params: URLSearchParams,
  audience: Audience,
): Promise<Response> {
  if (client.clientSecret === undefined)
    return oauthError('unauthorized_client', 'client_credentials is for confidential clients (with a secret) only')
  const scope = params.get('scope')
  const accessToken = await mintAccessToken(ctx, {
    sub: client.clientId,
    client_id: client.clientId,
    scope: scope ?? undefined,
    ...audience,
  })
  const body = {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: ctx.tokenTtl,
    ...(scope === null ? {} : { scope }),
  }
  return json(body, 200, TOKEN_HEADERS)
}

const GRANTS: Record<
  string,
  (state: FlowState, client: MockIdpClient, params: URLSearchParams, audience: Audience) => Promise<Response>
> = {
  authorization_code: authorizationCode,
  refresh_token: refreshToken,
  client_credentials: clientCredentials,
}

export async function token(state: FlowState, request: Request): Promise<Response> {
  const params = await formParams(request)
  if (params === undefined) return oauthError('invalid_request', 'the body must be application/x-www-form-urlencoded')
  const client = await authenticateClient(state.ctx, request, params)
  if (client instanceof Response) return client
  const audience = audienceOf(params)
  if (audience instanceof Response) return audience
  const grantType = params.get('grant_type') ?? ''
  const grant = Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType] : undefined
  if (grant === undefined)
    return oauthError('unsupported_grant_type', 'use authorization_code, refresh_token or client_credentials')
  return grant(state, client, params, audience)
}
