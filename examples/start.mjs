// `npm start`: a real round trip on this machine. An identity provider on 127.0.0.1 publishes
// discovery and a key set; the SDK (the built dist/) discovers it, verifies genuine ID tokens, and
// rejects a forgery and an expired token.
import { createServer } from 'node:http'
import * as jose from 'jose'
import { createVerifier, IdTokenError } from '../dist/index.js'

const { privateKey, publicKey } = await jose.generateKeyPair('ES256')
const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'demo-key-1', alg: 'ES256', use: 'sig' }

let requests = 0
const server = createServer((req, res) => {
  requests++
  const body =
    req.url === '/.well-known/openid-configuration'
      ? { issuer, jwks_uri: `${issuer}/jwks`, id_token_signing_alg_values_supported: ['ES256'] }
      : req.url === '/jwks'
        ? { keys: [jwk] }
        : undefined
  res.writeHead(body ? 200 : 404, { 'content-type': 'application/json', 'cache-control': 'max-age=300' })
  res.end(JSON.stringify(body ?? { error: 'not_found' }))
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const issuer = `http://127.0.0.1:${server.address().port}`
console.log(`Identity provider listening on ${issuer}`)

const mint = ({ exp = '10m', ...claims } = {}, key = privateKey) =>
  new jose.SignJWT({ sub: 'alice', nonce: 'n-123', email: 'alice@example.test', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'demo-key-1', typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience('demo-client')
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(key)

const verifier = createVerifier({ issuer, audience: 'demo-client', cache: 'memory' })

const { payload, header } = await verifier.verify(await mint(), { nonce: 'n-123' })
console.log('\n✔ verified ID token')
console.log(`  header: ${JSON.stringify(header)}`)
console.log(`  claims: ${JSON.stringify(payload)}`)

const attacker = await jose.generateKeyPair('ES256')
for (const [label, token] of [
  ['a forgery signed by a key the provider never published', await mint({ sub: 'mallory' }, attacker.privateKey)],
  ['a token that expired an hour ago', await mint({ exp: Math.floor(Date.now() / 1000) - 3600 })],
  ['a token for another nonce (replay)', await mint({ nonce: 'n-other' })],
]) {
  try {
    await verifier.verify(token, { nonce: 'n-123' })
    console.log(`✘ ${label} was accepted: this is a bug`)
    process.exitCode = 1
  } catch (error) {
    if (!(error instanceof IdTokenError)) throw error
    console.log(`\n✔ rejected ${label}\n  ${error.code}: ${error.message}`)
  }
}
console.log(`\nThe provider served ${requests} requests (discovery + key set, fetched once and shared).`)
server.close()
