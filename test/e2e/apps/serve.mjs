// A tiny static server for the SPA under test: /spa/ from apps/spa, /dist/ from the built package.
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { extname, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const mounts = { '/spa/': `${root}test/e2e/apps/spa/`, '/dist/': `${root}dist/` }
const types = { '.html': 'text/html;charset=utf-8', '.js': 'text/javascript' }

createServer(async (req, res) => {
  let path = new URL(req.url ?? '/', 'http://x').pathname
  if (path.endsWith('/')) path += 'index.html'
  const mount = Object.keys(mounts).find((prefix) => path.startsWith(prefix))
  const file = mount === undefined ? undefined : normalize(mounts[mount] + path.slice(mount.length))
  try {
    if (file === undefined || !file.startsWith(mounts[mount])) throw new Error('outside')
    const body = await readFile(file)
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body)
  } catch {
    res.writeHead(404).end()
  }
}).listen(Number(process.env.PORT), '127.0.0.1')
