// A server-rendered app: its server sends the browser to the provider, redeems the code itself (a
// confidential client) and verifies the ID token before it renders anything. Configured from the
// environment: OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, PORT.
import { createHash, randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import { createVerifier, IdTokenError } from 'idtoken-verify'

const issuer = process.env.OIDC_ISSUER
const clientId = process.env.OIDC_CLIENT_ID
const clientSecret = process.env.OIDC_CLIENT_SECRET
const origin = `http://127.0.0.1:${process.env.PORT}`
const redirectUri = `${origin}/callback`
const verifier = createVerifier({ issuer, audience: clientId })

const pending = new Map() // state -> { nonce, codeVerifier }
const sessions = new Map() // session id -> verified claims
const random = () => randomBytes(32).toString('base64url')
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
const discovery = async () => (await fetch(`${issuer}/.well-known/openid-configuration`)).json()

function page(res, status, body) {
  res.writeHead(status, { 'content-type': 'text/html;charset=utf-8', 'cache-control': 'no-store' })
  res.end(`<!doctype html><meta charset="utf-8"><title>Server-rendered app</title>${body}`)
}

async function login(res, params) {
  const state = random()
  const request = { nonce: random(), codeVerifier: random() }
  pending.set(state, request)
  const url = new URL((await discovery()).authorization_endpoint)
  url.search = new URLSearchParams({
    response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'openid profile email', state,
    nonce: request.nonce, code_challenge: createHash('sha256').update(request.codeVerifier).digest('base64url'), code_challenge_method: 'S256',
    ...Object.fromEntries([...params].filter(([name]) => name === 'login_hint' || name === 'prompt')),
  })
  res.writeHead(302, { location: url.href }).end()
}

async function callback(res, params) {
  const request = pending.get(params.get('state'))
  pending.delete(params.get('state'))
  if (request === undefined || params.get('iss') !== issuer) return page(res, 400, '<p id="status">unexpected response</p>')
  if (params.has('error')) return page(res, 401, `<p id="status">Sign-in failed: ${escape(params.get('error'))}</p>`)
  // The code exchange happens here, on the server: the browser never sees the tokens.
  const response = await fetch((await discovery()).token_endpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`)}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: params.get('code'), redirect_uri: redirectUri, code_verifier: request.codeVerifier }),
  })
  if (!response.ok) return page(res, 502, `<p id="status">Token endpoint: ${response.status}</p>`)
  const tokens = await response.json()
  try {
    const { payload } = await verifier.verify(tokens.id_token, { nonce: request.nonce, accessToken: tokens.access_token })
    const session = random()
    sessions.set(session, payload)
    res.writeHead(302, { location: '/', 'set-cookie': `session=${session}; HttpOnly; SameSite=Lax; Path=/` }).end()
  } catch (error) {
    if (!(error instanceof IdTokenError)) throw error
    page(res, 401, `<p id="status">Sign-in failed: ${error.code}</p>`)
  }
}

createServer(async (req, res) => {
  const url = new URL(req.url, origin)
  try {
    if (url.pathname === '/login') return await login(res, url.searchParams)
    if (url.pathname === '/callback') return await callback(res, url.searchParams)
    if (url.pathname !== '/') return page(res, 404, '<p>Not found</p>')
    const claims = sessions.get(/(?:^|; )session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1])
    if (claims === undefined) return page(res, 200, '<p id="status">Signed out</p><a href="/login">Sign in</a>')
    page(res, 200, `<p id="status">Hello ${escape(claims.name ?? claims.sub)}</p><p id="sub">${escape(claims.sub)}</p>`)
  } catch (error) {
    page(res, 500, `<p id="status">Error: ${escape(error.message)}</p>`)
  }
}).listen(Number(process.env.PORT), '127.0.0.1')
