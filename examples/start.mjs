// `npm start`: the mock identity provider on a real HTTP server, a demo page that signs in against
// it and verifies the ID token in the browser with the SDK, and a first round trip right here in
// Node: genuine tokens verified, forgeries rejected.
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { startMockIdpServer } from '../dist/mock-idp-server.js'
import { createVerifier, IdTokenError } from '../dist/index.js'

const idpPort = Number(process.env.IDP_PORT ?? 4000)
const demoPort = Number(process.env.DEMO_PORT ?? 4001)
const clientId = 'demo-spa'

// A taken port (another demo still running) falls back to any free one: the URLs are printed either way.
const retryOnFreePort = async (start, port) => {
  try {
    return await start(port)
  } catch (error) {
    if (error?.code !== 'EADDRINUSE' || port === 0) throw error
    console.log(`port ${port} is taken; using a free one`)
    return start(0)
  }
}

// Known once the IdP is up, which is after the demo page listens (the IdP needs the page's origin).
let issuer

const files = {
  '/': ['examples/demo/index.html', 'text/html; charset=utf-8'],
  '/app.js': ['examples/demo/app.js', 'text/javascript'],
  '/sdk/index.js': ['dist/index.js', 'text/javascript'],
}
const root = new URL('../', import.meta.url)
const demo = createServer(async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname
  if (path === '/config.json') {
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    return res.end(JSON.stringify({ issuer, clientId }))
  }
  const file = files[path]
  if (file === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain' })
    return res.end('not found')
  }
  res.writeHead(200, { 'content-type': file[1], 'cache-control': 'no-store' })
  res.end(await readFile(new URL(file[0], root)))
})
await retryOnFreePort(
  (port) =>
    new Promise((resolve, reject) => {
      demo.once('error', reject).listen(port, '127.0.0.1', () => {
        demo.off('error', reject)
        resolve()
      })
    }),
  demoPort,
)
const demoUrl = `http://127.0.0.1:${demo.address().port}/`

// The demo page drives the IdP's control API (rotate, break, fix) from the browser: the server
// refuses that to every page unless its origin is allowlisted.
const {
  url: idpUrl,
  idp,
  close,
} = await retryOnFreePort(
  (port) =>
    startMockIdpServer({
      port,
      clientId,
      algorithms: ['ES256', 'RS256', 'EdDSA'],
      // Short freshness so a visitor sees rotation and outages play out within a minute.
      cacheControl: 'public, max-age=20',
      user: { sub: 'alice', claims: { name: 'Alice Example', email: 'alice@example.test', email_verified: true } },
      controlOrigins: [`http://127.0.0.1:${demo.address().port}`, `http://localhost:${demo.address().port}`],
    }),
  idpPort,
)
issuer = idpUrl

// A first round trip in Node, so the terminal shows what the page will show.
const verifier = createVerifier({ issuer, audience: clientId, cache: 'memory' })
const token = await idp.mintIdToken({ nonce: 'n-1' })
const { payload, header } = await verifier.verify(token, { nonce: 'n-1' })
console.log(`Mock identity provider: ${issuer}  (discovery: ${issuer}/.well-known/openid-configuration)`)
console.log(`\n✔ verified an ID token signed with ${header.alg} (kid ${header.kid})`)
console.log(`  claims: ${JSON.stringify(payload)}`)
for (const name of ['unpublishedKey', 'algNone', 'expired', 'hmacWithPublicKey']) {
  const bad = await idp.mintBadToken(name)
  try {
    await verifier.verify(bad.token, bad.checks)
    console.log(`✘ ${name} was accepted: this is a bug`)
    process.exitCode = 1
  } catch (error) {
    if (!(error instanceof IdTokenError)) throw error
    console.log(`✔ rejected ${name}: ${error.code}`)
  }
}

console.log(`\nDemo page: ${demoUrl}  (sign in, rotate keys, break the JWKS endpoint, reload)`)
console.log('Press Ctrl-C to stop.')
if (process.env.DEMO_EXIT_AFTER_START === '1') await shutdown()

async function shutdown() {
  demo.close()
  await close()
  process.exit(process.exitCode ?? 0)
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
