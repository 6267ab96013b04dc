// The Chromium scenario (setupWorker, run by browser.ts). Node, Deno and Bun run the shared scenario
// (test/msw3/scenario.ts through shared.ts), whose checks include all of these; Chromium cannot: that scenario
// expects an unhandled request to reject (setupServer's behaviour), while setupWorker answers it with a 500
// carrying msw's InternalError. It takes the environment's way of serving handlers and throws on the first
// failure.
import { createRemoteJWKSet, jwtVerify } from 'jose'
import type { RequestHandler } from 'msw'
import { createMockIdp, SIGNING_ALGORITHMS } from '../../../mock-idp/index.ts'

export interface Serve {
  (handlers: RequestHandler[]): Promise<void> | void
}

function check(condition: unknown, message: string): void {
  if (!condition) throw new Error(`check failed: ${message}`)
}

async function rejects(promise: Promise<unknown>, code: string, message: string): Promise<void> {
  try {
    await promise
  } catch (error) {
    const actual = (error as { code?: string }).code
    check(actual === code, `${message}: expected ${code}, got ${String(actual)}`)
    return
  }
  throw new Error(`check failed: ${message}: expected a rejection`)
}

/** Runs the scenario and resolves to the number of checks made. */
export async function runScenario(serve: Serve, algorithms: readonly string[] = SIGNING_ALGORITHMS): Promise<number> {
  let checks = 0
  const idp = await createMockIdp({ issuer: 'https://idp.runtime.test', algorithms: [...algorithms] })
  await serve(idp.handlers)

  const discovery = (await (await fetch(idp.discoveryUrl)).json()) as {
    jwks_uri: string
    id_token_signing_alg_values_supported: string[]
  }
  check(discovery.jwks_uri === idp.jwksUri, 'discovery names the JWKS')
  check(discovery.id_token_signing_alg_values_supported.join() === algorithms.join(), 'discovery names the algorithms')
  checks += 2

  for (const alg of algorithms) {
    const token = await idp.mintIdToken({ nonce: `n-${alg}` }, { alg })
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(idp.jwksUri)), {
      issuer: idp.issuer,
      audience: idp.clientId,
      algorithms: [alg],
    })
    check(payload.nonce === `n-${alg}`, `${alg} token verifies`)
    checks += 1
  }

  const keys = (): ReturnType<typeof createRemoteJWKSet> => createRemoteJWKSet(new URL(idp.jwksUri))
  const allow = { algorithms: [...algorithms] }
  await rejects(jwtVerify((await idp.mintBadToken('expired')).token, keys(), allow), 'ERR_JWT_EXPIRED', 'expired')
  await rejects(
    jwtVerify((await idp.mintBadToken('algNone')).token, keys(), allow),
    'ERR_JOSE_ALG_NOT_ALLOWED',
    'algNone',
  )
  await rejects(
    jwtVerify((await idp.mintBadToken('hmacWithPublicKey')).token, keys(), allow),
    'ERR_JOSE_ALG_NOT_ALLOWED',
    'hmacWithPublicKey',
  )
  await rejects(
    jwtVerify((await idp.mintBadToken('tamperedPayload')).token, keys(), allow),
    'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    'tamperedPayload',
  )
  await rejects(
    jwtVerify((await idp.mintBadToken('unpublishedKey')).token, keys(), allow),
    'ERR_JWKS_NO_MATCHING_KEY',
    'unpublishedKey',
  )
  checks += 5

  const oldKid = idp.signingKid()
  const oldToken = await idp.mintIdToken()
  await idp.rotateKeys()
  await jwtVerify(oldToken, keys(), allow)
  idp.retireKey(oldKid)
  await rejects(jwtVerify(oldToken, keys(), allow), 'ERR_JWKS_NO_MATCHING_KEY', 'retired key')
  checks += 2

  idp.setFault('jwks', { status: 503, times: 1 })
  check((await fetch(idp.jwksUri)).status === 503, 'fault status')
  check((await fetch(idp.jwksUri)).status === 200, 'fault cleared after times')
  idp.setFault('discovery', { networkError: true, times: 1 })
  let failed = false
  try {
    await fetch(idp.discoveryUrl)
  } catch {
    failed = true
  }
  check(failed, 'network error')
  const etag = (await fetch(idp.jwksUri)).headers.get('etag') ?? ''
  check((await fetch(idp.jwksUri, { headers: { 'if-none-match': etag } })).status === 304, 'ETag 304')
  check(idp.requestCount('jwks') >= 4 && idp.requestCount('discovery') === 2, 'counts')
  checks += 5
  return checks
}
