// The userinfo endpoint (OIDC Core 5.3): the claims of the user an access token of this provider was issued for.
import { json } from '../http.ts'
import { verifyAccessToken } from './access-tokens.ts'
import type { FlowState } from './state.ts'
import type { MockIdpUser } from '../../types.ts'

export async function userinfo(
  { ctx, userClaims, revokedAccessTokens }: FlowState,
  request: Request,
): Promise<Response> {
  const header = request.headers.get('authorization') ?? ''
  const match = /^bearer (.+)$/i.exec(header)
  // RFC 6750 3: the challenge names the error.
  const invalid = (description: string): Response =>
    json({ error: 'invalid_token', error_description: description }, 401, {
      'www-authenticate': `Bearer error="invalid_token", error_description="${description}"`,
    })
  if (match === null || match[1] === undefined) {
    return json({ error: 'invalid_token', error_description: 'no Bearer token' }, 401, {
      'www-authenticate': 'Bearer',
    })
  }
  try {
    const payload = await verifyAccessToken(ctx, match[1])
    if (typeof payload.jti === 'string' && revokedAccessTokens.has(payload.jti))
      return invalid('access token was revoked')
    const sub = String(payload.sub)
    const user: MockIdpUser | null = ctx.user()
    const claims = userClaims.get(sub) ?? (user?.sub === sub ? user.claims : undefined) ?? {}
    return json({ ...claims, sub }, 200, { 'cache-control': 'no-store' })
  } catch {
    return invalid('access token is invalid or expired')
  }
}
