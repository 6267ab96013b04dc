// Every example of the guides (docs/examples/) runs here, against the BUILT package (dist/) and the
// mock IdP as a real HTTP server on 127.0.0.1: Node scripts under node, the Deno example under deno with
// the narrowest permissions, the Bun example under bun, the edge function bundled like Wrangler does and
// called with a Request, the application test suite under its own vitest, the CLI script under bash.
// Browser examples are in examples-browser.test.ts. The examples read the issuer from OIDC_ISSUER.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { MockIdpServer } from '../../mock-idp/server.ts'
import { bin, CLIENT_ID, dist, examples, loadMockIdpServer, requireBuild, run } from './helpers.ts'

// Child processes and a browser on two shared cores: generous limits, so load does not fail a test.
vi.setConfig({ testTimeout: 60_000 })

let server: MockIdpServer
let env: Record<string, string>
let tmp: string

beforeAll(async () => {
  requireBuild()
  const { startMockIdpServer } = await loadMockIdpServer()
  server = await startMockIdpServer({ clientId: CLIENT_ID, algorithms: ['RS256', 'ES256'] })
  env = { OIDC_ISSUER: server.url, OIDC_CLIENT_ID: CLIENT_ID }
  tmp = mkdtempSync(`${tmpdir()}/idtoken-verify-docs-`)
})

afterAll(async () => {
  await server?.close()
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

const node = (file: string, args: readonly string[] = [], extra: Record<string, string> = {}) =>
  run(process.execPath, [file, ...args], { env: { ...env, ...extra } })

/** An issuer nobody answers at: a port that was free a moment ago. */
async function deadIssuer(): Promise<string> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as { port: number }
  await new Promise((resolve) => probe.close(resolve))
  return `http://127.0.0.1:${port}`
}

describe('Node scripts', () => {
  it('node-verify.mjs verifies a token and names the failed claim of a bad one', async () => {
    const { idp } = server
    const [good, wrongAudience] = await Promise.all([
      node('node-verify.mjs', [await idp.mintIdToken({ sub: 'alice' })]),
      node('node-verify.mjs', [(await idp.mintBadToken('wrongAudience')).token]),
    ])
    expect(good).toMatchObject({ code: 0, stdout: `verified: sub=alice alg=RS256 kid=${idp.signingKid('RS256')}` })
    expect(wrongAudience).toMatchObject({ code: 1, stdout: 'rejected: ERR_CLAIM_INVALID (aud)' })
  })

  it('errors.mjs maps each failure to the next step', async () => {
    const { idp } = server
    const nonce = 'expected-nonce'
    const token = await idp.mintIdToken({ sub: 'alice', nonce })
    const outcomes = await Promise.all([
      node('errors.mjs', [token, nonce]),
      node('errors.mjs', [(await idp.mintBadToken('expired', { nonce })).token, nonce]),
      node('errors.mjs', [(await idp.mintBadToken('wrongNonce')).token, nonce]),
      node('errors.mjs', [(await idp.mintBadToken('algNone', { nonce })).token, nonce]),
      node('errors.mjs', [token, nonce], { OIDC_ISSUER: await deadIssuer() }),
      // A trailing slash the provider does not use: its discovery document names another issuer.
      node('errors.mjs', [token, nonce], { OIDC_ISSUER: `${server.url}/` }),
    ])
    expect(outcomes.map((outcome) => outcome.stdout)).toEqual([
      'signed in: alice',
      'ERR_TOKEN_EXPIRED: sign in again',
      'ERR_CLAIM_INVALID: reject (claim "nonce")',
      'ERR_ALG_NOT_ALLOWED: reject',
      'ERR_JWKS_UNAVAILABLE: retry later',
      'ERR_JWKS_INVALID: alert operators',
    ])
  })

  it('misuse.mjs: a missing option and a mistyped check are TypeErrors', async () => {
    const { code, stdout } = await node('misuse.mjs')
    expect(code).toBe(0)
    expect(stdout.split('\n')).toEqual([
      'TypeError: createVerifier: "audience" must be a non-empty string or array of them',
      'TypeError: verify: "maxAge" must be a non-negative number false',
    ])
  })

  it('strict.mjs accepts an ES256 token with nonce, auth_time and at_hash, and refuses RS256', async () => {
    const { idp } = server
    const accessToken = 'access-token-1'
    const claims = { sub: 'alice', nonce: 'n-1', auth_time: idp.nowSeconds() - 60 }
    const [good, rs256] = await Promise.all([
      node('strict.mjs', [await idp.mintIdToken(claims, { alg: 'ES256', accessToken }), 'n-1', accessToken]),
      node('strict.mjs', [await idp.mintIdToken(claims, { alg: 'RS256', accessToken }), 'n-1', accessToken]),
    ])
    expect(good).toMatchObject({ code: 0, stdout: 'verified: sub=alice alg=ES256' })
    expect(rs256.code).not.toBe(0)
    expect(rs256.stderr).toContain("code: 'ERR_ALG_NOT_ALLOWED'")
  })

  it('jose-before.mjs and jose-after.mjs agree', async () => {
    const { idp } = server
    const token = await idp.mintIdToken({ sub: 'alice', nonce: 'n-1' })
    const [before, after, beforeBad, afterBad] = await Promise.all([
      node('jose-before.mjs', [token, 'n-1']),
      node('jose-after.mjs', [token, 'n-1']),
      node('jose-before.mjs', [token, 'another-nonce']),
      node('jose-after.mjs', [token, 'another-nonce']),
    ])
    expect(before).toMatchObject({ code: 0, stdout: 'verified: sub=alice' })
    expect(after).toMatchObject({ code: 0, stdout: 'verified: sub=alice' })
    expect(beforeBad.stderr).toContain('nonce mismatch')
    expect(afterBad.stderr).toContain("claim: 'nonce'")
  })
})

describe('provider presets', () => {
  // The configuration a user of each provider would have; the mock IdP's profiles serve those providers offline.
  const PROVIDERS = {
    GOOGLE_CLIENT_ID: '1234-web.apps.googleusercontent.com',
    ENTRA_CLIENT_ID: '6731de76-14a6-49ae-97bc-6eba6914391e',
    ENTRA_TENANT_ID: '11111111-1111-4111-8111-111111111111',
    ENTRA_ALLOWED_TENANTS: '11111111-1111-4111-8111-111111111111,33333333-3333-4333-8333-333333333333',
    FIREBASE_PROJECT_ID: 'my-project-1234',
    COGNITO_USER_POOL_ID: 'eu-west-1_AbCdEf123',
    COGNITO_CLIENT_ID: '1example23456789',
    KEYCLOAK_URL: 'https://sso.example.test',
    KEYCLOAK_REALM: 'main',
    KEYCLOAK_CLIENT_ID: 'my-app',
    AUTH0_DOMAIN: 'example.eu.auth0.com',
    AUTH0_CLIENT_ID: 'AbCdEf0123456789',
    OKTA_ISSUER: 'https://example.okta.com/oauth2/default',
    OKTA_CLIENT_ID: '0oa1b2c3d4e5f6g7h8i9',
    APPLE_CLIENT_IDS: 'com.example.app,com.example.web',
  }

  it('providers/offline.mjs checks providers/verifiers.mjs against each provider profile', async () => {
    const { code, stdout, stderr } = await node('providers/offline.mjs', [], PROVIDERS)
    expect(code, stderr).toBe(0)
    expect(stdout.split('\n')).toEqual([
      'google: verified https://accounts.google.com',
      'google, legacy issuer: verified accounts.google.com',
      'entra: verified https://login.microsoftonline.com/11111111-1111-4111-8111-111111111111/v2.0',
      'entra, another tenant: ERR_CLAIM_INVALID (iss)',
      'entra multi-tenant: verified https://login.microsoftonline.com/11111111-1111-4111-8111-111111111111/v2.0',
      'entra multi-tenant, another tenant: ERR_CLAIM_INVALID (tid)',
      'firebase: verified https://securetoken.google.com/my-project-1234',
      'cognito: verified https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123',
      'cognito, access token: ERR_CLAIM_INVALID (token_use)',
      'keycloak: verified https://sso.example.test/realms/main',
      'keycloak, access token: ERR_CLAIM_INVALID (typ)',
      'auth0: verified https://example.eu.auth0.com/',
      'okta: verified https://example.okta.com/oauth2/default',
      'apple: verified https://appleid.apple.com, email verified: true',
    ])
  })

  it('providers/verifiers.mjs: a multi-tenant Entra app without an allowlist is a TypeError at start-up', async () => {
    const { code, stderr } = await node('providers/verifiers.mjs', [], { ...PROVIDERS, ENTRA_ALLOWED_TENANTS: '' })
    expect(code).not.toBe(0)
    expect(stderr).toContain('TypeError: entra: "tenants" must be \'any\' or a non-empty array of tenant IDs (GUIDs)')
  })
})

describe('Deno and Bun', () => {
  // `npm:idtoken-verify` resolves to the built package through an import map, as it would from npm.
  function importMap(): string {
    const file = `${tmp}/deno-import-map.json`
    writeFileSync(file, JSON.stringify({ imports: { 'npm:idtoken-verify': pathToFileURL(`${dist}index.js`).href } }))
    return file
  }

  // The narrowest permissions: the issuer's host (discovery and key set live there) and the two
  // variables the example reads. Nothing to read or write: modules load without --allow-read.
  const deno = (token: string, net: readonly string[]) =>
    run(
      `${bin}deno`,
      [
        'run',
        '--no-prompt',
        `--import-map=${importMap()}`,
        ...net,
        '--allow-env=OIDC_ISSUER,OIDC_CLIENT_ID',
        'deno-verify.ts',
        token,
      ],
      { env },
    )

  it('deno-verify.ts runs with --allow-net=127.0.0.1 --allow-env=OIDC_ISSUER,OIDC_CLIENT_ID only', async () => {
    const { idp } = server
    // One after the other: started together under a loaded machine, one of the three occasionally exited 1 with
    // nothing on stdout (suspected: a race on Deno's shared module cache; stderr is printed if it happens again).
    const good = await deno(await idp.mintIdToken({ sub: 'alice' }), ['--allow-net=127.0.0.1'])
    const expired = await deno((await idp.mintBadToken('expired')).token, ['--allow-net=127.0.0.1'])
    const noNet = await deno(await idp.mintIdToken({ sub: 'alice' }), [])
    if (good.code !== 0) console.error(`deno-verify.ts stderr: ${good.stderr}`)
    expect(good).toMatchObject({ code: 0, stdout: 'verified: sub=alice alg=RS256' })
    expect(expired).toMatchObject({ code: 1, stdout: 'rejected: ERR_TOKEN_EXPIRED' })
    // Without the net permission the fetch is refused: the keys are unavailable.
    expect(noNet).toMatchObject({ code: 1, stdout: 'rejected: ERR_JWKS_UNAVAILABLE' })
    const version = await run(`${bin}deno`, ['--version'])
    console.info(`docs examples: ${version.stdout.split('\n')[0]}`)
  })

  it('bun-verify.ts verifies a token and rejects a forged one', async () => {
    const { idp } = server
    const bun = (token: string) => run(`${bin}bun`, ['bun-verify.ts', token], { env })
    const [good, forged, version] = await Promise.all([
      bun(await idp.mintIdToken({ sub: 'alice' }, { alg: 'ES256' })),
      bun((await idp.mintBadToken('hmacWithPublicKey')).token),
      run(`${bin}bun`, ['--version']),
    ])
    expect(good).toMatchObject({ code: 0, stdout: 'verified: sub=alice alg=ES256' })
    expect(forged).toMatchObject({ code: 1, stdout: 'rejected: ERR_ALG_NOT_ALLOWED' })
    console.info(`docs examples: bun ${version.stdout}`)
  })
})

describe('edge function', () => {
  /** A Workers KV namespace in memory: JSON values, the TTLs asked for. */
  function fakeKv() {
    const data = new Map<string, string>()
    const ttls: number[] = []
    return {
      data,
      ttls,
      async get(key: string, type: 'json') {
        expect(type).toBe('json')
        const value = data.get(key)
        return value === undefined ? null : (JSON.parse(value) as unknown)
      },
      async put(key: string, value: string, options?: { expirationTtl?: number }) {
        data.set(key, value)
        ttls.push(options?.expirationTtl ?? Infinity)
      },
      async delete(key: string) {
        data.delete(key)
      },
    }
  }

  type Worker = { fetch(request: Request, env: unknown): Promise<Response> }
  let bundle: string
  let isolates = 0

  beforeAll(async () => {
    // What Wrangler does: esbuild bundles the worker with its imports for a Web-standard runtime.
    bundle = `${tmp}/edge-worker.mjs`
    await build({
      entryPoints: [`${examples}edge-worker.ts`],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      outfile: bundle,
      logLevel: 'silent',
      alias: { 'idtoken-verify': `${dist}index.js` },
    })
  })

  /** A fresh isolate: the module evaluated again, so its verifier starts empty. */
  async function isolate(): Promise<Worker> {
    return ((await import(`${pathToFileURL(bundle).href}?isolate=${++isolates}`)) as { default: Worker }).default
  }

  const bearer = (token: string) =>
    new Request('https://app.example.com/api/me', { headers: { authorization: `Bearer ${token}` } })

  it('edge-worker.ts answers 200 for a good Bearer ID token and 401 otherwise', async () => {
    const { idp } = server
    const worker = await isolate()
    const workerEnv = { OIDC_ISSUER: server.url, OIDC_CLIENT_ID: CLIENT_ID, JWKS_CACHE: fakeKv() }

    const ok = await worker.fetch(bearer(await idp.mintIdToken({ sub: 'alice' })), workerEnv)
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ hello: 'alice' })

    const none = await worker.fetch(new Request('https://app.example.com/api/me'), workerEnv)
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toBe('Bearer')

    const expired = await worker.fetch(bearer((await idp.mintBadToken('expired')).token), workerEnv)
    expect(expired.status).toBe(401)
    expect(await expired.text()).toBe('ERR_TOKEN_EXPIRED')
    expect(expired.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
  })

  it('a new isolate verifies from the KV store without asking the provider', async () => {
    const { idp } = server
    const kv = fakeKv()
    const workerEnv = { OIDC_ISSUER: server.url, OIDC_CLIENT_ID: CLIENT_ID, JWKS_CACHE: kv }
    const token = await idp.mintIdToken({ sub: 'bob' })

    expect((await (await isolate()).fetch(bearer(token), workerEnv)).status).toBe(200)
    expect(kv.data.size).toBe(2) // discovery document and key set
    expect(Math.min(...kv.ttls)).toBeGreaterThanOrEqual(60) // Workers KV refuses shorter TTLs

    const requests = idp.requestCount('discovery') + idp.requestCount('jwks')
    const next = await (await isolate()).fetch(bearer(token), workerEnv)
    expect(next.status).toBe(200)
    expect(idp.requestCount('discovery') + idp.requestCount('jwks')).toBe(requests)
  })

  it('answers 503 when the provider is down and nothing is cached', async () => {
    const worker = await isolate()
    const workerEnv = { OIDC_ISSUER: await deadIssuer(), OIDC_CLIENT_ID: CLIENT_ID, JWKS_CACHE: fakeKv() }
    const response = await worker.fetch(bearer(await server.idp.mintIdToken()), workerEnv)
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe('30')
  })
})

describe('testing with the mock IdP', () => {
  it("testing/verify.test.mjs passes under the application's own vitest", async () => {
    const { code, stdout, stderr } = await run(`${bin}vitest`, ['run', '--root', `${examples}testing`], {
      env: { CI: '1', NO_COLOR: '1' },
    })
    rmSync(`${examples}testing/node_modules`, { recursive: true, force: true }) // vitest's results cache
    expect(code, stderr).toBe(0)
    expect(stdout).toMatch(/Tests\s+3 passed \(3\)/)
  })

  it('testing/cli.sh drives the CLI over HTTP', async () => {
    // An application's node_modules/.bin, as npm links it, pointing at the built CLI.
    const project = `${tmp}/cli-project`
    mkdirSync(`${project}/node_modules/.bin`, { recursive: true })
    writeFileSync(
      `${project}/node_modules/.bin/idtoken-verify-mock-idp`,
      `#!/bin/sh\nexec "${process.execPath}" "${dist}mock-idp-cli.js" "$@"\n`,
      { mode: 0o755 },
    )
    const { code, stdout, stderr } = await run('bash', [`${examples}testing/cli.sh`], { cwd: project })
    expect(code, stderr).toBe(0)
    const lines = stdout.split('\n')
    expect(lines[0]).toMatch(/^"jwks_uri":"http:\/\/127\.0\.0\.1:\d+\/jwks"$/)
    expect(lines[1]).toMatch(/^"token":"eyJ/) // the first characters of a JWS
    expect(lines[2]).toBe('503')
    expect(lines).toHaveLength(3)
  })
})
