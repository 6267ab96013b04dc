// Faults reach the client as configured; counts and the log are exact; reset() clears them.
import { createRemoteJWKSet, errors, jwtVerify } from 'jose'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createMockIdp, type MockIdp } from '../../mock-idp/index.ts'

let idp: MockIdp
const server = setupServer()
beforeAll(async () => {
  idp = await createMockIdp({ algorithms: ['ES256'] })
  server.use(...idp.handlers)
  server.listen({ onUnhandledRequest: 'error' })
})
beforeEach(() => idp.reset())
afterAll(() => server.close())

describe('faults', () => {
  it('status with an OAuth-style body, N times, then the normal response', async () => {
    idp.setFault('jwks', { status: 503, times: 2 })
    const first = await fetch(idp.jwksUri)
    expect(first.status).toBe(503)
    expect(await first.json()).toEqual({ error: 'server_error', error_description: 'fault injected by the mock IdP' })
    expect((await fetch(idp.jwksUri)).status).toBe(503)
    expect((await fetch(idp.jwksUri)).status).toBe(200)
    expect(idp.requestCount('jwks')).toBe(3)
    expect(idp.requests.map((r) => r.faulted)).toEqual([true, true, false])
  })

  it('a jose verifier sees the outage and then recovers', async () => {
    const token = await idp.mintIdToken()
    idp.setFault('jwks', { status: 500, times: 1 })
    const keys = createRemoteJWKSet(new URL(idp.jwksUri))
    await expect(jwtVerify(token, keys)).rejects.toBeInstanceOf(errors.JOSEError)
    await expect(jwtVerify(token, keys)).resolves.toBeTruthy()
    expect(idp.requestCount('jwks')).toBe(2)
  })

  it('body: malformed JSON, an empty key set, a wrong content type', async () => {
    idp.setFault('discovery', { body: '{"issuer": ', times: 1 })
    const broken = await fetch(idp.discoveryUrl)
    expect(broken.status).toBe(200)
    await expect(broken.json()).rejects.toThrow()
    idp.setFault('jwks', { body: { keys: [] } })
    expect(await (await fetch(idp.jwksUri)).json()).toEqual({ keys: [] })
    idp.setFault('jwks', { contentType: 'text/html' })
    const html = await fetch(idp.jwksUri)
    expect(html.headers.get('content-type')).toBe('text/html')
    expect(((await html.json()) as { keys: unknown[] }).keys).toEqual(idp.jwks().keys)
    idp.setFault('jwks', null)
    expect((await fetch(idp.jwksUri)).headers.get('content-type')).toBe('application/jwk-set+json')
  })

  it('networkError makes fetch reject, and still counts', async () => {
    idp.setFault('token', { networkError: true, times: 1 })
    await expect(fetch(idp.endpoints.token, { method: 'POST' })).rejects.toThrow(TypeError)
    expect((await fetch(idp.endpoints.token, { method: 'POST' })).status).toBe(400)
    expect(idp.requestCount('token')).toBe(2)
  })

  it('delay holds the response back (and an AbortSignal timeout fires first)', async () => {
    idp.setFault('discovery', { delay: 150 })
    const started = performance.now()
    expect((await fetch(idp.discoveryUrl)).status).toBe(200)
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
    idp.setFault('discovery', { delay: 'infinite', times: 1 })
    await expect(fetch(idp.discoveryUrl, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({
      name: 'TimeoutError',
    })
  })

  it('extra headers, status without body keeps a 2xx body, and bad faults are TypeErrors', async () => {
    idp.setFault('userinfo', { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' }, times: 1 })
    const response = await fetch(idp.endpoints.userinfo)
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
    expect(await response.json()).toMatchObject({ error: 'invalid_request' })
    expect(() => idp.setFault('jwks', { status: 99 })).toThrow(TypeError)
    expect(() => idp.setFault('jwks', { times: 0 })).toThrow(TypeError)
    expect(() => idp.setFault('nope' as 'jwks', { status: 500 })).toThrow(TypeError)
  })

  it('counts and the log are exact per endpoint, and reset() clears faults, counts and log', async () => {
    await fetch(idp.discoveryUrl)
    await fetch(idp.jwksUri)
    await fetch(idp.jwksUri)
    await fetch(idp.jwksUri, { method: 'OPTIONS' })
    expect(idp.requestCount('discovery')).toBe(1)
    expect(idp.requestCount('jwks')).toBe(2)
    expect(idp.requestCount('token')).toBe(0)
    expect(idp.requestCount()).toBe(3)
    expect(idp.requests.map(({ endpoint, method, url }) => ({ endpoint, method, url }))).toEqual([
      { endpoint: 'discovery', method: 'GET', url: idp.discoveryUrl },
      { endpoint: 'jwks', method: 'GET', url: idp.jwksUri },
      { endpoint: 'jwks', method: 'GET', url: idp.jwksUri },
    ])
    idp.setFault('jwks', { status: 500 })
    idp.reset()
    expect(idp.requestCount()).toBe(0)
    expect(idp.requests).toEqual([])
    expect((await fetch(idp.jwksUri)).status).toBe(200)
  })
})
