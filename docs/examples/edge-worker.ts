// A Web-standard fetch handler (Cloudflare Workers module syntax) for your app's backend: requests carry
// the ID token your app received at sign-in as a Bearer token. Web APIs only, no Node built-ins.
import { createVerifier, IdTokenError, type IdTokenVerifier } from 'idtoken-verify'
import { cloudflareKvStore, type CloudflareKvLike } from './cloudflare-kv.ts'

interface Env {
  OIDC_ISSUER: string // e.g. https://login.example.com, set in wrangler.toml [vars]
  OIDC_CLIENT_ID: string
  JWKS_CACHE: CloudflareKvLike // a KV namespace binding: keys outlive the isolate
}

// One verifier per isolate, shared by every request it serves; the KV store lets the next isolate
// start with the keys this one fetched instead of asking the provider again.
let verifier: IdTokenVerifier | undefined

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    verifier ??= createVerifier({
      issuer: env.OIDC_ISSUER,
      audience: env.OIDC_CLIENT_ID,
      cache: cloudflareKvStore(env.JWKS_CACHE),
    })

    const [scheme, token] = (request.headers.get('authorization') ?? '').split(' ')
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      return new Response('sign in first', { status: 401, headers: { 'www-authenticate': 'Bearer' } })
    }
    try {
      const { payload } = await verifier.verify(token)
      return Response.json({ hello: payload.sub })
    } catch (error) {
      if (!(error instanceof IdTokenError)) throw error
      if (error.code === 'ERR_JWKS_UNAVAILABLE') {
        // The provider is down and no cached keys are usable: not the client's fault.
        return new Response('try again later', { status: 503, headers: { 'retry-after': '30' } })
      }
      return new Response(error.code, {
        status: 401,
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
      })
    }
  },
}
