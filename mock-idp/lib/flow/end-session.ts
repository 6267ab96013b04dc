// The end-session endpoint (OIDC RP-Initiated Logout 1.0): back to a registered (or local) URI, or a plain page.
import { formParams, oauthError, redirect } from '../http.ts'
import { allowedUri, findClient, UNREGISTERED } from './clients.ts'
import type { FlowState } from './state.ts'

export async function endSession({ ctx }: FlowState, request: Request): Promise<Response> {
  const params = request.method === 'POST' ? await formParams(request) : new URL(request.url).searchParams
  if (params === undefined) return oauthError('invalid_request', 'a POST must be application/x-www-form-urlencoded')
  const clientId = params.get('client_id')
  const named = clientId === null ? undefined : findClient(ctx, clientId)
  if (clientId !== null && named === undefined) return oauthError('invalid_request', 'unknown client_id')
  const target = params.get('post_logout_redirect_uri')
  if (target === null) {
    return new Response('Signed out of the mock IdP.', {
      status: 200,
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
    })
  }
  const allowed =
    named?.postLogoutRedirectUris ??
    (ctx.clients.some((c) => c.postLogoutRedirectUris !== undefined)
      ? ctx.clients.flatMap((c) => c.postLogoutRedirectUris ?? [])
      : undefined)
  if (!allowedUri(target, allowed)) return oauthError('invalid_request', `post_logout_redirect_uri ${UNREGISTERED}`)
  const url = new URL(target)
  const state = params.get('state')
  if (state !== null) url.searchParams.set('state', state)
  return redirect(url.href)
}
