// Public entry `idtoken-verify/mock-idp/server`: the same handlers on a real HTTP server, for test
// suites in any language. node:http is served by Node, Bun and Deno alike.
/**
 * `idtoken-verify/mock-idp/server`: the mock provider on a real HTTP server on 127.0.0.1, with a
 * `/_mock/` control API, for test suites in any language (also as the CLI `idtoken-verify-mock-idp`).
 * Start with {@link startMockIdpServer}.
 *
 * @module idtoken-verify/mock-idp/server
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getResponse, type RequestHandler } from 'msw'
import { createControlHandlers } from './control.ts'
import { createMockIdp } from './create.ts'
import { json, withCors } from './lib/http.ts'
import type { MockIdp, MockIdpOptions } from './types.ts'

export { createControlHandlers, type ControlClock } from './control.ts'

/**
 * Options of {@link startMockIdpServer}: the provider's options plus where to listen.
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

function readBody(req: IncomingMessage): Promise<Uint8Array<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = []
    req.on('data', (chunk: Uint8Array) => chunks.push(chunk))
    req.on('end', () => {
      const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
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

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const headers = new Headers()
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i] ?? '', req.rawHeaders[i + 1] ?? '')
  const method = req.method ?? 'GET'
  const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req)
  // Paths are resolved against the issuer's origin so that an explicit issuer (a proxy name,
  // another port) still matches the handlers.
  return new Request(new URL(req.url ?? '/', origin), body === undefined ? { method, headers } : { method, headers, body })
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
  const { port = 0, host = '127.0.0.1', idp: given, control = true, ...idpOptions } = options
  let handlers: RequestHandler[] = []
  let origin = ''
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const request = await toRequest(req, origin)
        const response = await getResponse(handlers, request)
        if (response === undefined) {
          await send(res, withCors(request, json({ error: 'not_found', error_description: `no mock IdP endpoint at ${request.url}` }, 404)))
        } else if (response.type === 'error') {
          req.socket.destroy()
        } else {
          await send(res, response)
        }
      } catch (error) {
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

  // The server owns its clock unless given one, so the control API can move it.
  let offset = 0
  const clock = {
    advance(seconds: number): number {
      offset += seconds * 1000
      return Date.now() + offset
    },
  }
  const idp = given ?? (await createMockIdp({
    ...idpOptions,
    issuer: idpOptions.issuer ?? url,
    now: idpOptions.now ?? (() => Date.now() + offset),
  }))
  origin = new URL(idp.issuer).origin
  handlers = [...idp.handlers, ...(control ? createControlHandlers(idp, given === undefined && idpOptions.now === undefined ? clock : undefined) : [])]

  return {
    url,
    idp,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections?.()
      }),
  }
}

export type { MockIdp, MockIdpOptions } from './types.ts'
