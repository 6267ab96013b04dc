// A provider on a real port (node:http on 127.0.0.1) for the tests whose verifiers live in another process or
// runtime (workerd, a fleet of Node processes): discovery and the key set, counted by path at the server, with
// the rotation, outage and held-response controls those tests need. Tokens are signed by jose, not by the SDK.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey as JoseKey, type JWK } from 'jose'

export const DISCOVERY = '/.well-known/openid-configuration'
export const JWKS = '/jwks'
export const AUDIENCE = 'edge-client'

interface SigningKey {
  readonly kid: string
  readonly privateKey: JoseKey
  readonly jwk: JWK
}

export interface HttpIdp {
  /** `http://127.0.0.1:<port>`, also the issuer. */
  readonly issuer: string
  /** `Cache-Control` of both documents. Default `public, max-age=600`. */
  cacheControl: string
  /** Answer every request with 503 (an outage after keys were cached). */
  down: boolean
  /** Requests served, by path; a request counts when it arrives, whatever it is answered. */
  count(path?: string): number
  /** A signed ID token for `sub`, by the newest key unless `kid` names another, issued at `at` (ms, default now). */
  mint(sub: string, options?: { kid?: string; audience?: string; at?: number }): Promise<string>
  /** Publishes a new key and makes it the newest; returns its kid. */
  rotate(): Promise<string>
  /**
   * Holds every response from now on until the returned function is called; `arrived(n)` resolves once `n`
   * held requests have arrived, so a test knows a fetch is in flight before it acts.
   */
  hold(): { release(): void; arrived(n?: number): Promise<void> }
  reset(): void
  close(): Promise<void>
}

export async function startHttpIdp(): Promise<HttpIdp> {
  const keys: SigningKey[] = []
  let log: string[] = []
  let gate: Promise<void> | undefined
  let waiters: Array<{ n: number; resolve: () => void }> = []
  let held = 0

  async function addKey(): Promise<string> {
    const kid = `kid-${keys.length + 1}`
    const { privateKey, publicKey } = await generateKeyPair('ES256')
    keys.push({ kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } })
    return kid
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', idp.issuer).pathname
    log.push(path)
    if (gate !== undefined) {
      held++
      for (const waiter of waiters.filter((w) => held >= w.n)) waiter.resolve()
      waiters = waiters.filter((w) => held < w.n)
      await gate
    }
    if (idp.down) {
      response.writeHead(503, { 'content-type': 'text/plain' }).end('down')
      return
    }
    const body =
      path === DISCOVERY
        ? { issuer: idp.issuer, jwks_uri: idp.issuer + JWKS, id_token_signing_alg_values_supported: ['ES256'] }
        : path === JWKS
          ? { keys: keys.map((key) => key.jwk) }
          : undefined
    if (body === undefined) {
      response.writeHead(404).end('not found')
      return
    }
    response
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': idp.cacheControl })
      .end(JSON.stringify(body))
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => response.writeHead(500).end(String(error)))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  await addKey()

  const idp: HttpIdp = {
    issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cacheControl: 'public, max-age=600',
    down: false,
    count: (path) => log.filter((p) => path === undefined || p === path).length,
    async mint(sub, options = {}) {
      const key = options.kid === undefined ? keys.at(-1)! : keys.find((k) => k.kid === options.kid)!
      return new SignJWT({ sub })
        .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
        .setIssuer(idp.issuer)
        .setAudience(options.audience ?? AUDIENCE)
        .setIssuedAt(Math.floor((options.at ?? Date.now()) / 1000))
        .setExpirationTime(Math.floor((options.at ?? Date.now()) / 1000) + 3600)
        .sign(key.privateKey)
    },
    rotate: addKey,
    hold() {
      let release!: () => void
      gate = new Promise<void>((resolve) => {
        release = resolve
      })
      held = 0
      return {
        release() {
          gate = undefined
          release()
        },
        arrived: (n = 1) =>
          new Promise<void>((resolve) => {
            if (held >= n) resolve()
            else waiters.push({ n, resolve })
          }),
      }
    },
    reset() {
      log = []
      idp.down = false
      idp.cacheControl = 'public, max-age=600'
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
  return idp
}
