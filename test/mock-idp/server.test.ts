// The real HTTP server and the CLI: discovery, JWKS, the control API and a login over loopback.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import * as oauth from 'oauth4webapi'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockIdpServer, type MockIdpServer } from '../../mock-idp/server.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
let srv: MockIdpServer

beforeAll(async () => {
  srv = await startMockIdpServer({ port: 0, algorithms: ['RS256', 'ES256'] })
})
afterAll(() => srv.close())

const post = (url: string, body: unknown, method = 'POST') =>
  fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe('startMockIdpServer', () => {
  it('listens on 127.0.0.1 with the issuer defaulting to its own URL', async () => {
    expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(srv.idp.issuer).toBe(srv.url)
    const doc = (await (await fetch(`${srv.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>
    expect(doc.issuer).toBe(srv.url)
    expect(doc.jwks_uri).toBe(`${srv.url}/jwks`)
    const jwks = await fetch(String(doc.jwks_uri), { headers: { origin: 'http://localhost:5173' } })
    expect(jwks.headers.get('content-type')).toBe('application/jwk-set+json')
    expect(jwks.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    const etag = String(jwks.headers.get('etag'))
    expect((await fetch(String(doc.jwks_uri), { headers: { 'if-none-match': etag } })).status).toBe(304)
    expect((await fetch(`${srv.url}/nothing-here`)).status).toBe(404)
  })

  it('control API: mint over HTTP, verify with jose over HTTP, bad tokens, rotation, faults, clock, reset', async () => {
    expect((await post(`${srv.url}/_mock/reset`, {})).status).toBe(204)
    const keys = createRemoteJWKSet(new URL(`${srv.url}/jwks`))
    const { token } = (await (
      await post(`${srv.url}/_mock/id-token`, { claims: { sub: 'alice', nonce: 'n' }, options: { alg: 'ES256' } })
    ).json()) as { token: string }
    const { payload } = await jwtVerify(token, keys, { issuer: srv.url, audience: 'test-client' })
    expect(payload).toMatchObject({ sub: 'alice', nonce: 'n' })

    const expired = (await (await fetch(`${srv.url}/_mock/bad-tokens/expired`)).json()) as {
      token: string
      expectedError: { code: string }
    }
    expect(expired.expectedError.code).toBe('ERR_TOKEN_EXPIRED')
    await expect(jwtVerify(expired.token, keys)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' })
    expect((await fetch(`${srv.url}/_mock/bad-tokens/nope`)).status).toBe(404)
    expect(((await (await fetch(`${srv.url}/_mock/bad-tokens`)).json()) as unknown[]).length).toBeGreaterThan(30)

    const { kid } = (await (await post(`${srv.url}/_mock/rotate`, { stage: true })).json()) as { kid: string }
    expect(
      ((await (await fetch(`${srv.url}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid),
    ).toContain(kid)
    expect((await post(`${srv.url}/_mock/promote`, { kid })).status).toBe(204)
    expect(srv.idp.signingKid()).toBe(kid)
    expect((await post(`${srv.url}/_mock/retire`, { kid })).status).toBe(400)

    expect((await post(`${srv.url}/_mock/faults/jwks`, { status: 503, times: 1 }, 'PUT')).status).toBe(204)
    expect((await fetch(`${srv.url}/jwks`)).status).toBe(503)
    expect((await fetch(`${srv.url}/jwks`)).status).toBe(200)
    await post(`${srv.url}/_mock/faults/discovery`, { networkError: true, times: 1 }, 'PUT')
    await expect(fetch(`${srv.url}/.well-known/openid-configuration`)).rejects.toThrow(TypeError)
    await post(`${srv.url}/_mock/faults/jwks`, { status: 500 }, 'PUT')
    // A null body clears the fault; control bodies are JSON (text/plain is refused with 415).
    expect((await fetch(`${srv.url}/_mock/faults/jwks`, { method: 'PUT', body: 'null' })).status).toBe(415)
    expect((await post(`${srv.url}/_mock/faults/jwks`, null, 'PUT')).status).toBe(204)
    expect((await fetch(`${srv.url}/jwks`)).status).toBe(200)
    const log = (await (await fetch(`${srv.url}/_mock/requests`)).json()) as { counts: Record<string, number> }
    expect(log.counts).toEqual({
      discovery: 1,
      jwks: 5,
      authorize: 0,
      token: 0,
      userinfo: 0,
      end_session: 0,
      revocation: 0,
    })

    const before = srv.idp.nowSeconds()
    const { now } = (await (await post(`${srv.url}/_mock/clock`, { advance: 7200 })).json()) as { now: number }
    expect(Math.floor(now / 1000) - before).toBeGreaterThanOrEqual(7200)
    await expect(jwtVerify(token, keys)).resolves.toBeTruthy() // jose's own clock is real time
    expect(srv.idp.nowSeconds() - before).toBeGreaterThanOrEqual(7200)

    expect((await post(`${srv.url}/_mock/user`, null, 'PUT')).status).toBe(204)
    const authorize = new URL(`${srv.url}/authorize`)
    authorize.search = new URLSearchParams({
      client_id: 'test-client',
      redirect_uri: 'http://127.0.0.1:9/cb',
      response_type: 'code',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString()
    expect(
      new URL(String((await fetch(authorize, { redirect: 'manual' })).headers.get('location'))).searchParams.get(
        'error',
      ),
    ).toBe('login_required')
    expect((await post(`${srv.url}/_mock/user`, { claims: {} }, 'PUT')).status).toBe(400)

    expect((await post(`${srv.url}/_mock/reset`, {})).status).toBe(204)
    expect(srv.idp.requestCount()).toBe(0)
    expect(srv.idp.signingKid()).toBe(kid) // keys are kept unless asked
    expect((await post(`${srv.url}/_mock/reset`, { rotateKeys: true })).status).toBe(204)
    expect(srv.idp.signingKid()).not.toBe(kid)
  })

  it('a login with oauth4webapi over real HTTP', async () => {
    const issuer = new URL(srv.url)
    const insecure = { [oauth.allowInsecureRequests]: true }
    const as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }),
    )
    const client: oauth.Client = { client_id: 'test-client' }
    const verifier = oauth.generateRandomCodeVerifier()
    const url = new URL(String(as.authorization_endpoint))
    const redirectUri = 'http://127.0.0.1:9/callback'
    url.search = new URLSearchParams({
      client_id: 'test-client',
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid',
      nonce: 'nn',
      state: 'ss',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString()
    const redirect = await fetch(url, { redirect: 'manual' })
    const params = oauth.validateAuthResponse(as, client, new URL(String(redirect.headers.get('location'))), 'ss')
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      params,
      redirectUri,
      verifier,
      insecure,
    )
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: 'nn' })
    const { payload } = await jwtVerify(String(result.id_token), createRemoteJWKSet(new URL(String(as.jwks_uri))), {
      issuer: srv.url,
      audience: 'test-client',
    })
    expect(payload).toMatchObject({ sub: 'test-user', nonce: 'nn' })
  })

  it('an explicit issuer with a path is served under that path', async () => {
    const other = await startMockIdpServer({ port: 0, issuer: 'http://localhost:1/realms/test', algorithms: ['ES256'] })
    try {
      const doc = (await (await fetch(`${other.url}/realms/test/.well-known/openid-configuration`)).json()) as {
        issuer: string
      }
      expect(doc.issuer).toBe('http://localhost:1/realms/test')
      expect((await fetch(`${other.url}/realms/test/jwks`)).status).toBe(200)
    } finally {
      await other.close()
    }
  })
})

function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const newline = out.indexOf('\n')
      if (newline >= 0) resolve(out.slice(0, newline))
    })
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.on('exit', (code) => reject(new Error(`CLI exited with ${code}: ${err}`)))
  })
}

async function exercise(command: string, args: string[]): Promise<void> {
  const child = spawn(command, [...args, '--port', '0', '--algorithms', 'ES256,EdDSA', '--client-id', 'cli-client'], {
    cwd: root,
  })
  try {
    const issuer = await firstLine(child)
    expect(issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const doc = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>
    expect(doc.id_token_signing_alg_values_supported).toEqual(['ES256', 'EdDSA'])
    const { token } = (await (await post(`${issuer}/_mock/id-token`, { options: { alg: 'EdDSA' } })).json()) as {
      token: string
    }
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(String(doc.jwks_uri))), {
      issuer,
      audience: 'cli-client',
    })
    expect(payload.sub).toBe('test-user')
  } finally {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  }
}

describe('the CLI', () => {
  it('runs under Node from the bundled entry', async () => {
    const outdir = `${root}node_modules/.cache/mock-idp-test`
    mkdirSync(outdir, { recursive: true })
    await build({
      entryPoints: [`${root}mock-idp/cli.ts`],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['jose', 'msw'],
      outfile: `${outdir}/cli.mjs`,
      logLevel: 'silent',
    })
    await exercise(process.execPath, [`${outdir}/cli.mjs`])
  })

  it('runs under Bun from the TypeScript source', async () => {
    await exercise(`${root}node_modules/.bin/bun`, [`${root}mock-idp/cli.ts`])
  })

  it('--help prints usage; a bad --port is a usage error (exit code 2)', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(`${root}node_modules/.bin/bun`, [`${root}mock-idp/cli.ts`, ...args], { cwd: root })
        let out = ''
        let err = ''
        child.stdout.on('data', (c: Buffer) => (out += c.toString()))
        child.stderr.on('data', (c: Buffer) => (err += c.toString()))
        child.on('exit', (code) => resolve({ code, out, err }))
      })
    expect((await run(['--help'])).out).toMatch(/^Usage: idtoken-verify-mock-idp/)
    const bad = await run(['--port', 'x'])
    expect(bad.code).toBe(2)
    expect(bad.err).toMatch(/--port/)
  })
})
