import { IdTokenError } from './errors.ts'
import { fail } from './fail.ts'

export interface HttpOptions {
  readonly fetch: typeof fetch
  /** Milliseconds per request, reading the body included. */
  readonly timeout: number
}

export interface JsonResponse {
  readonly body: unknown
  readonly headers: Headers
  readonly status: number
}

// Key sets of real providers are a few kilobytes; this bounds memory for a hostile or broken endpoint. It counts
// decoded bytes as they arrive: a 400 KiB gzip'd body can inflate to 400 MiB.
const MAX_BODY_BYTES = 1 << 20
// URLs in messages are configuration, not secrets, but a provider chooses their length (Location, jwks_uri).
const MAX_SHOWN_CHARS = 200
// setTimeout fires at once for delays past 2^31 - 1 ms.
const MAX_DELAY = 2 ** 31 - 1
// Not fatal on a leading BOM: it is stripped, as response.text() always did.
const utf8 = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true })

/**
 * GETs a JSON document. Transport failures, timeouts and non-2xx answers are `ERR_JWKS_UNAVAILABLE`; a
 * redirect, a body over 1 MiB or one that is not UTF-8 JSON is `ERR_JWKS_INVALID`. Every message names the URL,
 * never the body. No custom headers are sent unless asked for, so a browser makes a simple CORS request
 * without a preflight.
 */
export async function getJson(
  http: HttpOptions,
  url: string,
  what: string,
  headers?: Record<string, string>,
): Promise<JsonResponse> {
  const subject = `the ${what} at ${shown(url)}`
  // The signal alone is not enough: a transport may ignore it, or a body may stall after the headers. The
  // deadline is raced against the whole exchange so a verification (and every call sharing it) always settles.
  const controller = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => {
        // The same reason AbortSignal.timeout() gives, kept as the cause.
        const reason = new DOMException(`timed out after ${http.timeout} ms`, 'TimeoutError')
        reject(
          new IdTokenError('ERR_JWKS_UNAVAILABLE', `${subject} could not be fetched: ${reason.message}`, {
            cause: reason,
          }),
        )
        controller.abort(reason)
      },
      Math.min(http.timeout, MAX_DELAY),
    )
  })
  const work = exchange(http, url, subject, headers, controller.signal)
  // Once the deadline has won, whatever the abandoned exchange does later must not surface as unhandled.
  work.catch(() => {})
  try {
    return await Promise.race([work, deadline])
  } finally {
    // Cleared on every path: a pending timer keeps a process alive and fails Deno's test sanitizer.
    clearTimeout(timer)
  }
}

async function exchange(
  http: HttpOptions,
  url: string,
  subject: string,
  headers: Record<string, string> | undefined,
  signal: AbortSignal,
): Promise<JsonResponse> {
  let response: Response
  try {
    // Never followed: a redirect would let whoever answers choose where keys come from (another host, or plain
    // http after https). The URL to use is configuration, so the error says which one.
    const init: RequestInit = { method: 'GET', redirect: 'manual', signal }
    if (headers !== undefined) init.headers = headers
    response = await http.fetch(url, init)
  } catch (cause) {
    fail('ERR_JWKS_UNAVAILABLE', `${subject} could not be fetched: network error`, { cause })
  }
  if (signal.aborted) {
    discard(response)
    throw signal.reason
  }
  refuseRedirect(response, url, subject)
  if (response.status === 304) {
    discard(response)
    return { body: undefined, headers: response.headers, status: 304 }
  }
  if (!response.ok) {
    discard(response)
    const { status } = response
    // A 4xx (but a timeout or a rate limit) is a wrong URL or a refusal: a configuration matter, not an outage.
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
      fail('ERR_JWKS_INVALID', `${subject} answered HTTP ${status}: check the configured URL (issuer or jwksUri)`)
    }
    fail('ERR_JWKS_UNAVAILABLE', `${subject} could not be fetched: HTTP ${status}`)
  }
  if (Number(response.headers.get('content-length')) > MAX_BODY_BYTES) {
    discard(response)
    fail('ERR_JWKS_INVALID', `${subject} is larger than 1 MiB`)
  }
  let bytes: Uint8Array
  try {
    bytes = await readBounded(response, subject, signal)
  } catch (cause) {
    if (cause instanceof IdTokenError) throw cause
    fail('ERR_JWKS_UNAVAILABLE', `${subject} could not be fetched: network error`, { cause })
  }
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch (cause) {
    fail('ERR_JWKS_INVALID', `${subject} is not valid JSON (not UTF-8)`, { cause })
  }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (cause) {
    const type = response.headers.get('content-type') ?? ''
    fail(
      'ERR_JWKS_INVALID',
      `${subject} is not valid JSON${/html/i.test(type) ? ' (an HTML page: is the URL right?)' : ''}`,
      { cause },
    )
  }
  return { body, headers: response.headers, status: response.status }
}

function refuseRedirect(response: Response, url: string, subject: string): void {
  const hint = 'configure the final URL'
  // What a browser gives for redirect: 'manual': no status, no Location.
  if (response.type === 'opaqueredirect') {
    fail('ERR_JWKS_INVALID', `${subject} answered with a redirect, which is not followed: ${hint}`)
  }
  // A transport that followed anyway (a wrapper overriding `redirect`): the keys came from elsewhere.
  if (response.redirected) {
    discard(response)
    fail(
      'ERR_JWKS_INVALID',
      `${subject} was answered through a redirect, which is not followed: ${hint} (${shown(response.url)})`,
    )
  }
  const { status } = response
  if (status < 300 || status > 399 || status === 304) return
  discard(response)
  const location = response.headers.get('location')
  const where = location === null ? '' : ` (Location: ${shown(resolve(location, url))})`
  fail('ERR_JWKS_INVALID', `${subject} answered HTTP ${status} (a redirect, which is not followed): ${hint}${where}`)
}

/** The body's bytes, reading no further than one chunk past the bound and stopping when the deadline passes. */
async function readBounded(response: Response, subject: string, signal: AbortSignal): Promise<Uint8Array> {
  const body = response.body
  if (body === null) return new Uint8Array(0)
  // A transport whose body is not a web stream (node-fetch gives a Node stream): bounded only after reading.
  if (typeof body.getReader !== 'function') {
    const whole = new Uint8Array(await response.arrayBuffer())
    if (whole.byteLength > MAX_BODY_BYTES) fail('ERR_JWKS_INVALID', `${subject} is larger than 1 MiB`)
    return whole
  }
  const reader = body.getReader()
  const stop = (): void => {
    reader.cancel().catch(() => {})
  }
  signal.addEventListener('abort', stop, { once: true })
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      // A hand-made stream may enqueue anything; only bytes count towards the bound.
      if (!ArrayBuffer.isView(value)) {
        stop()
        fail('ERR_JWKS_INVALID', `${subject} is not valid JSON`)
      }
      size += value.byteLength
      if (size > MAX_BODY_BYTES) {
        stop()
        fail('ERR_JWKS_INVALID', `${subject} is larger than 1 MiB`)
      }
      chunks.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength))
    }
  } finally {
    signal.removeEventListener('abort', stop)
  }
  signal.throwIfAborted()
  if (chunks.length === 1) return chunks[0]!
  const bytes = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.byteLength
  }
  return bytes
}

// An unread body holds a connection (and in some runtimes memory) until it is consumed or cancelled.
function discard(response: Response): void {
  try {
    response.body?.cancel().catch(() => {})
  } catch {
    // A body that is not a web stream: nothing to cancel.
  }
}

function resolve(location: string, base: string): string {
  try {
    return new URL(location, base).href
  } catch {
    return location
  }
}

function shown(text: string): string {
  return text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}…` : text
}
