// startMockIdpServer: the same handlers on a real HTTP server, for test suites in any language. node:http is served
// by Node, Bun and Deno alike. The public entry is server.ts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getResponse, type RequestHandler } from 'msw'
import { createControlHandlers } from './control.ts'
import { createMockIdp } from './create.ts'
import { createHostCheck, isIpLiteral, normalizeHostNames } from './lib/hosts.ts'
import { json, normalizeOrigins, withCors } from './lib/http.ts'
import type { Fault, MockIdp, MockIdpClient, MockIdpOptions } from './types.ts'

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024

/**
 * Options of {@link startMockIdpServer}: the provider's options plus where to listen, and what the
 * server accepts. The server has no authentication, so it guards itself against the web pages the
 * developer visits (which can send requests to 127.0.0.1): see `controlOrigins`, `allowedHosts` and
 * `maxBodyBytes`. Redirects go only to registered URIs, or to loopback and `.test` URIs for a client
 * without any (see {@link MockIdpClient.redirectUris}); fault headers are limited (see {@link Fault.headers}).
 *
 * @example
 * ```ts
 * const server = await startMockIdpServer({ port: 4000, algorithms: ['ES256'], clientId: 'my-app' })
 * ```
 * @see [OpenID Connect Discovery 1.0 §4](https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig)
 */
export interface MockIdpServerOptions extends MockIdpOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string
  /** Serve this provider instead of creating one (its issuer's path is kept, its origin mapped to the server). */
  idp?: MockIdp
  /** Serve the `/_mock/` control API. Default true. */
  control?: boolean
  /**
   * Origins (`http://127.0.0.1:4001`, ...) whose pages may call the `/_mock/` control API from a
   * browser (CORS). Default none: the control API sends no `Access-Control-Allow-*` header, refuses
   * requests with any other `Origin` (403), and always requires `Content-Type: application/json` on
   * `POST`/`PUT` (415 otherwise). Test suites outside a browser send no `Origin` and are served.
   * The provider's own endpoints (discovery, JWKS, token, userinfo) keep CORS for every origin.
   */
  controlOrigins?: string[]
  /**
   * Host names served besides the built-in ones, against DNS rebinding (a foreign name re-pointed at
   * 127.0.0.1): `name` exactly, or `.example.test` for it and its subdomains. Always served: IP
   * literals, `localhost`, `*.localhost`, the issuer's host and the `host` option. Any other `Host`
   * header gets 421 Misdirected Request. The port is not compared.
   */
  allowedHosts?: string[]
  /**
   * Largest request body in bytes, on every endpoint. Default 1 MiB. Bodies are counted as they
   * arrive; past the limit (or with a larger `Content-Length`) the answer is 413 at once and the
   * connection is closed without reading the rest.
   */
  maxBodyBytes?: number
}

/**
 * A running mock IdP server, as {@link startMockIdpServer} resolves it.
 *
 * @example
 * ```ts
 * const { url, idp, close } = await startMockIdpServer()
 * try {
 *   process.env.OIDC_ISSUER = url
 *   const token = await idp.mintIdToken({ sub: 'alice' })
 * } finally {
 *   await close()
 * }
 * ```
 * @see [OpenID Connect Discovery 1.0 §4](https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig)
 */
export interface MockIdpServer {
  /** The server's base URL, `http://127.0.0.1:PORT`. */
  url: string
  /** The provider it serves; its `issuer` defaults to `url`. */
  idp: MockIdp
  /** Stops listening and drops open connections. */
  close(): Promise<void>
}

class BodyTooLarge extends Error {}

/** The body, counted as it arrives; rejects with BodyTooLarge as soon as it passes `limit`. */
function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length']) > limit) {
      reject(new BodyTooLarge())
      return
    }
    const chunks: Uint8Array[] = []
    let size = 0
    const onData = (chunk: Uint8Array): void => {
      size += chunk.length
      if (size > limit) {
        // Stop reading: what is still on the wire is dropped with the connection, never buffered.
        req.off('data', onData)
        req.pause()
        reject(new BodyTooLarge())
        return
      }
      chunks.push(chunk)
    }
    req.on('data', onData)
    req.on('end', () => {
      const out = new Uint8Array(size)
      let offset = 0
      for (const chunk of chunks) {
        out.set(chunk, offset)
        offset += chunk.length
      }
      resolve(out)
    })
    req.on('error', reject)
  })
}

async function toRequest(req: IncomingMessage, origin: string, limit: number): Promise<Request> {
  const headers = new Headers()
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
    headers.append(req.rawHeaders[i] ?? '', req.rawHeaders[i + 1] ?? '')
  const method = req.method ?? 'GET'
  // A GET or HEAD body is never read (node:http discards it without keeping it); only its declared size is checked.
  if ((method === 'GET' || method === 'HEAD') && Number(req.headers['content-length']) > limit) throw new BodyTooLarge()
  const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req, limit)
  // Paths are resolved against the issuer's origin so that an explicit issuer (a proxy name,
  // another port) still matches the handlers.
  return new Request(
    new URL(req.url ?? '/', origin),
    body === undefined ? { method, headers } : { method, headers, body },
  )
}

/** A short plain-text refusal that no browser renders as a page. */
function refuse(res: ServerResponse, status: number, message: string, dropConnection = false): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  })
  if (!dropConnection) {
    res.end(message)
    return
  }
  // The client may still be sending. Closing at once, with its bytes unread, would reset the
  // connection and could lose this answer (so no `Connection: close`, which makes node:http do
  // that); instead the write side is closed, nothing more is read (the kernel's window bounds what
  // waits), and the connection is dropped after a grace period.
  const socket = res.socket
  res.end(message, () => {
    if (socket === null) return
    socket.end()
    const timer = setTimeout(() => socket.destroy(), 2000)
    timer.unref()
    socket.once('close', () => clearTimeout(timer))
  })
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    headers[name] = value
  })
  const body = new Uint8Array(await response.arrayBuffer())
  res.writeHead(response.status, headers)
  res.end(body)
}

/**
 * Starts the mock IdP on a real HTTP server on 127.0.0.1, serving the same MSW handlers as
 * `idp.handlers` (with CORS), plus a `/_mock/` control API to mint tokens, rotate keys, set
 * faults, move the clock and reset, for test suites written in any language. Without `issuer`,
 * the issuer is the server's own URL, so discovery is self-consistent.
 *
 * It has no authentication, so it refuses what a web page open in the developer's browser could
 * send it: control requests from other origins or without a JSON body (see
 * {@link MockIdpServerOptions.controlOrigins}), foreign `Host` names (DNS rebinding, see
 * {@link MockIdpServerOptions.allowedHosts}) and oversized bodies (see
 * {@link MockIdpServerOptions.maxBodyBytes}). A bad option is a TypeError before anything listens.
 *
 * @example
 * ```ts
 * import { startMockIdpServer } from 'idtoken-verify/mock-idp/server'
 *
 * const { url, idp, close } = await startMockIdpServer({ port: 0 })
 * const discovery = await (await fetch(`${url}/.well-known/openid-configuration`)).json()
 * const token = await idp.mintIdToken({ sub: 'alice' })
 * await close()
 * ```
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 */
export async function startMockIdpServer(options: MockIdpServerOptions = {}): Promise<MockIdpServer> {
  const {
    port = 0,
    host = '127.0.0.1',
    idp: given,
    control = true,
    controlOrigins = [],
    allowedHosts = [],
    maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
    ...idpOptions
  } = options
  // Checked before listening, so that a bad option leaves no server behind.
  const origins = [...normalizeOrigins(controlOrigins, 'controlOrigins')]
  const extraHosts = normalizeHostNames(allowedHosts, 'allowedHosts')
  if (!(Number.isSafeInteger(maxBodyBytes) && maxBodyBytes > 0))
    throw new TypeError('"maxBodyBytes" must be a positive integer')
  const listenNames = host.includes(':') || isIpLiteral(host) ? [] : normalizeHostNames([host], 'host')
  let handlers: RequestHandler[] = []
  let origin = ''
  let controlPath: string | undefined
  let hostNames: string[] = []
  const hostAllowed = createHostCheck(() => hostNames)
  const server = createServer((req, res) => {
    void (async () => {
      try {
        // DNS rebinding: a page on a name its owner re-points at 127.0.0.1 would be same-origin with us.
        if (!hostAllowed(req.headers.host)) {
          refuse(res, 421, 'Misdirected Request: the mock IdP does not serve this host name (see --allowed-host).\n')
          return
        }
        const request = await toRequest(req, origin, maxBodyBytes)
        const response = await getResponse(handlers, request)
        if (response === undefined) {
          const notFound = json(
            { error: 'not_found', error_description: `no mock IdP endpoint at ${request.url}` },
            404,
          )
          const isControl = controlPath !== undefined && new URL(request.url).pathname.startsWith(controlPath)
          await send(res, isControl ? notFound : withCors(request, notFound))
        } else if (response.type === 'error') {
          req.socket.destroy()
        } else {
          await send(res, response)
        }
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          if (res.headersSent) {
            req.socket.destroy()
            return
          }
          refuse(res, 413, `Content Too Large: request bodies are limited to ${maxBodyBytes} bytes.\n`, true)
          return
        }
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
        res.end(error instanceof Error ? error.message : 'internal error')
      }
    })()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const address = server.address() as AddressInfo
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`
  const close = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()))
      server.closeAllConnections?.()
    })

  // The server owns its clock unless given one, so the control API can move it.
  let offset = 0
  const clock = {
    advance(seconds: number): number {
      offset += seconds * 1000
      return Date.now() + offset
    },
  }
  let idp: MockIdp
  try {
    idp =
      given ??
      (await createMockIdp({
        ...idpOptions,
        issuer: idpOptions.issuer ?? url,
        now: idpOptions.now ?? (() => Date.now() + offset),
      }))
  } catch (error) {
    await close()
    throw error
  }
  const issuer = new URL(idp.issuer)
  origin = issuer.origin
  hostNames = [issuer.hostname, ...listenNames, ...extraHosts]
  if (control) controlPath = `${issuer.pathname.replace(/\/+$/, '')}/_mock/`
  handlers = [
    ...idp.handlers,
    ...(control
      ? createControlHandlers(idp, given === undefined && idpOptions.now === undefined ? clock : undefined, { origins })
      : []),
  ]

  return { url, idp, close }
}
