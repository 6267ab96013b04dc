// A web page the developer visits must not drive the mock IdP's control API on 127.0.0.1: no CORS on
// /_mock/ unless the origin is allowlisted, and no "simple" (preflight-free) control request.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockIdpServer, type MockIdpServer } from '../../mock-idp/server.ts'
import { allowHeaders, raw } from './mock-server-request.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const EVIL = 'https://evil.example.com'
const DEMO = 'http://127.0.0.1:4001'
let srv: MockIdpServer
let allowing: MockIdpServer

beforeAll(async () => {
  srv = await startMockIdpServer({ port: 0, algorithms: ['ES256'] })
  allowing = await startMockIdpServer({ port: 0, algorithms: ['ES256'], controlOrigins: [`${DEMO}/`] })
})
afterAll(async () => {
  await srv.close()
  await allowing.close()
})

const preflight = (url: string, origin: string, method = 'POST') =>
  raw(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'content-type' },
  })

describe('the control API by default', () => {
  it('answers a preflight from any origin without Access-Control-Allow-* headers', async () => {
    for (const path of ['id-token', 'reset', 'faults/jwks', 'keys', 'no-such-thing']) {
      const response = await preflight(`${srv.url}/_mock/${path}`, EVIL)
      expect(allowHeaders(response), path).toEqual([])
      expect(response.status, path).toBeGreaterThanOrEqual(400)
    }
  })

  it('refuses a text/plain POST (which needs no preflight) with 415 and mints nothing', async () => {
    const response = await raw(`${srv.url}/_mock/id-token`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: '{"claims":{"sub":"mallory"}}',
    })
    expect(response.status).toBe(415)
    expect(response.body).not.toMatch(/"token"/)
  })

  it('refuses form and bodiless state changes with 415 (a no-cors fetch or a form post)', async () => {
    const kid = srv.idp.signingKid()
    const form = await raw(`${srv.url}/_mock/rotate`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=b',
    })
    expect(form.status).toBe(415)
    const bare = await raw(`${srv.url}/_mock/rotate`, { method: 'POST' })
    expect(bare.status).toBe(415)
    const fault = await raw(`${srv.url}/_mock/faults/jwks`, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body: '{"status":503}',
    })
    expect(fault.status).toBe(415)
    expect(srv.idp.signingKid()).toBe(kid)
    expect((await fetch(`${srv.url}/jwks`)).status).toBe(200)
  })

  it('answers another method on a control route with 405 and Allow, after the origin check', async () => {
    const kid = srv.idp.signingKid()
    const wrong = await raw(`${srv.url}/_mock/rotate`)
    expect(wrong.status).toBe(405)
    expect(wrong.headers.allow).toBe('POST, OPTIONS')
    expect(wrong.body).not.toMatch(/"kid"/)
    const put = await raw(`${srv.url}/_mock/id-token`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    expect(put.status).toBe(405)
    expect(put.body).not.toMatch(/"token"/)
    const foreign = await raw(`${srv.url}/_mock/rotate`, { headers: { origin: EVIL } })
    expect(foreign.status).toBe(403)
    expect(allowHeaders(foreign)).toEqual([])
    expect(srv.idp.signingKid()).toBe(kid)
  })

  it('refuses a request carrying a foreign Origin, and sends it no CORS headers', async () => {
    const minted = await raw(`${srv.url}/_mock/id-token`, {
      method: 'POST',
      headers: { origin: EVIL, 'content-type': 'application/json' },
      body: '{}',
    })
    expect(minted.status).toBe(403)
    expect(minted.body).not.toMatch(/"token"/)
    expect(allowHeaders(minted)).toEqual([])
    const keys = await raw(`${srv.url}/_mock/keys`, { headers: { origin: EVIL } })
    expect(keys.status).toBe(403)
    expect(allowHeaders(keys)).toEqual([])
  })

  it('still serves test suites (no Origin, JSON) and keeps CORS on the provider endpoints', async () => {
    const minted = await fetch(`${srv.url}/_mock/id-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{}',
    })
    expect(minted.status).toBe(200)
    expect(await minted.json()).toHaveProperty('token')
    expect((await fetch(`${srv.url}/_mock/keys`)).status).toBe(200)
    const jwks = await fetch(`${srv.url}/jwks`, { headers: { origin: EVIL } })
    expect(jwks.headers.get('access-control-allow-origin')).toBe(EVIL)
  })
})

describe('controlOrigins', () => {
  it('gives allowlisted origins CORS on /_mock/, and nobody else', async () => {
    const ok = await preflight(`${allowing.url}/_mock/rotate`, DEMO)
    expect(ok.status).toBe(204)
    expect(ok.headers['access-control-allow-origin']).toBe(DEMO)
    expect(String(ok.headers['access-control-allow-methods'])).toContain('POST')
    const rotated = await raw(`${allowing.url}/_mock/rotate`, {
      method: 'POST',
      headers: { origin: DEMO, 'content-type': 'application/json' },
      body: '{}',
    })
    expect(rotated.status).toBe(200)
    expect(rotated.headers['access-control-allow-origin']).toBe(DEMO)
    expect(allowHeaders(await preflight(`${allowing.url}/_mock/rotate`, EVIL))).toEqual([])
    expect(allowHeaders(await preflight(`${allowing.url}/_mock/rotate`, 'http://127.0.0.1:4002'))).toEqual([])
    expect((await raw(`${allowing.url}/_mock/keys`, { headers: { origin: 'null' } })).status).toBe(403)
  })

  it('an allowlisted origin still needs a JSON body', async () => {
    const response = await raw(`${allowing.url}/_mock/reset`, {
      method: 'POST',
      headers: { origin: DEMO, 'content-type': 'text/plain' },
      body: '',
    })
    expect(response.status).toBe(415)
  })

  it('refuses an origin that is not an http(s) origin', async () => {
    await expect(startMockIdpServer({ port: 0, controlOrigins: ['*'] })).rejects.toThrow(TypeError)
    await expect(startMockIdpServer({ port: 0, controlOrigins: ['http://127.0.0.1:4001/path'] })).rejects.toThrow(
      TypeError,
    )
  })
})

function cli(args: string[]): Promise<{ issuer: string; stop: () => Promise<number | null> }> {
  const child = spawn(`${root}node_modules/.bin/bun`, [`${root}mock-idp/cli.ts`, '--port', '0', ...args], { cwd: root })
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const newline = out.indexOf('\n')
      if (newline >= 0) {
        resolve({
          issuer: out.slice(0, newline),
          stop: () =>
            new Promise((done) => {
              child.once('exit', (code) => done(code))
              child.kill('SIGTERM')
            }),
        })
      }
    })
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.on('exit', (code) => reject(new Error(`CLI exited with ${code}: ${err}`)))
  })
}

describe('the CLI', () => {
  it('--control-origin (repeatable) allowlists origins for the control API', async () => {
    const { issuer, stop } = await cli(['--control-origin', DEMO, '--control-origin', 'http://localhost:5173'])
    try {
      expect((await preflight(`${issuer}/_mock/id-token`, DEMO)).headers['access-control-allow-origin']).toBe(DEMO)
      expect(
        (await preflight(`${issuer}/_mock/id-token`, 'http://localhost:5173')).headers['access-control-allow-origin'],
      ).toBe('http://localhost:5173')
      expect(allowHeaders(await preflight(`${issuer}/_mock/id-token`, EVIL))).toEqual([])
    } finally {
      expect(await stop()).toBe(0)
    }
  })

  it('--help documents the protections and their flags', async () => {
    const help = await new Promise<string>((resolve) => {
      const child = spawn(`${root}node_modules/.bin/bun`, [`${root}mock-idp/cli.ts`, '--help'], { cwd: root })
      let out = ''
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
      child.on('exit', () => resolve(out))
    })
    for (const flag of ['--control-origin', '--allowed-host', '--max-body-bytes']) expect(help).toContain(flag)
    expect(help).toMatch(/Host/)
    expect(help).toMatch(/415/)
    expect(help).toMatch(/413/)
  })
})
