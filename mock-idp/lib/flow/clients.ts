// Clients at the flow's endpoints: who they are (RFC 6749 2.3.1 authentication) and where they may be sent.
import { isLoopbackHostname } from '../hosts.ts'
import { oauthError } from '../http.ts'
import type { FlowContext } from './state.ts'
import type { MockIdpClient } from '../../types.ts'

export function findClient(ctx: FlowContext, id: string | null): MockIdpClient | undefined {
  return ctx.clients.find((c) => c.clientId === id)
}

/**
 * Where a client without registered URIs may be sent: loopback (RFC 8252 7.3) or a `.test` name
 * (RFC 6761 6.2), which nobody can register on the internet. The redirect carries a live code for
 * a user signed in without a page, so any other URI would make the provider an open redirect.
 */
function isLocalUri(value: string): boolean {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return false
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.hash !== '') return false
  const host = url.hostname.toLowerCase().replace(/\.$/, '')
  return isLoopbackHostname(host) || host === 'test' || host.endsWith('.test')
}

export function allowedUri(value: string | null, allowed: readonly string[] | undefined): value is string {
  if (value === null) return false
  return allowed === undefined ? isLocalUri(value) : allowed.includes(value)
}

export const UNREGISTERED =
  'is not registered for this client (without registered URIs: loopback, localhost or .test URIs only)'

// RFC 6749 2.3.1: client_id and secret are form-encoded before being joined for Basic.
function basicCredentials(request: Request): { id: string; secret: string } | undefined {
  const header = request.headers.get('authorization')
  if (header === null || !/^basic /i.test(header)) return undefined
  try {
    const decoded = atob(header.slice(6).trim())
    const colon = decoded.indexOf(':')
    if (colon < 0) return undefined
    const decode = (part: string): string => decodeURIComponent(part.replace(/\+/g, ' '))
    return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) }
  } catch {
    return undefined
  }
}

/** The client a token or revocation request authenticates as, or the 400/401 to answer with. */
export async function authenticateClient(
  ctx: FlowContext,
  request: Request,
  params: URLSearchParams,
): Promise<MockIdpClient | Response> {
  const basic = basicCredentials(request)
  const id = basic?.id ?? params.get('client_id')
  const found = findClient(ctx, id)
  const challenge = basic !== undefined ? { 'www-authenticate': 'Basic realm="mock-idp"' } : {}
  if (found === undefined) return oauthError('invalid_client', 'unknown client', 401, challenge)
  if (basic !== undefined && params.has('client_id') && params.get('client_id') !== basic.id) {
    return oauthError('invalid_request', 'client_id in the body differs from the Basic credentials')
  }
  if (found.clientSecret !== undefined) {
    const secret = basic?.secret ?? params.get('client_secret')
    if (secret !== found.clientSecret)
      return oauthError('invalid_client', 'client authentication failed', 401, challenge)
  }
  return found
}
