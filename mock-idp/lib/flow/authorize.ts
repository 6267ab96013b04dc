// The authorization endpoint: RFC 6749 4.1 with PKCE (RFC 7636, required for public clients) and the
// `iss` response parameter (RFC 9207).
import { randomToken } from '../encoding.ts'
import { formParams, oauthError, redirect } from '../http.ts'
import { signInFor } from '../sign-in.ts'
import { allowedUri, findClient, UNREGISTERED } from './clients.ts'
import type { FlowState } from './state.ts'

const PKCE_CHALLENGE = /^[A-Za-z0-9\-_]{43}$/

export async function authorize({ ctx, codes, userClaims }: FlowState, request: Request): Promise<Response> {
  const params = request.method === 'POST' ? await formParams(request) : new URL(request.url).searchParams
  if (params === undefined) return oauthError('invalid_request', 'a POST must be application/x-www-form-urlencoded')
  const found = findClient(ctx, params.get('client_id'))
  // RFC 6749 4.1.2.1: never redirect to an unverified redirect_uri.
  if (found === undefined) return oauthError('invalid_request', 'missing or unknown client_id')
  const redirectUri = params.get('redirect_uri')
  if (!allowedUri(redirectUri, found.redirectUris))
    return oauthError('invalid_request', redirectUri === null ? 'missing redirect_uri' : `redirect_uri ${UNREGISTERED}`)
  const state = params.get('state')
  const back = (result: Record<string, string>): Response => {
    const target = new URL(redirectUri)
    for (const [name, value] of Object.entries(result)) target.searchParams.set(name, value)
    if (state !== null) target.searchParams.set('state', state)
    target.searchParams.set('iss', ctx.issuer)
    return redirect(target.href)
  }
  const fail = (error: string, description: string): Response => back({ error, error_description: description })
  if (params.get('response_type') !== 'code')
    return fail('unsupported_response_type', 'only response_type=code is supported')
  const challenge = params.get('code_challenge')
  const method = params.get('code_challenge_method')
  if (challenge !== null) {
    if (method !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256')
    if (!PKCE_CHALLENGE.test(challenge))
      return fail('invalid_request', 'code_challenge must be 43 base64url characters')
  } else if (method !== null) {
    return fail('invalid_request', 'code_challenge_method without code_challenge')
  } else if (found.clientSecret === undefined) {
    return fail('invalid_request', 'PKCE (code_challenge, S256) is required for public clients')
  }
  const user = signInFor(ctx, params, new URL(request.url).pathname)
  if (user instanceof Response) return user
  if ('error' in user) return fail(user.error, user.description)
  const scope = params.get('scope') ?? 'openid'
  const code = randomToken()
  const claims = { ...user.claims }
  userClaims.set(user.sub, claims)
  codes.set(code, {
    clientId: found.clientId,
    sub: user.sub,
    claims,
    scope,
    authTime: ctx.nowSeconds(),
    redirectUri,
    codeChallenge: challenge ?? undefined,
    nonce: params.get('nonce') ?? undefined,
    expiresAt: ctx.now() + ctx.codeTtl * 1000,
    used: false,
  })
  return back({ code })
}
