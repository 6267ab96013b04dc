// Where a provider's documents may be fetched from: rules shared by the options and the discovery document.

/** Why `uri` cannot be a key set's address for `issuer`: not http(s), or plain http under an https issuer. */
export function jwksUriProblem(uri: unknown, issuer: string): string | undefined {
  let protocol: string
  try {
    protocol = new URL(uri as string).protocol
  } catch {
    return 'is not an absolute URL'
  }
  if (protocol !== 'https:' && protocol !== 'http:') return 'is not an http(s) URL'
  if (protocol === 'http:' && new URL(issuer, 'http://x').protocol === 'https:')
    return 'is plain http for an https issuer'
  return undefined
}

/** OpenID Connect Discovery 1.0 §4: the document's address for an issuer. */
export const discoveryUrl = (issuer: string): string => `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`
