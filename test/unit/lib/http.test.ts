// getJson's answers, one row per kind of response: the code, and a message that names the URL (configuration,
// not secret) and never carries the response body.
import { describe, expect, it } from 'vitest'
import { IdTokenError } from '../../../src/errors.ts'
import { getJson } from '../../../src/lib/http.ts'

const URL_ = 'https://issuer.example.test/jwks'
const SECRET = 'body-text-that-must-not-leak'

const failures: [string, () => Response | Promise<Response>, string, string][] = [
  [
    'HTTP 503',
    () => new Response(SECRET, { status: 503 }),
    'ERR_JWKS_UNAVAILABLE',
    `the key set at ${URL_} could not be fetched: HTTP 503`,
  ],
  [
    'HTTP 404',
    () => new Response(SECRET, { status: 404 }),
    'ERR_JWKS_INVALID',
    `the key set at ${URL_} answered HTTP 404: check the configured URL (issuer or jwksUri)`,
  ],
  [
    'HTTP 429',
    () => new Response(SECRET, { status: 429 }),
    'ERR_JWKS_UNAVAILABLE',
    `the key set at ${URL_} could not be fetched: HTTP 429`,
  ],
  [
    'an HTML page',
    () => new Response(`<html>${SECRET}</html>`, { headers: { 'content-type': 'text/html' } }),
    'ERR_JWKS_INVALID',
    `the key set at ${URL_} is not valid JSON (an HTML page: is the URL right?)`,
  ],
  [
    'a network error',
    () => Promise.reject(new TypeError(`fetch failed ${SECRET}`)),
    'ERR_JWKS_UNAVAILABLE',
    `the key set at ${URL_} could not be fetched: network error`,
  ],
  [
    'a body that is not JSON',
    () => new Response(`<html>${SECRET}</html>`),
    'ERR_JWKS_INVALID',
    `the key set at ${URL_} is not valid JSON`,
  ],
  ['an empty body', () => new Response(''), 'ERR_JWKS_INVALID', `the key set at ${URL_} is not valid JSON`],
  [
    'a body that is not UTF-8',
    () => new Response(new Uint8Array([0x22, 0xc3, 0x22])),
    'ERR_JWKS_INVALID',
    `the key set at ${URL_} is not valid JSON (not UTF-8)`,
  ],
  [
    'a redirect',
    () => new Response(SECRET, { status: 307, headers: { location: 'https://b.example.test/k' } }),
    'ERR_JWKS_INVALID',
    `the key set at ${URL_} answered HTTP 307 (a redirect, which is not followed): configure the final URL (Location: https://b.example.test/k)`,
  ],
  [
    'a declared length over 1 MiB',
    () => new Response(SECRET, { headers: { 'content-length': String(2 ** 20 + 1) } }),
    'ERR_JWKS_INVALID',
    `the key set at ${URL_} is larger than 1 MiB`,
  ],
]

describe('getJson', () => {
  it.each(failures)('%s', async (_name, answer, code, message) => {
    const error = await getJson({ fetch: async () => answer(), timeout: 5000 }, URL_, 'key set').then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(IdTokenError)
    expect((error as IdTokenError).code).toBe(code)
    expect((error as IdTokenError).message).toBe(message)
    expect((error as IdTokenError).message).not.toContain(SECRET)
  })

  it('returns the parsed body, the headers and the status', async () => {
    const response = await getJson(
      { fetch: async () => Response.json({ keys: [] }, { status: 203, headers: { etag: '"x"' } }), timeout: 5000 },
      URL_,
      'key set',
    )
    expect(response).toMatchObject({ body: { keys: [] }, status: 203 })
    expect(response.headers.get('etag')).toBe('"x"')
  })

  it('sends the given headers and a GET, nothing else', async () => {
    let seen: RequestInit | undefined
    await getJson(
      { fetch: async (_input, init) => ((seen = init), Response.json({})), timeout: 5000 },
      URL_,
      'key set',
      { 'if-none-match': '"x"' },
    )
    expect(seen?.method).toBe('GET')
    expect(seen?.headers).toEqual({ 'if-none-match': '"x"' })
  })

  it('a transport that throws synchronously is a network error', async () => {
    const error = await getJson(
      {
        fetch: () => {
          throw new TypeError('bad')
        },
        timeout: 5000,
      },
      URL_,
      'key set',
    ).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect((error as IdTokenError).code).toBe('ERR_JWKS_UNAVAILABLE')
    expect((error as IdTokenError).message).toBe(`the key set at ${URL_} could not be fetched: network error`)
  })
})
