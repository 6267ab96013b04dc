// DNS rebinding: a page on evil.example whose name is re-pointed at 127.0.0.1 reaches the mock IdP
// same-origin, with `Host: evil.example`. Only loopback names, IP literals, the issuer's host and
// configured names are served.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockIdpServer, type MockIdpServer } from '../../mock-idp/server.ts'
import { raw } from './mock-server-request.ts'

let srv: MockIdpServer
let named: MockIdpServer
let port: string

beforeAll(async () => {
  srv = await startMockIdpServer({ port: 0, algorithms: ['ES256'] })
  port = new URL(srv.url).port
  named = await startMockIdpServer({
    port: 0,
    algorithms: ['ES256'],
    issuer: 'http://idp.corp.example:8080/realms/dev',
    allowedHosts: ['proxy.example.net', '.tunnel.example.org'],
  })
})
afterAll(async () => {
  await srv.close()
  await named.close()
})

describe('the Host header', () => {
  it('a rebinding name gets 421 with a short text body, on every kind of endpoint', async () => {
    for (const host of [
      'evil.example',
      `evil.example:${port}`,
      'localhost.evil.example',
      '127.0.0.1.evil.example',
      'evil.localhost.example',
    ]) {
      const discovery = await raw(`${srv.url}/.well-known/openid-configuration`, { headers: { host } })
      expect(discovery.status, host).toBe(421)
      expect(String(discovery.headers['content-type'])).toMatch(/^text\/plain/)
      expect(discovery.body.length).toBeLessThan(200)
      expect(discovery.headers['access-control-allow-origin']).toBeUndefined()
    }
    const minted = await raw(`${srv.url}/_mock/id-token`, {
      method: 'POST',
      headers: { host: 'evil.example', 'content-type': 'application/json' },
      body: '{}',
    })
    expect(minted.status).toBe(421)
    expect(minted.body).not.toMatch(/token/)
    const before = srv.idp.requestCount()
    expect(
      (
        await raw(`${srv.url}/token`, {
          method: 'POST',
          headers: { host: 'evil.example', 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=x',
        })
      ).status,
    ).toBe(421)
    expect(srv.idp.requestCount()).toBe(before)
  })

  it('loopback names and IP literals are served, with or without the port', async () => {
    for (const host of [
      `127.0.0.1:${port}`,
      '127.0.0.1',
      `localhost:${port}`,
      'LOCALHOST',
      `app.localhost:${port}`,
      `[::1]:${port}`,
      '127.0.0.2',
      'localhost.',
    ]) {
      expect((await raw(`${srv.url}/jwks`, { headers: { host } })).status, host).toBe(200)
    }
  })

  it("the issuer's host and allowedHosts are served; other names are not", async () => {
    const path = '/realms/dev/.well-known/openid-configuration'
    for (const host of [
      'idp.corp.example:8080',
      'idp.corp.example',
      'proxy.example.net',
      'a.tunnel.example.org',
      'tunnel.example.org',
    ]) {
      expect((await raw(`${named.url}${path}`, { headers: { host } })).status, host).toBe(200)
    }
    for (const host of ['corp.example', 'other.example.net', 'eviltunnel.example.org']) {
      expect((await raw(`${named.url}${path}`, { headers: { host } })).status, host).toBe(421)
    }
  })
})
