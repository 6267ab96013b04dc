// Raw HTTP to the mock IdP server: node:http lets a test send what a browser or an attacker would
// (any Host header, a body that never ends), which fetch does not.
import { request } from 'node:http'

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

export interface RawRequest {
  method?: string
  headers?: Record<string, string | number>
  body?: string
}

/** One request to `url` with exactly these headers (a `host` entry replaces the URL's). */
export function raw(url: string, options: RawRequest = {}): Promise<RawResponse> {
  const target = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        )
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

/** The names of every `Access-Control-Allow-*` header of a response. */
export function allowHeaders(response: { headers: Record<string, unknown> } | Response): string[] {
  const names = response instanceof Response ? [...response.headers.keys()] : Object.keys(response.headers)
  return names.filter((name) => name.toLowerCase().startsWith('access-control-allow-'))
}
