// The resource-server examples of docs/resource-servers.md, run against the BUILT package (dist/) and the mock
// IdP as a real HTTP server: resource-servers/deno-api.ts under `deno serve` with the narrowest permissions,
// resource-servers/bun-api.ts under Bun.serve, resource-servers/worker-api.ts and
// resource-servers/backchannel-logout.ts bundled like Wrangler does and called with Requests.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { MockIdpServer } from '../../mock-idp/server.ts'
import { bin, CLIENT_ID, dist, examples, loadMockIdpServer, requireBuild } from './helpers.ts'

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 })

const AUDIENCE = 'https://api.example.test'
let server: MockIdpServer
let tmp: string
const children: ChildProcess[] = []

beforeAll(async () => {
  requireBuild()
  const { startMockIdpServer } = await loadMockIdpServer()
  server = await startMockIdpServer({ clientId: CLIENT_ID, algorithms: ['RS256'] })
  tmp = mkdtempSync(`${tmpdir()}/idtoken-verify-rs-`)
})

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill()
  await server?.close()
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

/** Starts a server process and resolves with its URL once it prints one. */
function serve(command: string, args: string[], env: Record<string, string>): Promise<string> {
  const child = spawn(command, args, {
    cwd: `${examples}resource-servers`,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
  })
  children.push(child)
  return new Promise((resolve, reject) => {
    let output = ''
    const seen = (chunk: Buffer) => {
      output += String(chunk)
      const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
      if (url !== undefined) resolve(url)
    }
    child.stdout.on('data', seen)
    child.stderr.on('data', seen)
    child.on('exit', (code) => reject(new Error(`${command} exited (${code}) before listening:\n${output}`)))
  })
}

interface Answer {
  status: number
  challenge: string | null
  body: string
}

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${url}/invoices`, init)
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: await response.text() }
}

const bearer = (token: string, method = 'GET'): RequestInit => ({
  method,
  headers: { authorization: `Bearer ${token}` },
})

/** The behaviour every example API shares. */
async function expectApi(url: string): Promise<void> {
  const { idp } = server
  const token = await idp.mintAccessToken({ aud: AUDIENCE, sub: 'alice', scope: 'invoices:read' })
  const ok = await call(url, bearer(token))
  expect(ok).toMatchObject({ status: 200 })
  expect(JSON.parse(ok.body)).toEqual({ sub: 'alice', client: CLIENT_ID })

  expect(await call(url)).toMatchObject({ status: 401, challenge: 'Bearer realm="invoices", scope="invoices:read"' })
  expect(await call(url, { headers: { authorization: `Bearer ${token}, Bearer ${token}` } })).toMatchObject({
    status: 400,
  })
  // An ID token of the same provider, even for this audience, is another kind of token.
  const idToken = await idp.mintIdToken({ aud: AUDIENCE, sub: 'alice' })
  const refused = await call(url, bearer(idToken))
  expect(refused.status).toBe(401)
  expect(refused.challenge).toMatch(
    /^Bearer realm="invoices", error="invalid_token", error_description="the header 'typ' names a token kind other than an access token/,
  )
  // An access token for another API.
  expect(
    (await call(url, bearer(await idp.mintAccessToken({ aud: 'https://other.example.test', scope: 'invoices:read' }))))
      .status,
  ).toBe(401)
  for (const answer of [refused]) expect(answer.challenge).not.toContain(idToken.split('.')[1])
}

describe('Deno and Bun APIs', () => {
  it('resource-servers/deno-api.ts under deno serve, with --allow-net=127.0.0.1 and two variables only', async () => {
    const map = `${tmp}/import-map.json`
    writeFileSync(map, JSON.stringify({ imports: { 'npm:idtoken-verify': pathToFileURL(`${dist}index.js`).href } }))
    const url = await serve(
      `${bin}deno`,
      [
        'serve',
        '--no-prompt',
        '--host',
        '127.0.0.1',
        '--port',
        '0',
        `--import-map=${map}`,
        '--allow-net=127.0.0.1',
        '--allow-env=OIDC_ISSUER,API_AUDIENCE',
        'deno-api.ts',
      ],
      { OIDC_ISSUER: server.url, API_AUDIENCE: AUDIENCE },
    )
    await expectApi(url.replace('0.0.0.0', '127.0.0.1'))
    // POST needs invoices:write: a read-only token is insufficient_scope, 403.
    const readOnly = await server.idp.mintAccessToken({ aud: AUDIENCE, scope: 'invoices:read' })
    const post = await call(url, bearer(readOnly, 'POST'))
    expect(post.status).toBe(403)
    expect(post.challenge).toBe(
      'Bearer realm="invoices", error="insufficient_scope", error_description="the \'scope\' claim lacks the required scope \'invoices:write\'", scope="invoices:write"',
    )
  })

  it('resource-servers/bun-api.ts on Bun.serve', async () => {
    const url = await serve(`${bin}bun`, ['bun-api.ts'], { OIDC_ISSUER: server.url, API_AUDIENCE: AUDIENCE, PORT: '0' })
    await expectApi(url)
    const writer = await server.idp.mintAccessToken({ aud: AUDIENCE, scope: 'invoices:write' })
    expect((await call(url, bearer(writer, 'POST'))).status).toBe(200)
  })
})

/** Bundles an example the way Wrangler does, against the built package, and imports it. */
async function bundled<T>(file: string): Promise<T> {
  const outfile = `${tmp}/${file.replace(/\W/g, '-')}.mjs`
  await build({
    entryPoints: [`${examples}${file}`],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    outfile,
    logLevel: 'silent',
    alias: { 'idtoken-verify': `${dist}index.js` },
  })
  return (await import(pathToFileURL(outfile).href)) as T
}

describe('edge', () => {
  it('resource-servers/worker-api.ts: the audience, the allowed clients and the scope', async () => {
    type Worker = { fetch(request: Request, env: unknown): Promise<Response> }
    const worker = (await bundled<{ default: Worker }>('resource-servers/worker-api.ts')).default
    const env = { OIDC_ISSUER: server.url, API_AUDIENCE: AUDIENCE, CLIENT_IDS: `${CLIENT_ID},another-client` }
    const request = (token?: string) =>
      new Request(
        'https://api.example.test/invoices',
        token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
      )
    const { idp } = server
    expect(
      (await worker.fetch(request(await idp.mintAccessToken({ aud: AUDIENCE, scope: 'invoices:read' })), env)).status,
    ).toBe(200)
    const stranger = await worker.fetch(
      request(await idp.mintAccessToken({ aud: AUDIENCE, scope: 'invoices:read', client_id: 'stranger' })),
      env,
    )
    expect(stranger.status).toBe(401)
    expect(stranger.headers.get('www-authenticate')).toContain('error="invalid_token"')
    const noScope = await worker.fetch(request(await idp.mintAccessToken({ aud: AUDIENCE, scope: 'openid' })), env)
    expect(noScope.status).toBe(403)
    expect((await worker.fetch(request(), env)).headers.get('www-authenticate')).toBe(
      'Bearer realm="invoices", scope="invoices:read"',
    )
  })

  it('resource-servers/backchannel-logout.ts ends the session a logout token names, once', async () => {
    type Module = typeof import('../../docs/examples/resource-servers/backchannel-logout.ts')
    const { logoutEndpoint } = await bundled<Module>('resource-servers/backchannel-logout.ts')
    const ended: string[] = []
    const handle = logoutEndpoint({
      issuer: server.url,
      clientId: CLIENT_ID,
      sessions: {
        endSession: async (iss, sid) => void ended.push(`${iss} sid=${sid}`),
        endAllSessionsOf: async (iss, sub) => void ended.push(`${iss} sub=${sub}`),
      },
    })
    const post = (token: string) =>
      handle(
        new Request('https://app.example.test/backchannel-logout', {
          method: 'POST',
          body: new URLSearchParams({ logout_token: token }),
        }),
      )
    const { idp } = server
    const token = await idp.mintLogoutToken({ sub: 'alice', sid: 'session-1' })
    expect((await post(token)).status).toBe(200)
    expect((await post(await idp.mintLogoutToken({ sub: 'bob' }))).status).toBe(200)
    expect(ended).toEqual([`${server.url} sid=session-1`, `${server.url} sub=bob`])
    const replayed = await post(token)
    expect(replayed.status).toBe(400)
    expect(await replayed.json()).toEqual({
      error: 'invalid_request',
      error_description: 'the logout token was received before ("jti")',
    })
    // An ID token posted as a logout token.
    expect((await post(await idp.mintIdToken({ sid: 'session-1' }))).status).toBe(400)
    expect(ended).toHaveLength(2)
  })
})
