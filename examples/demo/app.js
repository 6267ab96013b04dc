// The demo page: an authorization-code login with PKCE against the mock IdP, then the ID token
// verified in the browser. Keys are kept in IndexedDB (the default here), so a reload verifies with
// no request while they are fresh; rotation and outages show up in the events.
import { createVerifier, IdTokenError } from '/sdk/index.js'

const { issuer, clientId } = await (await fetch('/config.json')).json()
const redirectUri = `${location.origin}/`
const $ = (id) => document.getElementById(id)

const events = []
// Set by a 'stale' event (sent once per outage), cleared by the next successful fetch.
let outage = false
const verifier = createVerifier({
  issuer,
  audience: clientId,
  // Short bounds so that freshness, staleness and outages play out within a minute.
  maxCacheAge: 20,
  minCacheAge: 5,
  staleWhileRevalidate: 0,
  staleIfError: 600,
  onEvent: (event) => {
    events.push(event)
    if (event.type === 'stale') outage = true
    if (event.type === 'fetched') outage = false
    log(
      `${event.type}${event.url ? ` ${new URL(event.url).pathname}` : ''}${event.status ? ` HTTP ${event.status}` : ''}${event.error ? ` ${event.error.code}` : ''}`,
    )
  },
})

function log(line) {
  $('log').textContent += `${new Date().toLocaleTimeString()}  ${line}\n`
}

const b64url = (bytes) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
const random = () => b64url(crypto.getRandomValues(new Uint8Array(32)))

async function signIn() {
  const state = random()
  const nonce = random()
  const verifierCode = random()
  const challenge = b64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifierCode))),
  )
  sessionStorage.setItem('login', JSON.stringify({ state, nonce, verifierCode }))
  const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()
  const url = new URL(discovery.authorization_endpoint)
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })
  location.assign(url)
}

async function finishSignIn(params) {
  const login = JSON.parse(sessionStorage.getItem('login') ?? 'null')
  history.replaceState(null, '', '/')
  if (login === null || params.get('state') !== login.state) throw new Error('state mismatch: start the sign-in again')
  const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()
  const response = await fetch(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: params.get('code'),
      redirect_uri: redirectUri,
      client_id: clientId,
      code_verifier: login.verifierCode,
    }),
  })
  const tokens = await response.json()
  if (!response.ok) throw new Error(`token endpoint: ${tokens.error}`)
  sessionStorage.setItem(
    'session',
    JSON.stringify({ idToken: tokens.id_token, accessToken: tokens.access_token, nonce: login.nonce }),
  )
}

async function verifySession() {
  const session = JSON.parse(sessionStorage.getItem('session') ?? 'null')
  if (session === null) return
  const before = events.length
  try {
    const { payload, header } = await verifier.verify(session.idToken, {
      nonce: session.nonce,
      accessToken: session.accessToken,
    })
    const fresh = events.slice(before)
    const source = outage
      ? 'stale copy: the IdP is unreachable, cached keys keep verifying (stale-if-error)'
      : fresh.some((e) => e.type === 'fetched' && e.url.includes('jwks'))
        ? 'network (key set fetched now)'
        : fresh.some((e) => e.type === 'shared')
          ? 'another tab fetched them (IndexedDB)'
          : 'cache (IndexedDB or memory), fresh: no request'
    $('status').textContent = `Signed in as ${payload.name ?? payload.sub}: ID token verified.`
    $('status').className = 'ok'
    $('claims').replaceChildren(
      ...Object.entries(payload).flatMap(([name, value]) => {
        const dt = document.createElement('dt')
        const dd = document.createElement('dd')
        dt.textContent = name
        dd.textContent = JSON.stringify(value)
        dd.dataset.claim = name
        return [dt, dd]
      }),
    )
    $('key').textContent = `${header.alg}, kid ${header.kid}`
    $('source').textContent = source
  } catch (error) {
    $('status').textContent =
      error instanceof IdTokenError ? `Rejected: ${error.code}: ${error.message}` : String(error)
    $('status').className = 'bad'
  }
}

async function control(method, path, body) {
  const response = await fetch(`${issuer}/_mock/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return response.status === 204 ? null : response.json()
}

async function showIdpKeys() {
  const keys = await control('GET', 'keys')
  $('idp-keys').textContent = (Array.isArray(keys) ? keys : keys.keys)
    .map((k) => `${k.kid} (${k.alg}, ${k.status})`)
    .join('; ')
}

$('sign-in').onclick = () => signIn().catch((e) => log(String(e)))
$('verify-again').onclick = () => verifySession()
$('rotate').onclick = async () => {
  const { kid } = await control('POST', 'rotate', {})
  log(`IdP rotated: new signing key ${kid}; sign in again to get a token signed with it`)
  await showIdpKeys()
}
$('break').onclick = async () => {
  await control('PUT', 'faults/jwks', { status: 503 })
  log('IdP JWKS endpoint now answers 503')
}
$('fix').onclick = async () => {
  await control('PUT', 'faults/jwks', null)
  log('IdP JWKS endpoint fixed')
}
$('reload').onclick = () => location.reload()

const params = new URLSearchParams(location.search)
try {
  if (params.has('code')) await finishSignIn(params)
  else if (params.has('error')) throw new Error(`${params.get('error')}: ${params.get('error_description') ?? ''}`)
  await verifySession()
  await showIdpKeys()
} catch (error) {
  $('status').textContent = String(error)
  $('status').className = 'bad'
}
