// The revocation endpoint (RFC 7009): client authentication as at the token endpoint; 200 for tokens it does not know.
import { formParams, oauthError } from '../http.ts'
import { verifyAccessToken } from './access-tokens.ts'
import { authenticateClient } from './clients.ts'
import type { FlowState } from './state.ts'

async function readAccessToken(
  state: FlowState,
  token: string,
): Promise<{ jti: string; clientId: string } | undefined> {
  try {
    const payload = await verifyAccessToken(state.ctx, token)
    return typeof payload.jti === 'string' ? { jti: payload.jti, clientId: String(payload.client_id) } : undefined
  } catch {
    return undefined
  }
}

export async function revoke(state: FlowState, request: Request): Promise<Response> {
  const params = await formParams(request)
  if (params === undefined) return oauthError('invalid_request', 'the body must be application/x-www-form-urlencoded')
  const authenticated = await authenticateClient(state.ctx, request, params)
  if (authenticated instanceof Response) return authenticated
  const token = params.get('token')
  if (token === null || token === '') return oauthError('invalid_request', 'missing token')
  const grant = state.refreshTokens.get(token)
  const access = grant === undefined ? await readAccessToken(state, token) : undefined
  const owner = grant?.clientId ?? access?.clientId
  // RFC 7009 2.1: a client may revoke only its own tokens.
  if (owner !== undefined && owner !== authenticated.clientId)
    return oauthError('unauthorized_client', 'the token was issued to another client')
  if (grant !== undefined) state.refreshTokens.delete(token)
  if (access !== undefined) state.revokedAccessTokens.add(access.jti)
  return new Response(null, { status: 200, headers: { 'cache-control': 'no-store' } })
}
