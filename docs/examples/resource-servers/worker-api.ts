// A Cloudflare Worker (module syntax) in front of an API: access tokens for this audience, and only for the
// clients it serves. Web APIs only; the verifier lives as long as the isolate.
import {
  BearerError, bearerToken, challengeResponse, createAccessTokenVerifier, IdTokenError, type AccessTokenVerifier,
} from 'idtoken-verify'

interface Env {
  OIDC_ISSUER: string // e.g. https://login.example.com, set in wrangler.toml [vars]
  API_AUDIENCE: string // e.g. https://api.example.com
  CLIENT_IDS: string // the clients allowed to call, comma-separated
}

let api: AccessTokenVerifier | undefined

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    api ??= createAccessTokenVerifier({
      issuer: env.OIDC_ISSUER,
      audience: env.API_AUDIENCE,
      clientIds: env.CLIENT_IDS.split(','),
      scopes: ['invoices:read'],
    })
    try {
      const token = bearerToken(request)
      if (token === undefined) return challengeResponse(undefined, { realm: 'invoices', scope: 'invoices:read' })
      const { payload } = await api.verify(token)
      return Response.json({ sub: payload.sub, client: payload.client_id })
    } catch (error) {
      if (error instanceof IdTokenError || error instanceof BearerError) {
        return challengeResponse(error, { realm: 'invoices', scope: 'invoices:read' })
      }
      throw error
    }
  },
}
