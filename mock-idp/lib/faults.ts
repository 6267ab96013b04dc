// Fault injection and the request log. A fault decorates an endpoint's normal response: it can
// delay it, fail it at the network level, or override status, body, content type and headers.
import { delay, HttpResponse } from 'msw'
import { ENDPOINT_NAMES, isEndpoint } from './endpoints.ts'
import type { Fault, MockIdpEndpoint, RequestLogEntry } from '../types.ts'

export interface FaultState {
  set(endpoint: MockIdpEndpoint, fault: Fault | null): void
  /** Runs `respond` (the endpoint's normal response) through the endpoint's fault, logging the request. */
  apply(endpoint: MockIdpEndpoint, request: Request, respond: () => Promise<Response>): Promise<Response>
  count(endpoint?: MockIdpEndpoint): number
  readonly log: RequestLogEntry[]
  reset(): void
}

/**
 * Response headers a fault may set: what a verifier or client reads (caching, validators, retry,
 * redirects, auth challenges, content negotiation). Left out on purpose: cookies (the server is on
 * 127.0.0.1, whose cookies every local app shares), CORS grants, framing (`content-length`,
 * `transfer-encoding`, `connection`) and page policies (CSP, HSTS, `refresh`, `clear-site-data`).
 */
export const FAULT_HEADERS: readonly string[] = [
  'age',
  'cache-control',
  'content-encoding',
  'content-language',
  'content-type',
  'date',
  'etag',
  'expires',
  'last-modified',
  'location',
  'pragma',
  'retry-after',
  'vary',
  'www-authenticate',
]

function validateHeaders(headers: unknown): void {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers))
    throw new TypeError('"headers" must be an object of header names to string values')
  for (const [name, value] of Object.entries(headers)) {
    if (!FAULT_HEADERS.includes(name.toLowerCase())) {
      throw new TypeError(
        `a fault may not set the header ${JSON.stringify(name)}; allowed: ${FAULT_HEADERS.join(', ')}`,
      )
    }
    if (typeof value !== 'string') throw new TypeError(`the fault header ${JSON.stringify(name)} must be a string`)
  }
}

function validate(endpoint: MockIdpEndpoint, fault: Fault): void {
  if (!isEndpoint(endpoint))
    throw new TypeError(`unknown endpoint ${JSON.stringify(endpoint)}; use one of ${ENDPOINT_NAMES.join(', ')}`)
  if (fault.status !== undefined && !(Number.isInteger(fault.status) && fault.status >= 200 && fault.status <= 599)) {
    throw new TypeError('"status" must be an integer from 200 to 599')
  }
  if (fault.times !== undefined && !(Number.isInteger(fault.times) && fault.times > 0))
    throw new TypeError('"times" must be a positive integer')
  if (typeof fault.delay === 'number' && !(fault.delay >= 0))
    throw new TypeError('"delay" must be a non-negative number of milliseconds')
  if (fault.contentType !== undefined && typeof fault.contentType !== 'string')
    throw new TypeError('"contentType" must be a string')
  if (fault.headers !== undefined) validateHeaders(fault.headers)
  // Values the Fetch API would refuse (line breaks, ...) fail here rather than in a later response.
  new Headers({ ...(fault.contentType === undefined ? {} : { 'content-type': fault.contentType }), ...fault.headers })
}

function faultBody(fault: Fault, normal: Response): { body: BodyInit | null; contentType: string | null } {
  if (fault.body !== undefined) {
    if (typeof fault.body === 'string') return { body: fault.body, contentType: 'text/plain;charset=UTF-8' }
    return { body: JSON.stringify(fault.body), contentType: 'application/json' }
  }
  if (fault.status !== undefined && fault.status >= 400) {
    const error = fault.status >= 500 ? 'server_error' : 'invalid_request'
    return {
      body: JSON.stringify({ error, error_description: 'fault injected by the mock IdP' }),
      contentType: 'application/json',
    }
  }
  return { body: normal.body, contentType: normal.headers.get('content-type') }
}

export function createFaultState(now: () => number): FaultState {
  const faults = new Map<MockIdpEndpoint, { fault: Fault; left: number }>()
  const counts = new Map<MockIdpEndpoint, number>()
  const log: RequestLogEntry[] = []

  function take(endpoint: MockIdpEndpoint): Fault | undefined {
    const entry = faults.get(endpoint)
    if (entry === undefined) return undefined
    entry.left -= 1
    if (entry.left <= 0) faults.delete(endpoint)
    return entry.fault
  }

  return {
    set(endpoint, fault) {
      if (fault === null) {
        faults.delete(endpoint)
        return
      }
      validate(endpoint, fault)
      // Copied so that a later change to the caller's object cannot bring in an unchecked header.
      const kept: Fault = { ...fault }
      if (fault.headers !== undefined) kept.headers = { ...fault.headers }
      faults.set(endpoint, { fault: kept, left: fault.times ?? Number.POSITIVE_INFINITY })
    },
    async apply(endpoint, request, respond) {
      // Preflights are the browser's business: they are neither counted nor faulted, so counts
      // are the same under setupServer, setupWorker and a real server.
      if (request.method === 'OPTIONS') return respond()
      counts.set(endpoint, (counts.get(endpoint) ?? 0) + 1)
      const fault = take(endpoint)
      log.push({ endpoint, method: request.method, url: request.url, time: now(), faulted: fault !== undefined })
      if (fault === undefined) return respond()
      if (fault.delay !== undefined) await delay(fault.delay)
      if (fault.networkError === true) return HttpResponse.error()
      const normal = await respond()
      if (
        fault.status === undefined &&
        fault.body === undefined &&
        fault.contentType === undefined &&
        fault.headers === undefined
      )
        return normal
      const { body, contentType } = faultBody(fault, normal)
      const headers = new Headers(normal.headers)
      headers.delete('content-length')
      headers.delete('etag')
      const type = fault.contentType ?? contentType
      if (type === null) headers.delete('content-type')
      else headers.set('content-type', type)
      for (const [name, value] of Object.entries(fault.headers ?? {})) headers.set(name, value)
      const status = fault.status ?? normal.status
      return new Response(status === 204 || status === 304 ? null : body, { status, headers })
    },
    count: (endpoint) => (endpoint === undefined ? log.length : (counts.get(endpoint) ?? 0)),
    log,
    reset() {
      faults.clear()
      counts.clear()
      log.length = 0
    },
  }
}
