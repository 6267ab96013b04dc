// OpenID Connect Back-Channel Logout 1.0: the provider posts a logout token to each client's
// registered URI. The global fetch is looked up at call time, so MSW or a real server receives it.
import { mintLogoutToken, type TokenContext } from './tokens.ts'
import type { BackchannelLogoutDelivery, BackchannelLogoutOptions, MockIdpClient } from '../types.ts'

export async function backchannelLogout(
  ctx: TokenContext,
  clients: readonly MockIdpClient[],
  sub: string | undefined,
  options: BackchannelLogoutOptions = {},
): Promise<BackchannelLogoutDelivery[]> {
  // §2.4: a logout token names the user, the session, or both.
  if ((sub === undefined || sub === '') && (options.sid === undefined || options.sid === '')) {
    throw new TypeError('backchannelLogout needs a "sub" or a "sid"')
  }
  const targets = clients.filter(
    (c) => c.backchannelLogoutUri !== undefined && (options.clientIds?.includes(c.clientId) ?? true),
  )
  const deliveries: BackchannelLogoutDelivery[] = []
  for (const client of targets) {
    const uri = String(client.backchannelLogoutUri)
    const logoutToken = await mintLogoutToken(ctx, {
      aud: client.clientId,
      sub: sub === '' ? undefined : sub,
      sid: options.sid,
    })
    try {
      // §2.5: a form POST; §2.8: the answer is the RP's, nothing here follows a redirect.
      const response = await globalThis.fetch(uri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ logout_token: logoutToken }).toString(),
        redirect: 'manual',
      })
      deliveries.push({ clientId: client.clientId, uri, logoutToken, response })
    } catch (error) {
      deliveries.push({
        clientId: client.clientId,
        uri,
        logoutToken,
        error: error instanceof Error ? error : new Error(String(error)),
      })
    }
  }
  return deliveries
}
