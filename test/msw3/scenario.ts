// The mock IdP scenario of the msw 3 check, with the libraries as a parameter: test/msw3/runner.mjs runs it
// under msw 3 on Node 22 (the built files copied next to msw 3), test/mock-idp/msw3.test.ts under msw 2 (the
// root packages). Exact request counts; the SDK verifies through the same handlers. It reports every check
// through `check` and never stops at the first failure, so a run lists all that failed.
import type * as Jose from 'jose'
import type * as MockIdp from '../../mock-idp/index.ts'
import type * as Sdk from '../../src/index.ts'

export interface ScenarioLibraries {
  /** Serves the handlers in this msw (unhandled requests are errors) until the runner closes it. */
  serve(handlers: Awaited<ReturnType<typeof MockIdp.createMockIdp>>['handlers']): void | Promise<void>
  jose: Pick<typeof Jose, 'createRemoteJWKSet' | 'decodeProtectedHeader' | 'jwtVerify'>
  mockIdp: Pick<typeof MockIdp, 'createMockIdp' | 'SIGNING_ALGORITHMS'>
  sdk: Pick<typeof Sdk, 'createVerifier'>
  check(condition: unknown, message: string): void
}

/** How many checks a complete run makes. */
export const SCENARIO_CHECKS = 69

export async function runScenario(libraries: ScenarioLibraries): Promise<void> {
  const { serve, check } = libraries
  const { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } = libraries.jose
  const { createMockIdp, SIGNING_ALGORITHMS } = libraries.mockIdp
  const { createVerifier } = libraries.sdk
  const rejects = async (promise: Promise<unknown>, code: string, message: string) => {
    try {
      await promise
    } catch (error) {
      const actual = error as { code?: string; message?: string }
      check(
        actual?.code === code,
        `${message}: expected ${code}, got ${String(actual?.code)} (${String(actual?.message)})`,
      )
      return
    }
    check(false, `${message}: expected a rejection with ${code}`)
  }

  const algorithms = [...SIGNING_ALGORITHMS]
  // `.test` never resolves: a request msw fails to intercept cannot succeed by reaching a network.
  const idp = await createMockIdp({ issuer: 'https://idp.msw.test', algorithms })
  await serve(idp.handlers)

  const expected = { discovery: 0, jwks: 0 }
  const counts = (stage: string) => {
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
  const discovery = (await (await fetch(idp.discoveryUrl)).json()) as {
    issuer: string
    jwks_uri: string
    id_token_signing_alg_values_supported: string[]
  }
  expected.discovery += 1
  check(discovery.issuer === idp.issuer, 'discovery names the issuer')
  check(discovery.jwks_uri === idp.jwksUri, 'discovery names the JWKS')
  check(discovery.id_token_signing_alg_values_supported.join() === algorithms.join(), 'discovery names the algorithms')
  const jwksResponse = await fetch(idp.jwksUri)
  expected.jwks += 1
  const jwks = (await jwksResponse.json()) as { keys: Array<Record<string, unknown>> }
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
  for (const name of ['expired', 'algNone', 'tamperedPayload', 'wrongNonce'] as const) {
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
  check(performance.now() - started >= 35, 'delay fault delays (msw delay())')
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
    await fetch('https://idp.msw.test/not-an-endpoint')
  } catch (error) {
    unhandled = String((error as { cause?: { message?: string } }).cause?.message ?? error)
  }
  check(
    unhandled.includes('Cannot bypass a request'),
    `msw rejects an unhandled request (unhandled requests are errors), got: ${unhandled}`,
  )
  check(idp.requestCount() === expected.discovery + expected.jwks, 'unhandled request is not counted')
}
