// Reading back an access token the provider minted (RFC 9068), for userinfo and revocation.
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose'
import type { FlowContext } from './state.ts'

/** The payload of a valid, unexpired access token of this provider; throws for anything else. */
export async function verifyAccessToken(ctx: FlowContext, token: string): Promise<JWTPayload> {
  const keys = createLocalJWKSet({ keys: ctx.ring.published().map((r) => r.publicJwk) })
  const { payload } = await jwtVerify(token, keys, {
    issuer: ctx.issuer,
    typ: 'at+jwt',
    currentDate: new Date(ctx.now()),
  })
  return payload
}
