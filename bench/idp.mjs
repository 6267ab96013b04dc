// A counting identity provider on a real port (node:http on 127.0.0.1) for the cold paths, which also
// serves the pages, bundles and modules the browser benches load. Every request is counted by path at
// the server: that count is the number the cold-path targets are about.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'

export const DISCOVERY = '/.well-known/openid-configuration'
export const JWKS = '/jwks'
/** The provider's default `Cache-Control` for discovery and the key set. */
export const CACHE_CONTROL = 'public, max-age=600'
/** Headers of a cross-origin isolated page: Chromium then times with performance.now() at 5 µs, not 100 µs. */
export const ISOLATED = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html', '.json': 'application/json' }

/**
 * Starts the provider. `assets`: path -> { type, body, headers? } served from memory; `directories`: URL prefix ->
 * folder served read-only (ES modules such as jose's webapi build). Discovery and the key set carry an ETag
 * and `Cache-Control: public, max-age=600` (`idp.cacheControl`), and answer a matching If-None-Match with 304.
 * `latency`: milliseconds each discovery or key-set answer is held back (a provider across the internet); the
 * pages and modules are served at once. Both can be changed on the returned object while it runs.
 */
export async function startIdp({
  assets = {},
  directories = {},
  algorithms = ['RS256'],
  latency = 0,
  cacheControl = CACHE_CONTROL,
} = {}) {
  const idp = {
    origin: '',
    keys: [],
    latency,
    cacheControl,
    /** Send `Connection: close` with the provider's answers, so every cold fetch pays for a new connection. */
    closeConnections: false,
    log: [],
    count: (path) => idp.log.filter((entry) => path === undefined || entry.path === path).length,
    reset() {
      idp.log = []
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections?.()
      }),
  }

  async function handle(request, response) {
    const path = new URL(request.url ?? '/', idp.origin).pathname
    const send = (status, headers, body) => {
      // `at`: when the answer left, on this process's performance.now() clock.
      idp.log.push({ method: request.method, path, status, at: performance.now() })
      response.writeHead(status, headers)
      response.end(body)
    }
    const asset = assets[path]
    if (asset !== undefined)
      return send(200, { 'content-type': asset.type, 'cache-control': 'no-store', ...asset.headers }, asset.body)
    for (const [prefix, folder] of Object.entries(directories)) {
      if (!path.startsWith(prefix)) continue
      const file = normalize(join(folder, decodeURIComponent(path.slice(prefix.length))))
      if (!file.startsWith(folder.endsWith(sep) ? folder : folder + sep)) return send(403, {}, 'forbidden')
      try {
        const body = await readFile(file)
        return send(
          200,
          { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' },
          body,
        )
      } catch {
        return send(404, {}, 'not found')
      }
    }
    if (path !== DISCOVERY && path !== JWKS) return send(404, {}, 'not found')
    if (idp.latency > 0) await new Promise((resolve) => setTimeout(resolve, idp.latency))
    let body
    if (path === DISCOVERY) {
      body = JSON.stringify({
        issuer: idp.origin,
        jwks_uri: idp.origin + JWKS,
        id_token_signing_alg_values_supported: algorithms,
      })
    } else {
      body = JSON.stringify({ keys: idp.keys })
    }
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`
    const headers = { etag, 'cache-control': idp.cacheControl }
    if (idp.closeConnections) headers.connection = 'close'
    if (request.headers['if-none-match'] === etag) return send(304, headers)
    send(200, { ...headers, 'content-type': 'application/json' }, body)
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error) => {
      response.writeHead(500)
      response.end(String(error))
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  idp.origin = `http://127.0.0.1:${server.address().port}`
  return idp
}
