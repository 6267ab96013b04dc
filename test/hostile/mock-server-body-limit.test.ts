// A request body is counted while it arrives: past the limit the server answers 413 at once and
// stops reading, so a page (or a stray script) cannot make it buffer hundreds of megabytes.
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMockIdpServer, type MockIdpServer } from '../../mock-idp/server.ts'
import { raw } from './mock-server-request.ts'

const MiB = 1024 * 1024
let srv: MockIdpServer
let small: MockIdpServer

beforeAll(async () => {
  srv = await startMockIdpServer({ port: 0, algorithms: ['ES256'] })
  small = await startMockIdpServer({ port: 0, algorithms: ['ES256'], maxBodyBytes: 1000 })
})
afterAll(async () => {
  await srv.close()
  await small.close()
})

/**
 * Streams a chunked body of up to `cap` bytes, and stops writing as soon as a response arrives.
 * Resolves with the status and how much had been written by then.
 */
function stream(
  url: string,
  cap: number,
  headers: Record<string, string>,
): Promise<{ status: number; written: number }> {
  const target = new URL(url)
  return new Promise((resolve, reject) => {
    let written = 0
    let answered = false
    const chunk = Buffer.alloc(64 * 1024, 0x61)
    const req = request(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers, agent: false },
      (res) => {
        answered = true
        const status = res.statusCode ?? 0
        res.resume()
        res.on('end', () => resolve({ status, written }))
        res.on('error', () => resolve({ status, written }))
      },
    )
    // The server may close the connection while we still write: that is expected, not a failure.
    req.on('error', (error) => {
      if (!answered) reject(error)
    })
    const pump = (): void => {
      while (!answered && written < cap) {
        written += chunk.length
        if (!req.write(chunk)) {
          req.once('drain', pump)
          return
        }
      }
      if (!answered) req.end()
    }
    pump()
  })
}

describe('the request body limit', () => {
  it('answers 413 to a streamed oversized body long before it ends, and stays responsive', async () => {
    const cap = 64 * MiB
    for (const [path, type] of [
      ['/token', 'application/x-www-form-urlencoded'],
      ['/_mock/id-token', 'application/json'],
      ['/nowhere', 'text/plain'],
    ] as const) {
      const { status, written } = await stream(`${srv.url}${path}`, cap, { 'content-type': type })
      expect(status, path).toBe(413)
      expect(written, path).toBeLessThan(cap / 4)
    }
    expect((await fetch(`${srv.url}/.well-known/openid-configuration`)).status).toBe(200)
  })

  it('answers 413 to a declared Content-Length over the limit without reading it', async () => {
    const declared = await stream(`${srv.url}/token`, 4 * MiB, {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(200 * MiB),
    })
    expect(declared.status).toBe(413)
    expect(declared.written).toBeLessThan(4 * MiB)
  })

  it('maxBodyBytes: a body at the limit is served, one byte over is 413', async () => {
    const form = (size: number) =>
      raw(`${small.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=authorization_code&code=${'x'.repeat(size - 35)}`,
      })
    const atLimit = await form(1000)
    expect(atLimit.status).toBe(401) // parsed and judged: no client_id
    const over = await form(1001)
    expect(over.status).toBe(413)
    expect(over.body).toMatch(/1000/)
  })

  it('a 1 MiB default serves ordinary requests', async () => {
    const body = JSON.stringify({ claims: { sub: 'alice', filler: 'x'.repeat(512 * 1024) } })
    const response = await fetch(`${srv.url}/_mock/id-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    expect(response.status).toBe(200)
  })

  it('refuses a limit that is not a positive integer', async () => {
    await expect(startMockIdpServer({ port: 0, maxBodyBytes: 0 })).rejects.toThrow(TypeError)
    await expect(startMockIdpServer({ port: 0, maxBodyBytes: Number.NaN })).rejects.toThrow(TypeError)
  })
})
