// The OAuth 2.0 authorization code flow with PKCE (RFC 7636), as a sign-in library would do it.
// It only moves tokens; verifying the ID token is main.js's job.
const redirectUri = () => location.origin + location.pathname
const base64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
const randomString = () => base64url(crypto.getRandomValues(new Uint8Array(32)))
const sha256 = async (text) => base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))))
const discover = async (issuer) => (await fetch(`${issuer}/.well-known/openid-configuration`)).json()

export async function redirectToProvider(issuer, clientId) {
  const request = { state: randomString(), nonce: randomString(), codeVerifier: randomString() }
  sessionStorage.setItem('sign-in', JSON.stringify(request))
  const url = new URL((await discover(issuer)).authorization_endpoint)
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri(),
    scope: 'openid',
    state: request.state,
    nonce: request.nonce,
    code_challenge: await sha256(request.codeVerifier),
    code_challenge_method: 'S256',
  })
  location.assign(url)
}

export async function redeemCode(issuer, clientId, params) {
  const { state, nonce, codeVerifier } = JSON.parse(sessionStorage.getItem('sign-in') ?? '{}')
  sessionStorage.removeItem('sign-in')
  history.replaceState(null, '', redirectUri())
  // RFC 9207: the response must come from the provider we sent the user to.
  if (params.get('state') !== state || params.get('iss') !== issuer) throw new Error('unexpected response')
  const response = await fetch((await discover(issuer)).token_endpoint, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code'),
      redirect_uri: redirectUri(),
      client_id: clientId,
      code_verifier: codeVerifier,
    }),
  })
  if (!response.ok) throw new Error(`token endpoint answered ${response.status}`)
  return { tokens: await response.json(), nonce }
}
