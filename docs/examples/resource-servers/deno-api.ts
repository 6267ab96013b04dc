// deno serve --host 127.0.0.1 --port 8000 --allow-net=login.example.com --allow-env=OIDC_ISSUER,API_AUDIENCE deno-api.ts
// An API that accepts RFC 9068 access tokens for its own audience, with the scope each route needs.
import { BearerError, bearerToken, challengeResponse, createAccessTokenVerifier, IdTokenError } from 'npm:idtoken-verify'

const api = createAccessTokenVerifier({
  issuer: Deno.env.get('OIDC_ISSUER') ?? 'https://login.example.com',
  audience: Deno.env.get('API_AUDIENCE') ?? 'https://api.example.com',
})

const realm = 'invoices'
const scopes = { GET: ['invoices:read'], POST: ['invoices:write'] } as Record<string, string[]>

export default {
  async fetch(request: Request): Promise<Response> {
    const scope = scopes[request.method] ?? []
    try {
      const token = bearerToken(request)
      if (token === undefined) return challengeResponse(undefined, { realm, scope })
      const { payload } = await api.verify(token, { scopes: scope })
      return Response.json({ sub: payload.sub, client: payload.client_id })
    } catch (error) {
      // 401 invalid_token, 403 insufficient_scope, 400 invalid_request, 503 while the provider is down.
      if (error instanceof IdTokenError || error instanceof BearerError) return challengeResponse(error, { realm, scope })
      throw error
    }
  },
} satisfies Deno.ServeDefaultExport
