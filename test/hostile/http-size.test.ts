// A hostile or broken endpoint must not make us hold more than the 1 MiB bound in memory: the body is read as a
// stream, decoded bytes are counted as they arrive, and reading stops (the stream is cancelled) once the count
// passes the bound, also when a small gzip'd response inflates to hundreds of megabytes.
import { once } from 'node:events'
import { createGzip } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { createVerifier } from '../../src/index.ts'
import { getJson } from '../../src/lib/http.ts'
import { CLIENT, ISSUER, makeKey, NOW, sign } from '../helpers/issuer.ts'
import { countingBody, serve, type TestServer } from './http-fixtures.ts'

const JWKS_URL = `${ISSUER}/jwks`
const MiB = 1 << 20
const CHUNK = 64 * 1024

const fetchOf =
  (response: () => Response): typeof fetch =>
  async () =>
    response()
const failure = (promise: Promise<unknown>): Promise<{ code: string; message: string } | undefined> =>
  promise.then(
    () => undefined,
    (e: unknown) => e as { code: string; message: string },
  )
const bytes = (...parts: (string | number[])[]): Uint8Array<ArrayBuffer> =>
  new Uint8Array(parts.flatMap((part) => (typeof part === 'string' ? [...new TextEncoder().encode(part)] : part)))

describe('the body is bounded while it is read', () => {
  it('an 8 MiB body is cancelled soon after 1 MiB', async () => {
    const body = countingBody({ total: 8 * MiB, chunk: CHUNK })
    const error = await failure(
      getJson({ fetch: fetchOf(() => new Response(body.stream)), timeout: 5000 }, JWKS_URL, 'key set'),
    )
    expect(error?.code).toBe('ERR_JWKS_INVALID')
    expect(body.cancelled()).toBe(true)
    expect(body.pulled()).toBeLessThanOrEqual(MiB + CHUNK)
    expect(error?.message).toBe(`the key set at ${JWKS_URL} is larger than 1 MiB`)
  })

  it('through createVerifier: a 16 MiB key set is refused, the stream cancelled', async () => {
    const body = countingBody({ total: 16 * MiB, chunk: CHUNK })
    const verifier = createVerifier({
      issuer: ISSUER,
      audience: CLIENT,
      jwksUri: JWKS_URL,
      cache: 'memory',
      now: () => NOW,
      timeout: 5000,
      fetch: fetchOf(() => new Response(body.stream, { headers: { 'content-type': 'application/json' } })),
    })
    const error = await failure(verifier.verify(await sign(await makeKey('RS256'))))
    expect(error?.code).toBe('ERR_JWKS_INVALID')
    expect(body.cancelled()).toBe(true)
    expect(body.pulled()).toBeLessThanOrEqual(MiB + CHUNK)
    expect(error?.message).toContain(`the key set at ${JWKS_URL} is larger than 1 MiB`)
  })

  it('a Content-Length over the bound is refused before anything is read', async () => {
    const body = countingBody({ total: 2 * MiB, chunk: CHUNK })
    const response = () => new Response(body.stream, { headers: { 'content-length': String(2 * MiB) } })
    const error = await failure(getJson({ fetch: fetchOf(response), timeout: 5000 }, JWKS_URL, 'key set'))
    expect(error?.code).toBe('ERR_JWKS_INVALID')
    expect(body.pulled()).toBe(0)
    expect(body.cancelled()).toBe(true)
    expect(error?.message).toBe(`the key set at ${JWKS_URL} is larger than 1 MiB`)
  })

  it('exactly 1 MiB is read; one byte more is refused', async () => {
    const json = '{"keys":[]}'
    const exact = json + ' '.repeat(MiB - json.length)
    const ok = await getJson({ fetch: fetchOf(() => new Response(exact)), timeout: 5000 }, JWKS_URL, 'key set')
    expect(ok.body).toEqual({ keys: [] })
    const error = await failure(
      getJson({ fetch: fetchOf(() => new Response(`${exact} `)), timeout: 5000 }, JWKS_URL, 'key set'),
    )
    expect(error?.message).toBe(`the key set at ${JWKS_URL} is larger than 1 MiB`)
  })

  it('the bound counts bytes, not characters', async () => {
    // 600 Ki two-byte characters: 1.2 MiB of UTF-8, fewer than 1 Mi characters.
    const text = `{"keys":[],"x":"${'é'.repeat(600 * 1024)}"}`
    const error = await failure(
      getJson({ fetch: fetchOf(() => new Response(text)), timeout: 5000 }, JWKS_URL, 'key set'),
    )
    expect(error?.code).toBe('ERR_JWKS_INVALID')
    expect(error?.message).toBe(`the key set at ${JWKS_URL} is larger than 1 MiB`)
  })
})

describe('decoding', () => {
  it('invalid UTF-8 is refused, not replaced', async () => {
    const error = await failure(
      getJson({ fetch: fetchOf(() => new Response(bytes('["', [0xff], '"]'))), timeout: 5000 }, JWKS_URL, 'key set'),
    )
    expect(error?.code).toBe('ERR_JWKS_INVALID')
    expect(error?.message).toBe(`the key set at ${JWKS_URL} is not valid JSON (not UTF-8)`)
  })

  it('a leading byte order mark is accepted, as response.text() did', async () => {
    const response = await getJson(
      { fetch: fetchOf(() => new Response(bytes([0xef, 0xbb, 0xbf], '{"keys":[]}'))), timeout: 5000 },
      JWKS_URL,
      'key set',
    )
    expect(response.body).toEqual({ keys: [] })
  })

  it('a response without a body is not valid JSON', async () => {
    const error = await failure(
      getJson({ fetch: fetchOf(() => new Response(null)), timeout: 5000 }, JWKS_URL, 'key set'),
    )
    expect(error?.code).toBe('ERR_JWKS_INVALID')
    expect(error?.message).toBe(`the key set at ${JWKS_URL} is not valid JSON`)
  })

  it('a body split inside a multi-byte character decodes', async () => {
    const encoded = new TextEncoder().encode('{"keys":[],"name":"é€😀"}')
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of encoded) controller.enqueue(new Uint8Array([byte]))
        controller.close()
      },
    })
    const response = await getJson({ fetch: fetchOf(() => new Response(stream)), timeout: 5000 }, JWKS_URL, 'key set')
    expect(response.body).toEqual({ keys: [], name: 'é€😀' })
  })
})

describe('over real HTTP with the global fetch (undici)', () => {
  let server: TestServer | undefined
  afterEach(async () => {
    await server?.close()
  })

  it('a ~400 KiB gzip response inflating to 400 MiB is cut at 1 MiB; memory stays small', async () => {
    // Compressed as a stream: the 400 MiB never exist in this process.
    const gzip = createGzip({ level: 9 })
    const compressed: Buffer[] = []
    gzip.on('data', (chunk: Buffer) => compressed.push(chunk))
    const spaces = Buffer.alloc(MiB, 0x20)
    gzip.write('{"keys":[')
    for (let i = 0; i < 400; i++) if (!gzip.write(spaces)) await once(gzip, 'drain')
    gzip.end(']}')
    await once(gzip, 'end')
    const payload = Buffer.concat(compressed)
    expect(payload.byteLength).toBeLessThan(MiB)

    server = await serve((_request, response) => {
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': payload.byteLength,
      })
      response.end(payload)
    })
    const url = `${server.origin}/jwks`
    const before = process.memoryUsage().rss
    const error = await failure(getJson({ fetch: globalThis.fetch, timeout: 15_000 }, url, 'key set'))
    const grown = process.memoryUsage().rss - before
    expect(error?.code).toBe('ERR_JWKS_INVALID')
    expect(grown, `rss grew by ${Math.round(grown / MiB)} MiB`).toBeLessThan(64 * MiB)
    expect(error?.message).toBe(`the key set at ${url} is larger than 1 MiB`)
  })
})
