// The audit against three APIs: one that checks no signature, one that checks no audience, and a
// careful one (the built SDK). Through the function and through the CLI, exit codes included.
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createVerifier } from '../../dist/index.js'
import { auditApi, auditExitCode, type AuditReport } from '../../mock-idp/server.ts'
import { BAD_TOKEN_CATALOGUE, BAD_TOKEN_NAMES } from '../../mock-idp/index.ts'
import { requireBuild, root } from '../runtimes/built.ts'
import { freePort, noAudienceCheck, noSignatureCheck, startApi, type Api } from './apis.ts'

const clientId = 'my-app'
const names = (report: AuditReport, verdict: string): string[] =>
  report.results
    .filter((row) => row.verdict === verdict)
    .map((row) => row.name)
    .sort()

// What jose's jwtVerify (issuer set, no audience) accepts: its own laxness plus the missing aud check.
const NO_AUDIENCE_HOLES = [
  'accessTokenAsIdToken',
  'issuedInFuture',
  'logoutTokenAsIdToken',
  'missingExp',
  'missingIat',
  'missingSub',
  'wrongAudience',
  'wrongAzp',
]
const CONTEXT = ['authTimeTooOld', 'missingNonce', 'wrongAtHash', 'wrongCHash', 'wrongNonce']

beforeAll(() => requireBuild())

function expectShape(report: AuditReport): void {
  expect(Object.keys(report)).toEqual(['baseline', 'results'])
  expect(Object.keys(report.baseline)).toEqual(['status', 'accepted'])
  expect(report.results.map((row) => row.name)).toEqual([...BAD_TOKEN_NAMES])
  for (const row of report.results) {
    expect(Object.keys(row)).toEqual(['name', 'status', 'accepted', 'verdict'])
    expect(row.accepted).toBe(row.status !== null && row.status >= 200 && row.status < 300)
    const hole = BAD_TOKEN_CATALOGUE[row.name].acceptance === 'hole'
    expect(row.verdict).toBe(row.accepted ? (hole ? 'fail' : 'note') : 'pass')
  }
}

describe('auditApi', () => {
  it('an API that checks no signature: exit 1, forged, tampered, expired and misaddressed tokens fail', async () => {
    const api = await startApi(noSignatureCheck)
    try {
      const report = await auditApi({ target: api.url, clientId, port: await freePort() })
      expectShape(report)
      expect(report.baseline).toEqual({ status: 200, accepted: true })
      const fails = names(report, 'fail')
      for (const name of [
        'algNone',
        'badSignature',
        'tamperedPayload',
        'unpublishedKey',
        'hmacWithPublicKey',
        'embeddedJwk',
        'expired',
        'wrongIssuer',
        'wrongAudience',
        'twoParts',
      ]) {
        expect(fails, name).toContain(name)
      }
      expect(report.results.find((row) => row.name === 'payloadNotJson')).toMatchObject({
        status: 401,
        verdict: 'pass',
      })
      expect(auditExitCode(report)).toBe(1)
    } finally {
      await api.close()
    }
  })

  it('an API that checks no audience (jose without `audience`): exactly its holes fail, the context-bound ones are notes', async () => {
    const port = await freePort()
    const api = await startApi(noAudienceCheck(`http://127.0.0.1:${port}`))
    try {
      const report = await auditApi({ target: api.url, clientId, port })
      expectShape(report)
      expect(report.baseline).toEqual({ status: 200, accepted: true })
      expect(names(report, 'fail')).toEqual(NO_AUDIENCE_HOLES)
      expect(names(report, 'note')).toEqual(CONTEXT)
      expect(auditExitCode(report)).toBe(1)
    } finally {
      await api.close()
    }
  })

  it('a careful API (the SDK with the right issuer and audience): exit 0, only context-bound notes', async () => {
    const port = await freePort()
    const verifier = createVerifier({ issuer: `http://127.0.0.1:${port}`, audience: clientId, cache: 'memory' })
    const api = await startApi(async (token) => Boolean(await verifier.verify(token)))
    try {
      const report = await auditApi({ target: api.url, clientId, port })
      expectShape(report)
      expect(names(report, 'fail')).toEqual([])
      expect(names(report, 'note')).toEqual(CONTEXT)
      expect(auditExitCode(report)).toBe(0)
    } finally {
      await api.close()
    }
  })

  it("another header: --header 'X-Id-Token: {token}'; the default header then reaches nothing", async () => {
    const port = await freePort()
    const verifier = createVerifier({ issuer: `http://127.0.0.1:${port}`, audience: clientId, cache: 'memory' })
    const api = await startApi(async (token) => Boolean(await verifier.verify(token)), 'x-id-token')
    try {
      const report = await auditApi({ target: api.url, clientId, port, header: 'X-Id-Token: {token}' })
      expect(auditExitCode(report)).toBe(0)
      const refused = await auditApi({ target: api.url, clientId, port })
      expect(refused).toEqual({ baseline: { status: 401, accepted: false }, results: [] })
      expect(auditExitCode(refused)).toBe(2)
    } finally {
      await api.close()
    }
  })

  it('exit 2 when the target cannot be reached or refuses the good token (wrong audience)', async () => {
    const unreachable = await auditApi({
      target: `http://127.0.0.1:${await freePort()}/api`,
      clientId,
      port: await freePort(),
    })
    expect(unreachable).toEqual({ baseline: { status: null, accepted: false }, results: [] })
    expect(auditExitCode(unreachable)).toBe(2)
    const port = await freePort()
    const verifier = createVerifier({ issuer: `http://127.0.0.1:${port}`, audience: 'another-app', cache: 'memory' })
    const api = await startApi(async (token) => Boolean(await verifier.verify(token)))
    try {
      const refused = await auditApi({ target: api.url, clientId, port })
      expect(refused.baseline).toEqual({ status: 401, accepted: false })
      expect(auditExitCode(refused)).toBe(2)
    } finally {
      await api.close()
    }
  })

  it('through an injected fetch (an in-process app), with no server for the API', async () => {
    const seen: string[] = []
    const report = await auditApi({
      target: 'http://app.test/api/me',
      clientId,
      port: 0,
      fetch: async (request) => {
        seen.push(String(request.headers.get('authorization')))
        return new Response(null, { status: 302, headers: { location: '/login' } })
      },
    })
    // A redirect to a login page is a refusal, not an acceptance.
    expect(report.baseline).toEqual({ status: 302, accepted: false })
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatch(/^Bearer ey/)
  })

  it('a bad header or target is a TypeError before anything runs', async () => {
    await expect(auditApi({ target: 'http://127.0.0.1:9/x', header: 'Authorization Bearer {token}' })).rejects.toThrow(
      TypeError,
    )
    await expect(auditApi({ target: 'http://127.0.0.1:9/x', header: 'Authorization: Bearer' })).rejects.toThrow(
      /\{token\}/,
    )
    await expect(auditApi({ target: 'ftp://127.0.0.1/x' })).rejects.toThrow(TypeError)
  })
})

describe('idtoken-verify-mock-idp audit', () => {
  let cli: string
  let noAudience: Api
  let careful: Api
  let noAudiencePort: number
  let carefulPort: number
  beforeAll(async () => {
    const outdir = `${root}node_modules/.cache/mock-idp-audit-test`
    mkdirSync(outdir, { recursive: true })
    cli = `${outdir}/cli.mjs`
    await build({
      entryPoints: [`${root}mock-idp/cli.ts`],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['jose', 'msw'],
      outfile: cli,
      logLevel: 'silent',
    })
    noAudiencePort = await freePort()
    noAudience = await startApi(noAudienceCheck(`http://127.0.0.1:${noAudiencePort}`))
    carefulPort = await freePort()
    const verifier = createVerifier({ issuer: `http://127.0.0.1:${carefulPort}`, audience: clientId, cache: 'memory' })
    careful = await startApi(async (token) => Boolean(await verifier.verify(token)))
  })
  afterAll(async () => {
    await noAudience?.close()
    await careful?.close()
  })

  const run = (args: string[]) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, [cli, 'audit', ...args], { cwd: root })
      let out = ''
      let err = ''
      child.stdout.on('data', (c: Buffer) => (out += c.toString()))
      child.stderr.on('data', (c: Buffer) => (err += c.toString()))
      child.on('exit', (code) => resolve({ code, out, err }))
    })

  it('--json prints the report and exits 1 for the API without an audience check', async () => {
    const { code, out } = await run([
      '--target',
      noAudience.url,
      '--port',
      String(noAudiencePort),
      '--client-id',
      clientId,
      '--json',
    ])
    const report = JSON.parse(out) as AuditReport
    expectShape(report)
    expect(names(report, 'fail')).toEqual(NO_AUDIENCE_HOLES)
    expect(code).toBe(1)
  })

  it('prints a table with a summary line and exits 0 for the careful API', async () => {
    const { code, out } = await run(['--target', careful.url, '--port', String(carefulPort), '--client-id', clientId])
    expect(out).toMatch(/^good token +200 +accepted$/m)
    expect(out).toMatch(/^wrongAudience +401 +pass +aud of another client only$/m)
    expect(out).toMatch(/^wrongNonce +200 +note /m)
    expect(out).toMatch(
      new RegExp(
        `^0 fail, ${CONTEXT.length} note, ${BAD_TOKEN_NAMES.length - CONTEXT.length} pass: no forgery was accepted \\(exit 0\\)$`,
        'm',
      ),
    )
    expect(code).toBe(0)
  })

  it('exits 2 when the target cannot be reached, and on a usage error', async () => {
    const down = await run(['--target', `http://127.0.0.1:${await freePort()}/`, '--port', String(await freePort())])
    expect(down.code).toBe(2)
    expect(down.out).toMatch(/no answer from/)
    const usage = await run(['--port', '1'])
    expect(usage.code).toBe(2)
    expect(usage.err).toMatch(/--target/)
    const help = await run(['--help'])
    expect(help.code).toBe(0)
    expect(help.out).toMatch(/^Usage: idtoken-verify-mock-idp audit/)
  })
})
