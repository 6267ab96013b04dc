// Hostile HTTP endpoints for the getJson tests: bodies that count what is pulled from them, a settle-or-pending
// probe on real timers, and a real node:http server on 127.0.0.1 (the global fetch is undici: fakes do not show
// what it does with redirects and Content-Encoding).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface CountingBody {
  readonly stream: ReadableStream<Uint8Array>
  /** Bytes handed to the reader so far. */
  pulled(): number
  cancelled(): boolean
}

/**
 * A body of `total` bytes (Infinity: endless) in chunks of `chunk` bytes, produced only when read
 * (highWaterMark 0), so `pulled()` is what the reader asked for. `delay` ms between chunks; `stall` never
 * produces anything after the headers.
 */
export function countingBody(options: {
  total: number
  chunk?: number
  fill?: number
  delay?: number
  stall?: boolean
}): CountingBody {
  const size = options.chunk ?? 64 * 1024
  const piece = new Uint8Array(size).fill(options.fill ?? 0x20)
  let pulled = 0
  let cancelled = false
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (options.stall === true) return new Promise<void>(() => {})
        if (options.delay !== undefined) await new Promise((resolve) => setTimeout(resolve, options.delay))
        if (cancelled) return
        const left = options.total - pulled
        if (left <= 0) return controller.close()
        const next = left >= size ? piece.slice() : piece.slice(0, left)
        pulled += next.byteLength
        controller.enqueue(next)
      },
      cancel() {
        cancelled = true
      },
    },
    { highWaterMark: 0 },
  )
  return { stream, pulled: () => pulled, cancelled: () => cancelled }
}

export type Settled =
  | { state: 'resolved'; value: unknown; ms: number }
  | { state: 'rejected'; error: { code?: string; message: string; name: string }; ms: number }
  | { state: 'pending'; ms: number }

/** Waits at most `limit` ms (real time) for `promise`; a promise still pending then is reported, not awaited. */
export async function settleWithin(promise: Promise<unknown>, limit: number): Promise<Settled> {
  const start = performance.now()
  let timer: ReturnType<typeof setTimeout> | undefined
  const pending = new Promise<'pending'>((resolve) => {
    timer = setTimeout(() => resolve('pending'), limit)
  })
  try {
    const outcome = await Promise.race([
      promise.then(
        (value) => ({ state: 'resolved' as const, value }),
        (error: unknown) => ({ state: 'rejected' as const, error }),
      ),
      pending,
    ])
    const ms = performance.now() - start
    if (outcome === 'pending') return { state: 'pending', ms }
    if (outcome.state === 'resolved') return { state: 'resolved', value: outcome.value, ms }
    return { state: 'rejected', error: outcome.error as { code?: string; message: string; name: string }, ms }
  } finally {
    clearTimeout(timer)
  }
}

export interface TestServer {
  readonly origin: string
  /** Paths requested so far. */
  readonly requests: string[]
  close(): Promise<void>
}

export async function serve(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<TestServer> {
  const requests: string[] = []
  const server = createServer((request, response) => {
    requests.push(request.url ?? '')
    handler(request, response)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A Response whose `type` and `status` are what a browser gives for `redirect: 'manual'`. */
export function opaqueRedirect(): Response {
  const response = new Response(null)
  Object.defineProperty(response, 'type', { value: 'opaqueredirect' })
  Object.defineProperty(response, 'status', { value: 0 })
  Object.defineProperty(response, 'ok', { value: false })
  return response
}
