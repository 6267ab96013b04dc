// A single-page app that signs in the usual way: a full-page redirect to the provider's authorization
// endpoint (code + PKCE + nonce), the code redeemed with fetch, the ID token verified in the page by the
// built SDK. Its issuer and client come from the first URL it is opened with (?issuer=&client_id=&hint=).
import { createVerifier, IdTokenError } from '/dist/index.js'

const opened = new URLSearchParams(location.search)
if (opened.has('issuer')) {
  sessionStorage.setItem(
    'config',
    JSON.stringify({
      issuer: opened.get('issuer'),
      clientId: opened.get('client_id') ?? 'spa',
      hint: opened.get('hint'),
    }),
  )
}
const config = JSON.parse(sessionStorage.getItem('config') ?? 'null') ?? {
  issuer: 'https://idp.example.test',
  clientId: 'spa',
  hint: null,
}
const redirectUri = location.origin + location.pathname
const status = (text) => (document.getElementById('status').textContent = text)
const b64u = (bytes) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
const random = () => b64u(crypto.getRandomValues(new Uint8Array(32)))
const s256 = async (text) => b64u(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))))
const discover = async () => (await fetch(`${config.issuer}/.well-known/openid-configuration`)).json()

async function signIn(prompt) {
  const request = { state: random(), nonce: random(), verifier: random() }
  sessionStorage.setItem('request', JSON.stringify(request))
  const url = new URL((await discover()).authorization_endpoint)
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    state: request.state,
    nonce: request.nonce,
    code_challenge: await s256(request.verifier),
    code_challenge_method: 'S256',
    ...(config.hint ? { login_hint: config.hint } : {}),
    ...(prompt ? { prompt } : {}),
  })
  location.assign(url)
}

async function callback(params) {
  const request = JSON.parse(sessionStorage.getItem('request') ?? '{}')
  sessionStorage.removeItem('request')
  history.replaceState(null, '', redirectUri)
  if (params.get('state') !== request.state || params.get('iss') !== config.issuer) return status('unexpected response')
  if (params.has('error')) return status(`error: ${params.get('error')}`)
  const response = await fetch((await discover()).token_endpoint, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code'),
      redirect_uri: redirectUri,
      client_id: config.clientId,
      code_verifier: request.verifier,
    }),
  })
  if (!response.ok) return status(`token endpoint: ${response.status}`)
  const tokens = await response.json()
  const verifier = createVerifier({ issuer: config.issuer, audience: config.clientId, cache: 'memory' })
  try {
    const { payload, header } = await verifier.verify(tokens.id_token, {
      nonce: request.nonce,
      accessToken: tokens.access_token,
    })
    status(`signed in as ${payload.sub}`)
    const { sub, name, email } = payload
    document.getElementById('claims').textContent = JSON.stringify({ sub, name, email, kid: header.kid })
  } catch (error) {
    if (!(error instanceof IdTokenError)) throw error
    status(`failed: ${error.code}`)
  }
}

document.getElementById('sign-in').onclick = () => signIn()
document.getElementById('check-session').onclick = () => signIn('none')
const params = new URLSearchParams(location.search)
if (params.has('code') || params.has('error')) await callback(params)
else status('ready')
