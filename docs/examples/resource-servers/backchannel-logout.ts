// The back-channel logout endpoint of a web app (OpenID Connect Back-Channel Logout 1.0 §2.5, §2.8): the
// provider POSTs a logout token; the app ends the sessions it names. A Web-standard handler for any runtime.
import { createLogoutTokenVerifier, IdTokenError } from 'idtoken-verify'

export interface Sessions {
  endSession(issuer: string, sid: string): Promise<void>
  endAllSessionsOf(issuer: string, sub: string): Promise<void>
}

export function logoutEndpoint(options: { issuer: string; clientId: string; sessions: Sessions }): (request: Request) => Promise<Response> {
  // The same issuer and client id as the app's ID tokens; replay memory is per process (pass `replay` for a fleet).
  const logout = createLogoutTokenVerifier({ issuer: options.issuer, audience: options.clientId })
  const noStore = { 'cache-control': 'no-store' }
  return async (request) => {
    const form = await request.formData()
    const token = form.get('logout_token')
    if (typeof token !== 'string') return Response.json({ error: 'invalid_request' }, { status: 400, headers: noStore })
    try {
      const { payload } = await logout.verify(token)
      if (payload.sid !== undefined) await options.sessions.endSession(payload.iss, payload.sid)
      else await options.sessions.endAllSessionsOf(payload.iss, payload.sub!)
      return new Response(null, { status: 200, headers: noStore })
    } catch (error) {
      if (!(error instanceof IdTokenError)) throw error
      // §2.8: 400 for a token that does not verify, with the reason for the provider's logs.
      return Response.json({ error: 'invalid_request', error_description: error.message }, { status: 400, headers: noStore })
    }
  }
}
