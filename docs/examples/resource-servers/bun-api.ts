// bun bun-api.ts   (OIDC_ISSUER, API_AUDIENCE and PORT from the environment or .env)
// The same API on Bun.serve: access tokens for this audience, a scope per route.
import { BearerError, bearerToken, challengeResponse, createAccessTokenVerifier, IdTokenError } from 'idtoken-verify'

const api = createAccessTokenVerifier({
  issuer: Bun.env.OIDC_ISSUER ?? 'https://login.example.com',
  audience: Bun.env.API_AUDIENCE ?? 'https://api.example.com',
})

const realm = 'invoices'

const server = Bun.serve({
  hostname: '127.0.0.1',
  port: Number(Bun.env.PORT ?? 3000),
  async fetch(request) {
    const scope = request.method === 'GET' ? ['invoices:read'] : ['invoices:write']
    try {
      const token = bearerToken(request)
      if (token === undefined) return challengeResponse(undefined, { realm, scope })
      const { payload } = await api.verify(token, { scopes: scope })
      return Response.json({ sub: payload.sub, client: payload.client_id })
    } catch (error) {
      if (error instanceof IdTokenError || error instanceof BearerError) return challengeResponse(error, { realm, scope })
      throw error
    }
  },
})
console.log(`listening on ${server.url}`)
