// A fault may shape a response (status, body, caching and auth headers) but may not set any header:
// Set-Cookie on 127.0.0.1, CORS grants, framing headers and the like are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMockIdp } from '../../mock-idp/index.ts'
import { startMockIdpServer, type MockIdpServer } from '../../mock-idp/server.ts'
import type { Fault } from '../../mock-idp/types.ts'

let srv: MockIdpServer

beforeAll(async () => {
  srv = await startMockIdpServer({ port: 0, algorithms: ['ES256'] })
})
afterAll(() => srv.close())

const REFUSED = [
  'set-cookie',
  'Set-Cookie',
  'access-control-allow-origin',
  'content-length',
  'transfer-encoding',
  'connection',
  'refresh',
  'content-security-policy',
  'strict-transport-security',
  'x-anything',
  'clear-site-data',
]

describe('fault headers', () => {
  it('setFault refuses headers outside the documented set with a TypeError', async () => {
    const idp = await createMockIdp({ algorithms: ['ES256'] })
    for (const name of REFUSED) {
      expect(() => idp.setFault('jwks', { headers: { [name]: 'x' } }), name).toThrow(TypeError)
    }
    expect(() => idp.setFault('jwks', { headers: { etag: 1 as unknown as string } })).toThrow(TypeError)
    expect(() => idp.setFault('jwks', { headers: 'set-cookie: a=b' as unknown as Record<string, string> })).toThrow(
      TypeError,
    )
  })

  it('the documented set still works, in any letter case', async () => {
    const idp = await createMockIdp({ algorithms: ['ES256'] })
    const fault: Fault = {
      status: 503,
      headers: {
        'Retry-After': '5',
        'cache-control': 'no-store',
        Date: 'Tue, 01 Jan 2030 00:00:00 GMT',
        Vary: 'Accept',
      },
    }
    expect(() => idp.setFault('jwks', fault)).not.toThrow()
    for (const name of [
      'age',
      'content-encoding',
      'content-language',
      'content-type',
      'etag',
      'expires',
      'last-modified',
      'location',
      'pragma',
      'www-authenticate',
    ]) {
      expect(() => idp.setFault('jwks', { headers: { [name]: 'x' } }), name).not.toThrow()
    }
  })

  it('the control API answers 400 for a refused header and sets nothing', async () => {
    const response = await fetch(`${srv.url}/_mock/faults/jwks`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 200, headers: { 'set-cookie': 'session=attacker; Path=/' } }),
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringMatching(/set-cookie/),
    })
    const jwks = await fetch(`${srv.url}/jwks`)
    expect(jwks.headers.get('set-cookie')).toBeNull()
    expect(srv.idp.requests.at(-1)?.faulted).toBe(false)
  })
})
