// The browser runners' page, served the way a user would load the SDK from a CDN: the page on one origin
// (127.0.0.1:A) has a plain <script type="module"> that imports dist/index.js by absolute URL from another
// origin (127.0.0.1:B, the "CDN", which sends CORS headers as CDNs do). No bundler, no import map. The suite
// itself is served as JavaScript, its types stripped by esbuild (it has no imports to resolve).
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { transform } from 'esbuild'
import { dist, requireBuild, root } from './built.ts'
import type { SuiteResult } from '../conformance/suite.ts'

const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { name: string; version: string }

export interface SuitePage {
  /** The page to open. */
  readonly url: string
  /** The URL the page imports the SDK from. */
  readonly sdkUrl: string
  /** Paths the CDN origin served, in order. */
  readonly cdnRequests: string[]
  close(): Promise<void>
}

/** What `window.conformance` resolves to in the page. */
export interface PageResult extends SuiteResult {
  readonly lines: string[]
}

declare global {
  interface Window {
    conformance?: Promise<PageResult>
  }
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

export async function serveSuitePage(): Promise<SuitePage> {
  requireBuild()
  const cdnRequests: string[] = []
  const prefix = `/${pkg.name}@${pkg.version}/dist/`
  const cdn = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    cdnRequests.push(path)
    // Only the files of dist/, by name: no traversal out of it.
    const file = path.startsWith(prefix) ? path.slice(prefix.length) : ''
    if (!/^[\w@.-]+(\/[\w@.-]+)*\.js$/.test(file) || file.split('/').includes('..')) {
      res.writeHead(404).end()
      return
    }
    let body: Buffer
    try {
      body = readFileSync(`${dist}${file}`)
    } catch {
      res.writeHead(404).end()
      return
    }
    res
      .writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'access-control-allow-origin': '*',
        'cache-control': 'public, max-age=31536000, immutable',
      })
      .end(body)
  })
  const cdnOrigin = await listen(cdn)
  const sdkUrl = `${cdnOrigin}${prefix}index.js`

  const suite = await transform(readFileSync(`${root}test/conformance/suite.ts`, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: 'es2022',
    sourcefile: 'suite.ts',
  })
  const html = `<!doctype html>
<meta charset="utf-8">
<title>idtoken-verify conformance</title>
<link rel="icon" href="data:,">
<script type="module">
  import * as lib from ${JSON.stringify(sdkUrl)}
  import { runSuite } from '/conformance/suite.js'
  const lines = []
  window.conformance = runSuite(lib, { log: (line) => { lines.push(line); console.log(line) } })
    .then((result) => ({ ...result, lines }))
</script>
`
  const app = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path === '/') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html)
    else if (path === '/conformance/suite.js')
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(suite.code)
    else res.writeHead(404).end()
  })
  const url = `${await listen(app)}/`

  return {
    url,
    sdkUrl,
    cdnRequests,
    async close() {
      await Promise.all(
        [cdn, app].map(
          (server) =>
            new Promise((resolve) => {
              server.closeAllConnections()
              server.close(resolve)
            }),
        ),
      )
    },
  }
}
