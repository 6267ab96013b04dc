import { fail } from './fail.ts'

export interface HttpOptions {
  readonly fetch: typeof fetch
  /** Milliseconds per request. */
  readonly timeout: number
}

export interface JsonResponse {
  readonly body: unknown
  readonly headers: Headers
  readonly status: number
}

// Key sets of real providers are a few kilobytes; this bounds memory for a hostile or broken endpoint.
const MAX_BODY_CHARS = 1 << 20

/**
 * GETs a JSON document. Transport failures, timeouts and non-2xx answers are `ERR_JWKS_UNAVAILABLE`;
 * a body that is not JSON is `ERR_JWKS_INVALID`. No custom headers are sent unless asked for, so a
 * browser makes a simple CORS request without a preflight.
 */
export async function getJson(
  http: HttpOptions,
  url: string,
  what: string,
  headers?: Record<string, string>,
): Promise<JsonResponse> {
  let response: Response
  let text: string
  try {
    const init: RequestInit = { method: 'GET', redirect: 'follow', signal: AbortSignal.timeout(http.timeout) }
    if (headers !== undefined) init.headers = headers
    response = await http.fetch(url, init)
    if (response.status === 304) return { body: undefined, headers: response.headers, status: 304 }
    if (!response.ok) {
      void response.body?.cancel().catch(() => {})
      fail('ERR_JWKS_UNAVAILABLE', `the ${what} could not be fetched: HTTP ${response.status}`)
    }
    const length = Number(response.headers.get('content-length'))
    if (length > MAX_BODY_CHARS) fail('ERR_JWKS_INVALID', `the ${what} is too large`)
    text = await response.text()
  } catch (cause) {
    if (cause instanceof Error && cause.name === 'IdTokenError') throw cause
    const reason = cause instanceof Error && cause.name === 'TimeoutError' ? 'timed out' : 'network error'
    fail('ERR_JWKS_UNAVAILABLE', `the ${what} could not be fetched: ${reason}`, undefined, cause)
  }
  if (text.length > MAX_BODY_CHARS) fail('ERR_JWKS_INVALID', `the ${what} is too large`)
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (cause) {
    fail('ERR_JWKS_INVALID', `the ${what} is not valid JSON`, undefined, cause)
  }
  return { body, headers: response.headers, status: response.status }
}
