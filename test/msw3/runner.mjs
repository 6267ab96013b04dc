// The built mock IdP under msw 3's setupServer on Node >= 22.12 (msw 3's floor). Run it with this
// folder's own Node and packages, never the root's:
//
//   npm ci --prefix test/msw3 && npx rollup -c && test/msw3/node_modules/.bin/node test/msw3/runner.mjs
//
// The built dist/ imports bare 'msw' and 'jose'; from dist/ those resolve to the root node_modules
// (msw 2). So the runner copies the built files into a fresh folder under test/msw3/.build/, where
// the same bare imports resolve to test/msw3/node_modules (msw 3) — exactly what an app with msw 3
// installed gets. It mirrors test/mock-idp/runtimes/scenario.ts, with exact request counts and the
// SDK (dist/index.js) verifying through the same handlers. Prints one summary line
// `msw <version> on node <version>: N passed, N failed` and exits non-zero on any failure.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import process from 'node:process'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = fileURLToPath(new URL('./', import.meta.url))
const dist = process.argv[2] ?? fileURLToPath(new URL('../../dist/', import.meta.url))

const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(`msw 3 needs Node >= 22.12; this is ${process.version}. Run with test/msw3/node_modules/.bin/node`)
  process.exit(2)
}
for (const file of ['mock-idp.js', 'index.js', 'chunks']) {
  if (!existsSync(join(dist, file))) {
    console.error(`${join(dist, file)} is missing: run \`npx rollup -c\` (or \`npm run build\`) first`)
    process.exit(2)
  }
}

// A fresh copy per run, so parallel runs never share files; removed at the end.
mkdirSync(join(here, '.build'), { recursive: true })
const build = mkdtempSync(join(here, '.build', 'run-'))
mkdirSync(join(build, 'chunks'))
for (const file of ['mock-idp.js', 'index.js']) copyFileSync(join(dist, file), join(build, file))
for (const file of readdirSync(join(dist, 'chunks'))) {
  if (file.endsWith('.js')) copyFileSync(join(dist, 'chunks', file), join(build, 'chunks', file))
}

let passed = 0
let failed = 0
function check(condition, message) {
  if (condition) {
    passed += 1
  } else {
    failed += 1
    console.error(`FAIL ${message}`)
  }
}
async function rejects(promise, code, message) {
  try {
    await promise
  } catch (error) {
    check(error?.code === code, `${message}: expected ${code}, got ${String(error?.code)} (${String(error?.message)})`)
    return
  }
  check(false, `${message}: expected a rejection with ${code}`)
}

// What the copied mock IdP really imports: resolved from the copy, not from this file.
const fromBuild = createRequire(join(build, 'chunks', 'x.js'))
const mswPackage = fromBuild.resolve('msw/package.json')
const mswVersion = JSON.parse(readFileSync(mswPackage, 'utf8')).version
const josePackage = fromBuild.resolve('jose/package.json')

let server
try {
  check(mswVersion.startsWith('3.'), `the built mock IdP resolves msw 3, got ${mswVersion} at ${mswPackage}`)
  check(mswPackage.startsWith(join(here, 'node_modules')), `msw comes from test/msw3/node_modules, got ${mswPackage}`)
  check(
    josePackage.startsWith(join(here, 'node_modules')),
    `jose comes from test/msw3/node_modules, got ${josePackage}`,
  )

  // Bare imports from this folder resolve (ESM conditions) to the same test/msw3/node_modules as the copy's.
  const { setupServer } = await import('msw/node')
  const { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } = await import('jose')
  const { createMockIdp, SIGNING_ALGORITHMS } = await import(pathToFileURL(join(build, 'mock-idp.js')).href)
  const { createVerifier } = await import(pathToFileURL(join(build, 'index.js')).href)

  const algorithms = [...SIGNING_ALGORITHMS]
  // `.test` never resolves: a request msw 3 fails to intercept cannot succeed by reaching a network.
  const idp = await createMockIdp({ issuer: 'https://idp.msw3.test', algorithms })
  server = setupServer(...idp.handlers)
  // msw 3 renamed msw 2's `onUnhandledRequest` to `onUnhandledFrame` and ignores the old name
  // (falling back to 'warn', which lets unhandled requests through to the network).
  server.listen({ onUnhandledFrame: 'error' })

  const expected = { discovery: 0, jwks: 0 }
  const counts = (stage) => {
    check(
      idp.requestCount('discovery') === expected.discovery,
      `${stage}: discovery count ${idp.requestCount('discovery')}, expected ${expected.discovery}`,
    )
    check(
      idp.requestCount('jwks') === expected.jwks,
      `${stage}: jwks count ${idp.requestCount('jwks')}, expected ${expected.jwks}`,
    )
  }

  // Discovery and JWKS through the handlers.
  const discovery = await (await fetch(idp.discoveryUrl)).json()
  expected.discovery += 1
  check(discovery.issuer === idp.issuer, 'discovery names the issuer')
  check(discovery.jwks_uri === idp.jwksUri, 'discovery names the JWKS')
  check(discovery.id_token_signing_alg_values_supported.join() === algorithms.join(), 'discovery names the algorithms')
  const jwksResponse = await fetch(idp.jwksUri)
  expected.jwks += 1
  const jwks = await jwksResponse.json()
  check(/^application\/(jwk-set\+)?json/.test(jwksResponse.headers.get('content-type') ?? ''), 'JWKS content type')
  // One key per algorithm, plus the catalogue's decoy of the default alg (so that missingKid is ambiguous).
  check(
    jwks.keys.length === algorithms.length + 1 && jwks.keys.every((k) => k.d === undefined && k.p === undefined),
    'JWKS: one public key per algorithm',
  )
  counts('discovery and JWKS')

  // Every algorithm verifies with jose through one remote key set (one fetch).
  const shared = createRemoteJWKSet(new URL(idp.jwksUri))
  for (const alg of algorithms) {
    const token = await idp.mintIdToken({ nonce: `n-${alg}` }, { alg })
    try {
      const { payload, protectedHeader } = await jwtVerify(token, shared, {
        issuer: idp.issuer,
        audience: idp.clientId,
        algorithms: [alg],
      })
      check(payload.nonce === `n-${alg}` && protectedHeader.alg === alg, `${alg} token verifies with jose`)
    } catch (error) {
      check(false, `${alg} token verifies with jose: ${String(error)}`)
    }
  }
  expected.jwks += 1
  counts('jose, all algorithms')

  // Bad tokens are rejected, each for its reason. A fresh key set per token: those rejected before
  // the key lookup (alg allowlist) cost no fetch, the others exactly one.
  const fresh = () => createRemoteJWKSet(new URL(idp.jwksUri))
  const allow = { algorithms }
  await rejects(jwtVerify((await idp.mintBadToken('expired')).token, fresh(), allow), 'ERR_JWT_EXPIRED', 'expired')
  await rejects(
    jwtVerify((await idp.mintBadToken('algNone')).token, fresh(), allow),
    'ERR_JOSE_ALG_NOT_ALLOWED',
    'algNone',
  )
  await rejects(
    jwtVerify((await idp.mintBadToken('hmacWithPublicKey')).token, fresh(), allow),
    'ERR_JOSE_ALG_NOT_ALLOWED',
    'hmacWithPublicKey',
  )
  await rejects(
    jwtVerify((await idp.mintBadToken('tamperedPayload')).token, fresh(), allow),
    'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    'tamperedPayload',
  )
  await rejects(
    jwtVerify((await idp.mintBadToken('unpublishedKey')).token, fresh(), allow),
    'ERR_JWKS_NO_MATCHING_KEY',
    'unpublishedKey',
  )
  expected.jwks += 3
  counts('bad tokens')

  // The SDK through the same handlers: discovery once, key set once, then from memory.
  const verifier = createVerifier({ issuer: idp.issuer, audience: idp.clientId, cache: 'memory' })
  for (const alg of algorithms) {
    const token = await idp.mintIdToken({ nonce: `sdk-${alg}` }, { alg })
    try {
      const { payload } = await verifier.verify(token, { nonce: `sdk-${alg}` })
      check(payload.nonce === `sdk-${alg}`, `${alg} token verifies with the SDK`)
    } catch (error) {
      check(false, `${alg} token verifies with the SDK: ${String(error)}`)
    }
  }
  expected.discovery += 1
  expected.jwks += 1
  counts('SDK, all algorithms')
  for (const name of ['expired', 'algNone', 'tamperedPayload', 'wrongNonce']) {
    const bad = await idp.mintBadToken(name)
    await rejects(verifier.verify(bad.token, bad.checks), bad.expectedError.code, `SDK rejects ${name}`)
  }
  counts('SDK, bad tokens')

  // Rotation: the old token verifies during the overlap and fails after retirement; the SDK finds
  // the new key with exactly one refetch.
  const oldKid = idp.signingKid()
  const oldToken = await idp.mintIdToken()
  const newKid = await idp.rotateKeys()
  check(newKid !== oldKid && idp.signingKid() === newKid, 'rotateKeys makes the new key the signer')
  const newToken = await idp.mintIdToken()
  check(decodeProtectedHeader(newToken).kid === newKid, 'new tokens carry the new kid')
  try {
    await jwtVerify(oldToken, fresh(), allow)
    check(true, 'old token verifies during the overlap')
  } catch (error) {
    check(false, `old token verifies during the overlap: ${String(error)}`)
  }
  expected.jwks += 1
  try {
    await verifier.verify(newToken)
    check(true, 'SDK verifies the rotated-in key')
  } catch (error) {
    check(false, `SDK verifies the rotated-in key: ${String(error)}`)
  }
  expected.jwks += 1
  counts('rotation overlap')
  idp.retireKey(oldKid)
  await rejects(jwtVerify(oldToken, fresh(), allow), 'ERR_JWKS_NO_MATCHING_KEY', 'retired key')
  expected.jwks += 1
  counts('retirement')

  // Faults reach the client as configured, once.
  idp.setFault('jwks', { status: 503, times: 1 })
  check((await fetch(idp.jwksUri)).status === 503, 'fault status 503')
  check((await fetch(idp.jwksUri)).status === 200, 'fault cleared after times')
  expected.jwks += 2
  idp.setFault('discovery', { networkError: true, times: 1 })
  let networkFailed = false
  try {
    await fetch(idp.discoveryUrl)
  } catch {
    networkFailed = true
  }
  check(networkFailed, 'network error fault')
  check((await fetch(idp.discoveryUrl)).status === 200, 'network fault cleared after times')
  expected.discovery += 2
  idp.setFault('jwks', { body: '{"keys": [', contentType: 'text/html', times: 1 })
  const malformed = await fetch(idp.jwksUri)
  const malformedText = await malformed.text()
  check(
    malformed.headers.get('content-type') === 'text/html' && malformedText === '{"keys": [',
    'malformed body and content type',
  )
  expected.jwks += 1
  idp.setFault('jwks', { delay: 40, times: 1 })
  const started = performance.now()
  check((await fetch(idp.jwksUri)).status === 200, 'delayed response arrives')
  check(performance.now() - started >= 35, 'delay fault delays (msw 3 delay())')
  expected.jwks += 1
  const etag = (await fetch(idp.jwksUri)).headers.get('etag') ?? ''
  check(
    etag !== '' && (await fetch(idp.jwksUri, { headers: { 'if-none-match': etag } })).status === 304,
    'ETag answers If-None-Match with 304',
  )
  expected.jwks += 2
  counts('faults')
  const faulted = idp.requests
    .filter((entry) => entry.faulted)
    .map((entry) => entry.endpoint)
    .join()
  check(faulted === 'jwks,discovery,jwks,jwks', `request log marks exactly the faulted requests: ${faulted}`)
  check(idp.requests.length === expected.discovery + expected.jwks, 'request log has every request')

  // Unhandled requests are errors raised by msw, not network traffic (which would fail with ENOTFOUND).
  let unhandled = 'no rejection'
  try {
    await fetch('https://idp.msw3.test/not-an-endpoint')
  } catch (error) {
    unhandled = String(error?.cause?.message ?? error)
  }
  check(
    unhandled.includes('Cannot bypass a request'),
    `msw rejects an unhandled request under onUnhandledFrame: 'error', got: ${unhandled}`,
  )
  check(idp.requestCount() === expected.discovery + expected.jwks, 'unhandled request is not counted')
} catch (error) {
  check(false, `scenario crashed: ${error?.stack ?? String(error)}`)
} finally {
  server?.close()
  rmSync(build, { recursive: true, force: true })
}

console.log(`msw ${mswVersion} on node ${process.versions.node}: ${passed} passed, ${failed} failed`)
process.exitCode = failed === 0 && passed > 0 ? 0 : 1
