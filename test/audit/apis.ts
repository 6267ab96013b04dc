// Small APIs for the audit to probe: each answers 200 to a token it trusts and 401 otherwise.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { createRemoteJWKSet, jwtVerify } from 'jose'

export type TokenCheck = (token: string) => Promise<boolean>

export interface Api {
  url: string
  close(): Promise<void>
}

/** A port that was free a moment ago: the issuer must be known before the API starts. */
export async function freePort(): Promise<number> {
  const server = createNetServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

function bearer(req: IncomingMessage, header: string): string | undefined {
  const value = req.headers[header]
  if (typeof value !== 'string') return undefined
  return header === 'authorization' ? /^Bearer (.+)$/.exec(value)?.[1] : value
}

export async function startApi(check: TokenCheck, header = 'authorization'): Promise<Api> {
  const server: Server = createServer((req, res) => {
    const token = bearer(req, header)
    void (token === undefined ? Promise.resolve(false) : check(token).catch(() => false)).then((ok) => {
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ ok }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/api/me`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** Hole: trusts whatever the payload says, as long as it decodes to an object. */
export const noSignatureCheck: TokenCheck = async (token) => {
  const payload: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))
  return typeof payload === 'object' && payload !== null && !Array.isArray(payload)
}

/** Hole: verifies the signature and the issuer with jose, but never the audience. */
export function noAudienceCheck(issuer: string): TokenCheck {
  const keys = createRemoteJWKSet(new URL(`${issuer}/jwks`))
  return async (token) => {
    await jwtVerify(token, keys, { issuer })
    return true
  }
}
